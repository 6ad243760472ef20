"""The ``staff`` and ``training`` imports (interfaces §3): Chinese or English headers, Chinese
cell values, all or nothing with ``row N, column NAME`` errors (nothing written: the tables and
the audit log are compared), idempotent (a second import changes nothing), natural keys, one ID
number's posts not overlapping across homes (in the file and against the database), scope."""

from __future__ import annotations

from datetime import date

import pytest

from backend.core.exchange import ExchangeError
from backend.core.security import Scope
from backend.core.tables import AuditEntry
from backend.importers import KINDS, run_import, template_csv
from backend.registry import services as registry
from backend.staffing import services
from backend.staffing.schemas import StaffIn
from backend.staffing.tables import StaffMember, TrainingRecord
from tests.cli.helpers import as_json, tekun
from tests.conftest import post_form
from tests.residents.helpers import new_id
from tests.residents.test_imports import as_csv, as_xlsx

STAFF_HEADERS = [
    "机构编码",
    "工号",
    "姓名",
    "岗位",
    "入职日期",
    "离职日期",
    "健康证到期",
    "消防设施操作员证",
    "用工形式",
    "养老护理员证书",
    "身份证号",
]
TRAINING_HEADERS = ["home_code", "staff_no", "topic", "trained_on", "hours", "provider"]


async def state() -> tuple:
    return (
        await StaffMember.select().order_by(StaffMember.id),
        await TrainingRecord.select().order_by(TrainingRecord.id),
        await AuditEntry.count(),
    )


def inspector(home: dict) -> Scope:
    return Scope(user_id=None, username="inspector-test", role="inspector", county_id=home["county_id"])


@pytest.fixture
async def homes(world, system):
    county = await world.county()
    a, b = await world.home(county, name="甲敬老院"), await world.home(county, name="乙敬老院")
    c = await world.home(await world.county(), name="外县敬老院")
    return {name: await registry.find_home(system, code) for name, code in (("a", a), ("b", b), ("c", c))}


async def test_a_staff_file_is_imported_and_a_second_import_changes_nothing(homes):
    a, b = homes["a"]["code"], homes["b"]["code"]
    number = new_id("F")
    rows = [
        [a, "A001", "李桂兰", "护理", "2024-01-02", "", "", "否", "聘用", "初级", number],
        [a, "K01", "王师傅", "炊事", "2024/03/01", "", "2027年3月1日", "", "", "", ""],
        [b, "M01", "赵院长", "管理", "2023-05-01", "2025-06-30", "", "是", "编制", "", ""],
    ]
    data = as_csv(STAFF_HEADERS, rows)
    scope = inspector(homes["a"])
    first = await run_import(scope, "staff", "staff.csv", data)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    posts = {p.staff_no: p for p in await services.list_staff(scope, a)}
    assert (posts["A001"].post, posts["A001"].employment, posts["A001"].carer_cert) == ("carer", "contract", "junior")
    assert posts["K01"].health_cert_expires == date(2027, 3, 1)
    manager = await services.get_staff(scope, b, "M01")
    assert (manager.post, manager.left_on, manager.fire_operator_cert, manager.employment) == (
        "manager",
        date(2025, 6, 30),
        True,
        "civil",
    )
    assert await AuditEntry.count().where(AuditEntry.action == "staff.import") >= 3
    before = await state()
    second = await run_import(scope, "staff", "staff.csv", data)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert await state() == before
    # a changed name updates that post only; an empty cell keeps what is recorded
    rows[0][2], rows[0][10] = "李桂芳", ""
    third = await run_import(scope, "staff", "staff.xlsx", as_xlsx(STAFF_HEADERS, rows))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    assert third.rows[0].changes["name"] == ["李桂兰", "李桂芳"]
    row = await StaffMember.select().where((StaffMember.home == homes["a"]["id"]) & (StaffMember.staff_no == "A001")).first()
    assert (row["name"], row["id_number"]) == ("李桂芳", number)


async def test_a_bad_file_writes_nothing_and_lists_every_error(homes):
    a, c = homes["a"]["code"], homes["c"]["code"]
    rows = [
        [a, "A001", "李桂兰", "护理", "2024-01-02", "", "", "", "", "", ""],  # fine
        [a, "K01", "王师傅", "炊事", "2024-03-01", "", "", "", "", "", ""],  # a kitchen worker without a health certificate
        [a, "A002", "周", "司机", "2024-03-01", "", "", "", "", "", ""],  # no such post
        [a, "A003", "吴", "护理", "2024-03-01", "2024-01-01", "", "", "", "", ""],  # leaves before hired
        [c, "C1", "外人", "护理", "2024-03-01", "", "", "", "", "", ""],  # a home out of scope
        [a, "A001", "重复", "护理", "2024-01-02", "", "", "", "", "", ""],  # the same natural key
        [a, "A004", "郑", "护理", "2024-03-01", "", "", "也许", "", "", "123"],  # 是/否, the ID
    ]
    before = await state()
    with pytest.raises(ExchangeError) as refused:
        await run_import(inspector(homes["a"]), "staff", "staff.csv", as_csv(STAFF_HEADERS, rows))
    found = {(error.row, error.column) for error in refused.value.errors}
    assert found == {
        (3, "健康证到期"),
        (4, "岗位"),
        (5, "离职日期"),
        (6, "机构编码"),
        (7, "工号"),
        (8, "消防设施操作员证"),
        (8, "身份证号"),
    }
    assert str(refused.value.errors[0]).startswith("row 3, column 健康证到期: ")
    assert await state() == before


async def test_an_overlapping_post_of_one_id_in_two_homes_is_refused(homes, system):
    a, b, c = homes["a"]["code"], homes["b"]["code"], homes["c"]["code"]
    number = new_id("M")
    # within the file: the same person in two homes at once
    rows = [
        [a, "A001", "李桂兰", "护理", "2024-01-02", "2025-01-01", "", "", "", "", number],
        [b, "B001", "李桂兰", "护理", "2024-12-01", "", "", "", "", "", number],
    ]
    before = await state()
    with pytest.raises(ExchangeError) as refused:
        await run_import(inspector(homes["a"]), "staff", "staff.csv", as_csv(STAFF_HEADERS, rows))
    assert {(error.row, error.column) for error in refused.value.errors} == {(2, "身份证号"), (3, "身份证号")}
    assert await state() == before
    # against the database: a post of home C (another county) holds the number
    await services.create_staff(
        system, c, StaffIn(staff_no="C1", name="李桂兰", post="carer", hired_on=date(2024, 6, 1), id_number=number)
    )
    before = await state()
    with pytest.raises(ExchangeError) as refused:
        await run_import(inspector(homes["a"]), "staff", "staff.csv", as_csv(STAFF_HEADERS, rows[:1]))
    [error] = refused.value.errors
    assert (error.row, error.column) == (2, "身份证号")
    assert "外县" not in error.message and c not in error.message  # another county's home is "another home"
    assert await state() == before
    # a post that ends the day the other begins does not overlap
    rows[0][5] = "2024-06-01"
    done = await run_import(inspector(homes["a"]), "staff", "staff.csv", as_csv(STAFF_HEADERS, rows[:1]))
    assert done.created == 1


async def test_a_training_file_is_imported_idempotently(homes, system):
    a = homes["a"]["code"]
    await services.create_staff(system, a, StaffIn(staff_no="A001", name="李桂兰", post="carer", hired_on=date(2024, 1, 2)))
    rows = [
        [a, "A001", "护理技能", "2024-02-01", "8", "县民政局"],
        [a, "A001", "消防", "2024-02-01", "1.5", ""],
        [a, "A001", "fire", "2024-03-01", "2", ""],
    ]
    scope = inspector(homes["a"])
    first = await run_import(scope, "training", "training.csv", as_csv(TRAINING_HEADERS, rows))
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    records = await services.list_training(scope, a, "A001")
    assert [(r.topic, r.trained_on, r.hours_tenths) for r in records] == [  # latest first
        ("fire", date(2024, 3, 1), 20),
        ("fire", date(2024, 2, 1), 15),
        ("care", date(2024, 2, 1), 80),
    ]
    assert (await services.get_staff(scope, a, "A001")).trained_carer
    before = await state()
    second = await run_import(scope, "training", "training.csv", as_csv(TRAINING_HEADERS, rows))
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert await state() == before
    rows[1][4] = "2.5"
    third = await run_import(scope, "training", "training.csv", as_csv(TRAINING_HEADERS, rows))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    assert await AuditEntry.count().where(AuditEntry.action == "training.import") >= 4


async def test_a_bad_training_file_writes_nothing(homes, system):
    a, c = homes["a"]["code"], homes["c"]["code"]
    await services.create_staff(system, a, StaffIn(staff_no="A001", name="李桂兰", post="carer", hired_on=date(2024, 1, 2)))
    rows = [
        [a, "A001", "护理技能", "2024-02-01", "8", ""],
        [a, "NOBODY", "消防", "2024-02-01", "1", ""],  # no such staff number
        [a, "A001", "唱歌", "2024-02-01", "1", ""],  # no such topic
        [a, "A001", "消防", "2024-02-01", "0", ""],  # hours must be > 0
        [a, "A001", "消防", "2024-02-02", "1.25", ""],  # one decimal at most
        [a, "A001", "护理技能", "2024-02-01", "3", ""],  # the same natural key as row 2
        [c, "X", "消防", "2024-02-01", "1", ""],  # out of scope
        [a, "A001", "消防", "2099-01-01", "1", ""],  # in the future
    ]
    before = await state()
    with pytest.raises(ExchangeError) as refused:
        await run_import(inspector(homes["a"]), "training", "training.csv", as_csv(TRAINING_HEADERS, rows))
    assert {(error.row, error.column) for error in refused.value.errors} == {
        (3, "staff_no"),
        (4, "topic"),
        (5, "hours"),
        (6, "hours"),
        (7, "staff_no"),
        (8, "home_code"),
        (9, "trained_on"),
    }
    assert await state() == before


async def test_who_may_import_and_the_command_line(homes, tmp_path, signed_in):
    assert set(KINDS["staff"].roles) == set(KINDS["training"].roles) == {"inspector", "admin"}
    assert template_csv("staff").decode("utf-8-sig").splitlines()[0] == ",".join(STAFF_HEADERS)
    director, _user = await signed_in("director", home=homes["a"]["code"])
    data = as_csv(STAFF_HEADERS, [[homes["a"]["code"], "A001", "李桂兰", "护理", "2024-01-02", "", "", "", "", "", ""]])
    upload = await post_form(director, "/import", {"kind": "staff"}, files={"file": ("staff.csv", data, "text/csv")})
    assert upload.status_code == 403
    inspector_client, _user = await signed_in("inspector", county=homes["a"]["county_code"])
    page = await inspector_client.get("/import")
    assert page.status_code == 200 and "工作人员名册" in page.text and "工作人员培训记录" in page.text
    path = tmp_path / "staff.csv"
    path.write_bytes(data)
    result = tekun("import", "staff", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert as_json(result)["created"] == 1
    again = tekun("import", "staff", str(path), "--json")
    assert as_json(again)["unchanged"] == 1
