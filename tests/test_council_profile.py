"""Everything that makes the service one council's lives in its profile (config/councils/<id>/)."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from alerts import create_app
from alerts.cli.new_council import new_council
from alerts.data import reference
from alerts.extensions import db
from alerts.models import Area, CouncilRecord
from config import ConfigurationError
from config.council import COUNCILS_DIR, DEFAULT_COUNCIL, load_council

ROOT = Path(__file__).resolve().parent.parent

# Files that are not any one council's: shared lists that happen to name every authority.
SHARED_DATA = {"config/data/common-passwords.txt", "config/data/met-office-areas.json"}
# Vendored GOV.UK Frontend and the compressed copies whitenoise makes of our own files.
SKIPPED_STATIC = ("govuk-frontend", "images/")
DORSET_ONLY = re.compile(r"dorset|E06000059|\bDT\d{1,2}\b", re.IGNORECASE)
# The one line outside Dorset's profile allowed to name it: the default COUNCIL.
ALLOWED = {("config/council.py", 'DEFAULT_COUNCIL = "dorset"')}


def _files_to_search() -> list[Path]:
    found: list[Path] = []
    for folder in ("alerts", "templates", "config", "static"):
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT).as_posix()
            if not path.is_file() or "__pycache__" in relative or path.suffix in (".br", ".gz", ".pyc"):
                continue
            if relative.startswith("config/councils/dorset/") or relative in SHARED_DATA:
                continue
            if relative.startswith("static/") and (any(part in relative for part in SKIPPED_STATIC)
                                                   or relative.startswith("static/manifest")):
                continue
            found.append(path)
    return found


def _without_neighbours(path: Path, text: str) -> str:
    """Another council's profile names its neighbours, Dorset among them: that is its data, not Dorset's."""
    if path.name == "areas.json" and "config/councils/" in path.as_posix():
        data = json.loads(text)
        data.pop("neighbours", None)
        data.pop("_comment", None)
        return json.dumps(data)
    if path.name == "council.json":
        data = json.loads(text)
        data.pop("_comment", None)
        return json.dumps(data)
    return text


def test_nothing_outside_dorsets_profile_names_dorset_or_its_codes() -> None:
    found = []
    for path in _files_to_search():
        relative = path.relative_to(ROOT).as_posix()
        text = _without_neighbours(path, path.read_text(encoding="utf-8", errors="replace"))
        for number, line in enumerate(text.splitlines(), start=1):
            if DORSET_ONLY.search(line) and not any(relative == file and allowed in line
                                                    for file, allowed in ALLOWED):
                found.append(f"{relative}:{number}: {line.strip()[:100]}")
    assert found == []


def test_the_search_looks_where_it_should() -> None:
    searched = {path.relative_to(ROOT).as_posix() for path in _files_to_search()}
    assert {"alerts/notify/rendering.py", "templates/base.html", "config/settings.py", "static/app.css",
            "config/councils/bcp/council.json"} <= searched
    assert not any(path.startswith(("config/councils/dorset/", "static/govuk-frontend")) for path in searched)


def test_both_shipped_profiles_load() -> None:
    dorset, bcp = load_council("dorset"), load_council("bcp")
    assert (dorset.name, dorset.local_authority_code) == ("Dorset Council", "E06000059")
    assert (bcp.name, bcp.local_authority_code) == ("Bournemouth, Christchurch and Poole Council", "E06000058")
    assert bcp.warnings_region == "South West England"
    assert bcp.warnings_area_name == "Bournemouth, Christchurch and Poole"
    assert bcp.example_warning and bcp.example_warning.startswith("EXAMPLE — check before use")
    assert dorset.example_warning is None
    assert [service.id for service in bcp.services] == [service.id for service in dorset.services]


def test_no_postcode_district_answers_for_both_dorset_and_bcp_and_each_sends_the_other_its_own() -> None:
    dorset, bcp = load_council("dorset"), load_council("bcp")
    assert set(dorset.districts) & set(bcp.districts) == set()
    dorset_neighbours = {d for n in dorset.neighbours if n.name == bcp.name for d in n.districts}
    bcp_neighbours = {d for n in bcp.neighbours if n.name == dorset.name for d in n.districts}
    assert set(bcp.districts) <= dorset_neighbours
    # Dorset's districts, named one by one or by their postcode area ("DT").
    assert all(d in bcp_neighbours or re.match(r"[A-Z]+", d)[0] in bcp_neighbours  # type: ignore[index]
               for d in dorset.districts)
    # Districts both councils reach are each placed on one side only, and the profile says so.
    for district in ("BH16", "BH18", "BH21", "BH22", "BH23", "BH24", "BH31"):
        assert (district in dorset.districts) != (district in bcp.districts)
        comment = json.loads((COUNCILS_DIR / "bcp" / "areas.json").read_text())["_comment"]
        assert district in comment


@pytest.fixture
def councils(tmp_path: Path) -> Path:
    """A copy of the shipped profiles to break."""
    shutil.copytree(COUNCILS_DIR, tmp_path / "councils")
    load_council.cache_clear()
    yield tmp_path / "councils"
    load_council.cache_clear()


def _break(councils: Path, file: str, change) -> None:
    path = councils / "bcp" / file
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("file, change, message", [
    ("council.json", lambda d: d.pop("local_authority_code"),
     "bcp/council.json: field 'local_authority_code' is missing or empty"),
    ("council.json", lambda d: d.update(local_authority_code="BCP"),
     "bcp/council.json: field 'local_authority_code' must be an ONS code like E06000058, not 'BCP'"),
    ("council.json", lambda d: d["met_office"].pop("area_name"),
     "bcp/council.json: field 'met_office.area_name' is missing or empty"),
    ("council.json", lambda d: d["contact"].update(email="nobody"),
     "bcp/council.json: field 'contact.email' must be an email address, not 'nobody'"),
    ("council.json", lambda d: d.update(header_colour="teal"),
     "bcp/council.json: field 'header_colour' must be a colour like #1d70b8, not 'teal'"),
    ("council.json", lambda d: d.update(example_postcode="SW1A 2AA"),
     "bcp/council.json: field 'example_postcode' 'SW1A 2AA' is not in any of the council's areas"),
    ("areas.json", lambda d: d["areas"][1]["districts"].append("BH1"),
     "bcp/areas.json: field 'areas[1].districts' BH1 is already in area 'bournemouth-town-centre'"),
    ("areas.json", lambda d: d["areas"][0]["districts"].append("BH 1"),
     "bcp/areas.json: field 'areas[0].districts' has 'BH 1', which is not a postcode district"),
    ("areas.json", lambda d: d["neighbours"][0]["districts"].append("BH23"),
     "bcp/areas.json: field 'neighbours[0].districts' BH23 also in this council's areas"),
])
def test_a_malformed_profile_is_refused_naming_the_file_and_the_field(councils: Path, file: str, change,
                                                                       message: str) -> None:
    _break(councils, file, change)
    with pytest.raises(ConfigurationError) as refusal:
        load_council("bcp", councils)
    assert message in str(refusal.value)


def test_a_profile_that_is_not_json_is_refused_naming_the_file(councils: Path) -> None:
    (councils / "bcp" / "areas.json").write_text("{ not json")
    with pytest.raises(ConfigurationError, match=r"bcp/areas.json is not valid JSON"):
        load_council("bcp", councils)


def test_a_council_with_no_profile_is_refused_with_the_profiles_there_are() -> None:
    with pytest.raises(ConfigurationError) as refusal:
        create_app("test", {"COUNCIL": "wessex"})
    assert str(refusal.value) == (
        "COUNCIL=wessex names no profile: config/councils/wessex/council.json does not exist "
        "(profiles: bcp, ceredigion, dorset; make one with `flask --app wsgi new-council`)")


def test_the_service_refuses_to_start_on_a_missing_profile_in_one_line() -> None:
    settings = {"SECRET_KEY": secrets.token_urlsafe(32), "NOTIFY_API_KEY": "k", "WEB_CONCURRENCY": "1",
                "COUNCIL": "wessex", "ALERTS_ENV": "production"}
    started = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, capture_output=True, text=True,
                             env={"PATH": "/usr/bin:/bin", **settings}, timeout=120, check=False)
    assert started.returncode == 3
    assert started.stderr.strip().splitlines() == [
        "Refusing to start: COUNCIL=wessex names no profile: config/councils/wessex/council.json does not exist "
        "(profiles: bcp, ceredigion, dorset; make one with `flask --app wsgi new-council`)"]


def test_the_app_takes_the_councils_names_from_its_profile() -> None:
    app = create_app("test", {"COUNCIL": "bcp"})
    assert app.config["COUNCIL_NAME"] == "Bournemouth, Christchurch and Poole Council"
    assert app.config["SERVICE_NAME"] == "Check disruption to BCP Council services"
    assert app.config["LOCAL_AUTHORITY_CODE"] == "E06000058"
    assert app.config["WARNING_AREA_NAME"] == "Bournemouth, Christchurch and Poole"


def test_the_default_council_is_dorset(app: Flask) -> None:
    assert DEFAULT_COUNCIL == "dorset" and app.config["COUNCIL_PROFILE"].id == "dorset"


# --- new-council ----------------------------------------------------------------------------------------------------

ANSWERS = [
    "Wessex Council", "", "E06000999", "wessex.gov.uk", "", "",  # names, code, domain, region, Met Office name
    "", "", "01632 960001", "", "", "Wessex Council, Town Hall, Casterbridge, WX1 1AA",  # contact
]


def test_new_council_scaffolds_a_profile_from_answers_that_then_loads(tmp_path: Path) -> None:
    areas = ["Casterbridge", "WX1 WX2", "Budmouth", "WX4", ""]
    result = CliRunner().invoke(new_council, ["wessex", "--councils-dir", str(tmp_path)],
                                input="\n".join([*ANSWERS, *areas, ""]) + "\n")
    assert result.exit_code == 0, result.output
    council = load_council("wessex", tmp_path)
    assert (council.name, council.short_name, council.local_authority_code) == (
        "Wessex Council", "Wessex", "E06000999")
    assert council.warnings_feed_url.endswith("/Region/sw")
    assert council.contact.email == "alerts@wessex.gov.uk"
    assert council.contact.postal_address == ("Wessex Council", "Town Hall", "Casterbridge", "WX1 1AA")
    assert council.districts == {"WX1": "casterbridge", "WX2": "casterbridge", "WX4": "budmouth"}
    assert council.example_postcode == "WX1 1AA"
    assert "COUNCIL=wessex flask --app wsgi load-reference-data" in result.output


def test_new_council_makes_an_english_only_profile_by_default(tmp_path: Path) -> None:
    result = CliRunner().invoke(new_council, ["wessex", "--councils-dir", str(tmp_path)],
                                input="\n".join([*ANSWERS, "Casterbridge", "WX1", "", ""]) + "\n")
    assert result.exit_code == 0, result.output
    council = load_council("wessex", tmp_path)
    assert council.languages == ("en",) and council.name_cy is None
    assert "languages" not in json.loads((tmp_path / "wessex" / "council.json").read_text())


def test_new_council_scaffolds_a_welsh_and_english_profile_that_then_loads(tmp_path: Path) -> None:
    answers = [
        "Wessex Council", "", "Cyngor Wessex", "", "W06000999", "wessex.gov.uk", "Wales", "",  # names, codes, region
        "", "", "01632 960001", "", "", "",  # contact: website, email, phone, hours in each language, data protection
        "Wessex Council, Town Hall, WX1 1AA", "Cyngor Wessex, Neuadd y Dref, WX1 1AA",
    ]
    areas = ["Casterbridge", "Castell", "WX1 WX2", ""]
    result = CliRunner().invoke(new_council, ["wessex", "--languages", "cy,en", "--councils-dir", str(tmp_path)],
                                input="\n".join([*answers, *areas, ""]) + "\n")
    assert result.exit_code == 0, result.output
    council = load_council("wessex", tmp_path)
    assert council.languages == ("cy", "en")
    assert (council.name, council.name_cy, council.short_name_cy) == ("Wessex Council", "Cyngor Wessex", "Wessex")
    assert council.warnings_feed_url.endswith("/Region/wl")
    assert council.contact.phone_hours_cy == "Dydd Llun i ddydd Gwener, 9yb i 5yh (ac eithrio gwyliau banc)"
    assert council.contact.postal_address_cy == ("Cyngor Wessex", "Neuadd y Dref", "WX1 1AA")
    assert [(area.name, area.name_cy) for area in council.areas] == [("Casterbridge", "Castell")]
    assert council.whole_area_name_cy == "Holl ardal y cyngor"


def test_new_council_takes_welsh_area_names_from_a_csvs_third_column(tmp_path: Path) -> None:
    csv_file = tmp_path / "districts.csv"
    csv_file.write_text("district,area,welsh\nWX1,Casterbridge,Castell\nWX2,Casterbridge,\nWX4,Budmouth\n")
    answers = ["Wessex Council", "", "", "", "W06000999", "wessex.gov.uk", "Wales", "",
               "", "", "01632 960001", "", "", "", "Town Hall, WX1 1AA", "Neuadd y Dref, WX1 1AA"]
    result = CliRunner().invoke(new_council, ["wessex", "--languages", "cy,en", "--councils-dir",
                                              str(tmp_path / "councils"), "--districts-csv", str(csv_file)],
                                input="\n".join([*answers, ""]) + "\n")
    assert result.exit_code == 0, result.output
    council = load_council("wessex", tmp_path / "councils")
    assert [(area.name, area.name_cy) for area in council.areas] == [("Casterbridge", "Castell"),
                                                                    ("Budmouth", "Budmouth")]


def test_new_council_refuses_languages_without_english(tmp_path: Path) -> None:
    result = CliRunner().invoke(new_council, ["wessex", "--languages", "cy", "--councils-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "Invalid value for '--languages'" in result.output


def test_new_council_takes_its_districts_from_a_csv(tmp_path: Path) -> None:
    csv_file = tmp_path / "districts.csv"
    csv_file.write_text("district,area\nWX1,Casterbridge\nwx2,Casterbridge\nWX4,Budmouth\nWX9,\n")
    result = CliRunner().invoke(new_council, ["wessex", "--councils-dir", str(tmp_path / "councils"),
                                              "--districts-csv", str(csv_file)],
                                input="\n".join([*ANSWERS, ""]) + "\n")
    assert result.exit_code == 0, result.output
    council = load_council("wessex", tmp_path / "councils")
    assert [(area.name, area.districts) for area in council.areas] == [
        ("Casterbridge", ("WX1", "WX2")), ("Budmouth", ("WX4",)), ("WX9", ("WX9",))]


def test_new_council_refuses_an_id_that_exists(tmp_path: Path) -> None:
    (tmp_path / "bcp").mkdir()
    result = CliRunner().invoke(new_council, ["bcp", "--councils-dir", str(tmp_path)], input="")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert not any((tmp_path / "bcp").iterdir())


def test_new_council_refuses_a_bad_csv(tmp_path: Path) -> None:
    csv_file = tmp_path / "districts.csv"
    csv_file.write_text("WX1,Casterbridge\nWX 2,Casterbridge\n")
    result = CliRunner().invoke(new_council, ["wessex", "--councils-dir", str(tmp_path / "c"),
                                              "--districts-csv", str(csv_file)],
                                input="\n".join([*ANSWERS, ""]) + "\n")
    assert result.exit_code == 1
    assert "line 2: 'WX 2' is not a postcode district" in result.output


# --- one council per database ---------------------------------------------------------------------------------------


@pytest.fixture
def restore_dorset() -> None:
    yield
    db.session.rollback()
    reference.load_reference_data(load_council("dorset"))
    db.session.commit()


def test_the_database_records_the_council_it_was_loaded_for(app: Flask) -> None:
    record = db.session.get(CouncilRecord, 1)
    assert (record.council_id, record.name) == ("dorset", "Dorset Council")
    assert reference.recorded_council() == "dorset"


def test_loading_another_councils_profile_into_this_database_is_refused(restore_dorset: None) -> None:
    with pytest.raises(reference.CouncilMismatch) as refusal:
        reference.load_reference_data(load_council("bcp"))
    assert str(refusal.value) == (
        "this database holds Dorset Council's areas and alerts (COUNCIL=dorset), not Bournemouth, Christchurch and "
        "Poole Council's (COUNCIL=bcp). Loading them would mix two councils' residents and notices: use a new "
        "database for COUNCIL=bcp, or set COUNCIL=dorset.")
    assert db.session.get(Area, "bournemouth-town-centre") is None


def test_a_database_loaded_before_councils_were_recorded_is_judged_by_its_areas(restore_dorset: None) -> None:
    db.session.delete(db.session.get(CouncilRecord, 1))
    db.session.commit()
    with pytest.raises(reference.CouncilMismatch, match=r"holds areas that are not in the COUNCIL=bcp profile "
                                                          r"\(beaminster, blandford-forum"):
        reference.load_reference_data(load_council("bcp"))
    reference.load_reference_data(load_council("dorset"))  # its own council: recorded from now on
    assert reference.recorded_council() == "dorset"


@pytest.fixture
def bcp_selected(app: Flask, monkeypatch: pytest.MonkeyPatch, restore_dorset: None) -> None:
    """The app now says COUNCIL=bcp, while the database still holds Dorset's areas."""
    monkeypatch.setitem(app.config, "COUNCIL_PROFILE", load_council("bcp"))


@pytest.mark.parametrize("command", [["load-reference-data"], ["seed-demo"], ["import-postcodes", "{csv}"]])
def test_the_loading_commands_refuse_another_councils_database(app: Flask, bcp_selected: None, tmp_path: Path,
                                                                command: list[str]) -> None:
    csv_file = tmp_path / "onspd.csv"
    csv_file.write_text("pcds,laua,osward\nBH2 6DY,E06000058,E05012345\n")
    result = app.test_cli_runner().invoke(args=[part.format(csv=csv_file) for part in command])
    assert result.exit_code == 1
    assert "Refusing to load COUNCIL=bcp: this database holds Dorset Council's areas" in result.output
    assert db.session.scalar(select(Area.id).where(Area.id.like("bournemouth%"))) is None


@pytest.mark.parametrize("command", ["scheduler", "dispatch"])
def test_the_worker_processes_refuse_to_start_on_another_councils_database(
        app: Flask, bcp_selected: None, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    monkeypatch.setattr("alerts.jobs.scheduler.run_scheduler", lambda _app: pytest.fail("the scheduler started"))
    monkeypatch.setattr("alerts.delivery.dispatcher.Dispatcher.run_forever",
                        lambda _self: pytest.fail("the dispatcher started"))
    result = app.test_cli_runner().invoke(args=[command])
    assert result.exit_code == 1
    assert ("Refusing to start: this database belongs to COUNCIL=dorset, but COUNCIL=bcp. Set COUNCIL=dorset, or "
            "point DATABASE_URL at bcp's own database.") in result.output


def test_load_reference_data_says_which_council_it_loaded(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["load-reference-data"])
    assert result.exit_code == 0
    assert result.output == "Reference data loaded for Dorset Council (COUNCIL=dorset).\n"


def test_a_postcode_far_from_the_council_is_shown_its_neighbours(client_request) -> None:
    page = client_request.get("/notices?postcode=ZE1+0AA", expected_status=200)
    assert page.h1 == "ZE1 0AA is outside Dorset Council’s area"
    assert [link.get_text(strip=True) for link in page.select("main ul a")] == [
        "Bournemouth, Christchurch and Poole Council", "Somerset Council", "Devon County Council",
        "Wiltshire Council", "Hampshire County Council"]
