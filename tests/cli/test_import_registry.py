"""``tekun import counties|homes``: all or nothing, every error, idempotent, GB18030."""

from backend.registry import services
from tests.cli.helpers import as_json, tekun
from tests.conftest import unique_county_code, unique_home_code


def write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


async def test_three_bad_rows_are_all_reported_and_nothing_is_written(tmp_path, system):
    county = unique_county_code()
    good = unique_home_code()
    path = write(
        tmp_path,
        "homes.csv",
        "机构编码,机构名称,区划代码,床位数\n"
        f"{good},好的敬老院,{county},10\n"
        f"bad code,坏编码敬老院,{county},10\n"
        f"{unique_home_code()},,{county},10\n"
        f"{unique_home_code()},负床位敬老院,{county},-5\n",
    )
    counties = write(tmp_path, "counties.csv", f"区划代码,名称,省份\n{county},测试县,甘肃省\n")
    assert tekun("import", "counties", str(counties)).returncode == 0
    result = tekun("import", "homes", str(path), "--json")
    assert result.returncode == 2
    errors = as_json(result)["errors"]
    assert as_json(result)["ok"] is False
    assert {(e["row"], e["column"]) for e in errors} == {(3, "机构编码"), (4, "机构名称"), (5, "床位数")}
    assert "row 3, column 机构编码: " in result.stderr
    assert await services.list_homes(system, county_code=county) == []


async def test_the_same_good_file_twice_creates_nothing_the_second_time(tmp_path, system):
    county = unique_county_code()
    homes = [unique_home_code(), unique_home_code()]
    counties = write(tmp_path, "c.csv", f"county_code,name,province\n{county},重复县,甘肃省\n")
    path = write(
        tmp_path,
        "h.csv",
        "home_code,name,county_code,beds,address,has_fire_control_room\n"
        f"{homes[0]},一院,{county},30,某地,是\n{homes[1]},二院,{county},20,,否\n",
    )
    assert tekun("import", "counties", str(counties)).returncode == 0
    first = tekun("import", "homes", str(path), "--json")
    assert first.returncode == 0, first.stderr
    assert (as_json(first)["created"], as_json(first)["unchanged"]) == (2, 0)
    second = tekun("import", "homes", str(path), "--json")
    assert (as_json(second)["created"], as_json(second)["updated"], as_json(second)["unchanged"]) == (0, 0, 2)
    assert "0 created, 0 updated, 2 unchanged" in second.stderr
    listed = await services.list_homes(system, county_code=county)
    assert [(h.code, h.beds, h.has_fire_control_room) for h in listed] == [(homes[0], 30, True), (homes[1], 20, False)]


async def test_a_changed_row_updates_only_that_record_and_is_audited(tmp_path, system):
    county = unique_county_code()
    home = unique_home_code()
    write(tmp_path, "c.csv", f"区划代码,名称,省份\n{county},改县,甘肃省\n")
    assert tekun("import", "counties", str(tmp_path / "c.csv")).returncode == 0
    write(tmp_path, "h.csv", f"机构编码,机构名称,区划代码,床位数\n{home},旧名,{county},10\n")
    assert tekun("import", "homes", str(tmp_path / "h.csv")).returncode == 0
    write(tmp_path, "h.csv", f"机构编码,机构名称,区划代码,床位数\n{home},新名,{county},12\n")
    dry = tekun("import", "homes", str(tmp_path / "h.csv"), "--dry-run", "--json")
    assert as_json(dry)["updated"] == 1 and (await services.get_home(system, home)).name == "旧名"
    result = tekun("import", "homes", str(tmp_path / "h.csv"), "--json")
    assert as_json(result)["updated"] == 1
    assert (await services.get_home(system, home)).name == "新名"


async def test_a_gb18030_csv_imports_correctly(tmp_path, system):
    county = unique_county_code()
    path = write(tmp_path, "gbk.csv", f"区划代码,名称,省份\r\n{county},碌曲县,甘肃省\r\n", encoding="gb18030")
    result = tekun("import", "counties", str(path))
    assert result.returncode == 0, result.stderr
    assert (await services.get_county(system, county)).name == "碌曲县"


async def test_unknown_county_and_a_move_between_counties_are_refused(tmp_path):
    county, other = unique_county_code(), unique_county_code()
    home = unique_home_code()
    write(tmp_path, "c.csv", f"区划代码,名称,省份\n{county},甲县,甘肃省\n{other},乙县,甘肃省\n")
    assert tekun("import", "counties", str(tmp_path / "c.csv")).returncode == 0
    write(tmp_path, "h.csv", f"机构编码,机构名称,区划代码,床位数\n{home},院,{county},1\n")
    assert tekun("import", "homes", str(tmp_path / "h.csv")).returncode == 0
    write(tmp_path, "h.csv", f"机构编码,机构名称,区划代码,床位数\n{home},院,{other},1\n{unique_home_code()},院,999999,1\n")
    result = tekun("import", "homes", str(tmp_path / "h.csv"), "--json")
    assert result.returncode == 2
    assert [(e["row"], e["column"]) for e in as_json(result)["errors"]] == [(2, "区划代码"), (3, "区划代码")]


def test_bad_arguments_exit_2(tmp_path):
    assert tekun("import", "nonsense", str(tmp_path / "x.csv")).returncode == 2
    assert tekun("import", "counties", str(tmp_path / "missing.csv")).returncode == 2
    assert tekun("frobnicate").returncode == 2
