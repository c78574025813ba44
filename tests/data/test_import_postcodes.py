from pathlib import Path

from alerts.data import reference

ONSPD = """pcds,laua,osward,osward_name
DT4 7TA,E06000059,E05012345,Westham North
dt1 1xj,E06000059,E05012346,Dorchester East
BH1 1AA,E06000058,E05000001,Bournemouth Central
not a postcode,E06000059,E05012346,Dorchester East
"""


def write_csv(tmp_path: Path, text: str = ONSPD) -> Path:
    path = tmp_path / "onspd.csv"
    path.write_text(text)
    return path


def test_import_postcodes_keeps_only_our_councils_rows_as_ward_areas(runner, tmp_path) -> None:
    result = runner.invoke(args=["import-postcodes", str(write_csv(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Imported 2 postcodes for E06000059; skipped 1 from other councils and 1 invalid." in result.output
    assert reference.area_for_postcode("DT4 7TA").area.name == "Westham North"
    assert reference.area_for_postcode("DT1 1XJ").area.name == "Dorchester East"
    assert reference.area_for_postcode("BH1 1AA").is_outside


def test_import_postcodes_twice_is_idempotent(runner, tmp_path) -> None:
    path = write_csv(tmp_path)
    runner.invoke(args=["import-postcodes", str(path)])
    result = runner.invoke(args=["import-postcodes", str(path)])
    assert result.exit_code == 0
    wards = [a for a in reference.list_areas() if a.kind == "ward"]
    assert sorted(a.name for a in wards) == ["Dorchester East", "Westham North"]


def test_import_postcodes_refuses_a_file_that_is_not_onspd_shaped(runner, tmp_path) -> None:
    result = runner.invoke(args=["import-postcodes", str(write_csv(tmp_path, "postcode,ward\nDT4 7TA,x\n"))])
    assert result.exit_code != 0
    assert "missing column(s) laua, osward, pcds" in result.output
