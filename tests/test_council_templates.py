"""The profile's standard notices (templates.json): loaded with the profile, and a bad file refuses to start."""

import json
import shutil
from pathlib import Path

import pytest

from config import ConfigurationError
from config.council import COUNCILS_DIR, load_council


@pytest.fixture
def councils(tmp_path: Path) -> Path:
    shutil.copytree(COUNCILS_DIR, tmp_path / "councils")
    load_council.cache_clear()
    yield tmp_path / "councils"
    load_council.cache_clear()


def _break(councils: Path, change) -> None:
    path = councils / "bcp" / "templates.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("council_id", ["dorset", "bcp", "ceredigion"])
def test_every_shipped_profile_has_the_standard_notices_with_their_placeholders(council_id: str) -> None:
    council = load_council(council_id)
    names = [template.name for template in council.templates]
    for expected in ["Bin collections suspended", "School closed", "Gritting tonight", "Road closed",
                     "Library closed"]:
        assert expected in names
    school = next(t for t in council.templates if t.name == "School closed")
    assert school.service_id == "schools" and school.impact == "severe"
    assert school.placeholders == ["school", "day", "reason"]


def test_the_welsh_profiles_standard_notices_are_in_welsh_with_the_same_placeholders() -> None:
    council = load_council("ceredigion")
    school = next(t for t in council.templates if t.key == "school-closed")
    assert (school.name_cy, school.title_cy) == ("Ysgol ar gau", "{school} ar gau ar {day}")
    assert [t.key for t in council.templates] == [t.key for t in load_council("bcp").templates]


@pytest.mark.parametrize("change, message", [
    (lambda d: d["templates"][0].pop("title"), "bcp/templates.json: field 'templates[0].title' is missing or empty"),
    (lambda d: d["templates"][1].update(service="parking"),
     "bcp/templates.json: field 'templates[1].service' 'parking' is not one of the council's services"),
    (lambda d: d["templates"][2].update(impact="bad"),
     "bcp/templates.json: field 'templates[2].impact' must be minor, major or severe, not 'bad'"),
    (lambda d: d["templates"][0].update(summary="Closed on {Day}"),
     "bcp/templates.json: field 'templates[0].summary' has a { or } that is not a placeholder like {area}"),
    (lambda d: d["templates"].append(dict(d["templates"][0])),
     "bcp/templates.json: field 'templates' two templates share an id"),
    (lambda d: d.pop("templates"), "bcp/templates.json: field 'templates' is missing or not a list"),
])
def test_a_malformed_templates_file_is_refused_naming_the_file_and_the_field(councils: Path, change,
                                                                              message: str) -> None:
    _break(councils, change)
    with pytest.raises(ConfigurationError) as refusal:
        load_council("bcp", councils)
    assert message in str(refusal.value)


def test_a_profile_without_templates_loads_with_none(councils: Path) -> None:
    (councils / "bcp" / "templates.json").unlink()
    assert load_council("bcp", councils).templates == ()
