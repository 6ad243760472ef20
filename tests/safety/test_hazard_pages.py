"""The hazard pages and API (issue 12 points 6–7): the board (major marked 重大隐患, overdue in
red, 待县级核验), one hazard with its forms, the fix with evidence photos (a file that claims to
be JPEG and is not, an oversized one: refused, nothing stored, no file on disk), the county's
inspector verifying; a director refused the county view and the verification (403), an
inspector of another county 404; ``/hazards``; the inspector's to-do items."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from backend.core import todo
from backend.core.settings import get_settings
from backend.registry import services as registry
from backend.safety import services
from backend.safety.hazard_schemas import FixIn, ManualHazardIn
from backend.safety.tables import SafetyHazard, SafetyPhoto
from backend.safety.views import hazard_todo
from tests.conftest import post_form
from tests.safety.helpers import director_scope, entry_in, home_row

MAJOR_ITEM = "exit_doors_unlocked"


def jpeg(colour=(200, 30, 30), size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def photo_files() -> set[Path]:
    root = get_settings().data_dir / "photos"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


async def _major(world, county: str | None = None):
    code = await world.home(county=county)
    home = await home_row(code)
    entry, _ = await services.record_entry(director_scope(home), code, await entry_in(code, fail={MAJOR_ITEM: "后门上锁"}))
    county_code = (await registry.counties_by_id([home["county_id"]]))[home["county_id"]]["code"]
    return code, home, county_code, entry.hazards[0]


async def test_the_board_marks_a_major_hazard_and_the_director_cannot_close_it(signed_in, world):
    code, home, county, hazard = await _major(world)
    client, _director = await signed_in("director", home=code)
    board = await client.get(f"/homes/{code}/hazards")
    assert board.status_code == 200
    assert "重大隐患" in board.text and f'data-hazard="{hazard.id}"' in board.text
    page = await client.get(f"/homes/{code}/hazards/{hazard.id}")
    assert page.status_code == 200 and 'id="fix-form"' in page.text and 'id="verify-form"' not in page.text
    assert f"/homes/{code}/safety/entries/{hazard.entry_id}" in page.text  # the source entry
    # the plan, then the fix with one photo: waits for the county
    saved = await post_form(client, f"/homes/{code}/hazards/{hazard.id}/plan", {"owner": "王师傅", "plan": "拆除挂锁"})
    assert saved.status_code == 303
    before = photo_files()
    fixed = await client.post(
        f"/homes/{code}/hazards/{hazard.id}/fix",
        data={"note": "挂锁已拆除", "_csrf_token": _csrf(client)},
        files=[("photos", ("fix.jpg", jpeg(), "image/jpeg"))],
    )
    assert fixed.status_code == 303, fixed.text
    row = await SafetyHazard.select().where(SafetyHazard.id == hazard.id).first()
    assert row["status"] == "fixed" and row["owner"] == "王师傅"
    photos = await SafetyPhoto.select().where(SafetyPhoto.hazard == hazard.id)
    assert (
        len(photos) == 1 and photos[0]["content_type"] == "image/jpeg" and (photos[0]["width"], photos[0]["height"]) == (40, 30)
    )
    sha = photos[0]["sha256"]
    photos_dir = get_settings().data_dir / "photos"
    assert photo_files() - before == {photos_dir / sha[:2] / f"{sha}.jpg", photos_dir / "thumbs" / f"{sha}.jpg"}
    waiting = await client.get(f"/homes/{code}/hazards/{hazard.id}")
    assert "待县级核验" in waiting.text and 'id="fix-form"' not in waiting.text
    # the evidence is shown: its thumbnail, linking to the photo, both served in scope
    assert f'/safety/photos/{photos[0]["id"]}/thumb"' in waiting.text
    thumb = await client.get(f"/homes/{code}/safety/photos/{photos[0]['id']}/thumb")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    # the director's verification is refused (403) and changes nothing
    refused = await post_form(client, f"/homes/{code}/hazards/{hazard.id}/verify", {"note": ""})
    assert refused.status_code == 403
    assert (await SafetyHazard.select(SafetyHazard.status).where(SafetyHazard.id == hazard.id).first())["status"] == "fixed"
    # the county view is not the director's
    assert (await client.get(f"/counties/{county}/hazards")).status_code == 403
    assert (await client.get("/hazards")).headers["location"] == f"/homes/{code}/hazards"


def _csrf(client) -> str:
    from tests.conftest import csrf_of

    return csrf_of(client)


async def test_a_forged_and_an_oversized_photo_are_refused_and_nothing_is_stored(signed_in, world, monkeypatch):
    code, home, county, hazard = await _major(world)
    client, _director = await signed_in("director", home=code)
    before = photo_files()
    forged = b"\xff\xd8\xff\xe0" + b"not a jpeg at all" * 20
    for files in (
        [("photos", ("a.jpg", forged, "image/jpeg"))],
        [("photos", ("ok.jpg", jpeg(), "image/jpeg")), ("photos", ("b.gif", b"GIF89a....", "image/jpeg"))],
    ):
        answer = await client.post(
            f"/homes/{code}/hazards/{hazard.id}/fix", data={"note": "已整改", "_csrf_token": _csrf(client)}, files=files
        )
        assert answer.status_code == 400
        assert "JPEG" in answer.text and 'id="e-photos"' in answer.text
    from backend.safety.services import _photos

    monkeypatch.setattr(_photos, "MAX_PHOTO_BYTES", 100)
    big = await client.post(
        f"/homes/{code}/hazards/{hazard.id}/fix",
        data={"note": "已整改", "_csrf_token": _csrf(client)},
        files=[("photos", ("big.jpg", jpeg(), "image/jpeg"))],
    )
    assert big.status_code == 400 and "每张照片最大" in big.text
    row = await SafetyHazard.select().where(SafetyHazard.id == hazard.id).first()
    assert row["status"] == "open" and row["fix_note"] == "" and row["fixed_at"] is None
    assert await SafetyPhoto.count().where(SafetyPhoto.hazard == hazard.id) == 0
    assert photo_files() == before


async def test_the_inspector_sees_the_county_and_verifies(signed_in, world):
    code, home, county, hazard = await _major(world)
    await services.record_fix(director_scope(home), hazard.id, FixIn(note="挂锁已拆除"))
    client, inspector = await signed_in("inspector", county=county)
    view = await client.get(f"/counties/{county}/hazards")
    assert view.status_code == 200 and "待县级核验" in view.text and f'data-home="{code}"' in view.text
    assert view.text.index(f'data-hazard="{hazard.id}"') < view.text.index('id="homes"')
    assert (await client.get(f"/counties/{county}/hazards?sort=bogus")).status_code == 400
    assert (await client.get("/hazards")).headers["location"] == f"/counties/{county}/hazards"
    items = await hazard_todo.county_hazards(inspector.scope)
    assert [(item.kind, item.detail) for item in items] == [("hazards_waiting", "1 项")]
    assert "hazards_waiting" in {item.kind for item in await todo.items(inspector.scope)}
    page = await client.get(f"/homes/{code}/hazards/{hazard.id}")
    assert 'id="verify-form"' in page.text and 'id="fix-form"' not in page.text
    empty = await post_form(client, f"/homes/{code}/hazards/{hazard.id}/reject", {"reason": ""})
    assert empty.status_code == 400 and 'id="e-reason"' in empty.text
    done = await post_form(client, f"/homes/{code}/hazards/{hazard.id}/verify", {"note": "现场核验"})
    assert done.status_code == 303
    row = await SafetyHazard.select().where(SafetyHazard.id == hazard.id).first()
    assert row["status"] == "closed" and row["verified_by"] == inspector.username
    again = await post_form(client, f"/homes/{code}/hazards/{hazard.id}/verify", {"note": ""})
    assert again.status_code == 400 and "已由" in again.text
    assert await hazard_todo.county_hazards(inspector.scope) == []


async def test_an_inspector_of_another_county_gets_404_everywhere(signed_in, world):
    code, home, county, hazard = await _major(world)
    await services.record_fix(director_scope(home), hazard.id, FixIn(note="挂锁已拆除"))
    client, _stranger = await signed_in("inspector", county=await world.county())
    for path in (
        f"/homes/{code}/hazards",
        f"/homes/{code}/hazards/{hazard.id}",
        f"/counties/{county}/hazards",
        f"/homes/{code}/hazards.xlsx",
    ):
        assert (await client.get(path)).status_code == 404, path
    assert (await post_form(client, f"/homes/{code}/hazards/{hazard.id}/verify", {"note": ""})).status_code == 404
    row = await SafetyHazard.select().where(SafetyHazard.id == hazard.id).first()
    assert row["status"] == "fixed"


async def test_a_hazard_opened_by_hand_on_the_board(signed_in, world):
    code = await world.home()
    client, _director = await signed_in("director", home=code)
    blank = await post_form(client, f"/homes/{code}/hazards", {"title": "", "major": "yes"})
    assert blank.status_code == 400 and 'id="e-title"' in blank.text
    assert await SafetyHazard.count().where(SafetyHazard.home == (await home_row(code))["id"]) == 0
    made = await post_form(client, f"/homes/{code}/hazards", {"title": "配电箱无盖", "major": "yes", "note": "一楼"})
    assert made.status_code == 303
    row = await SafetyHazard.select().where(SafetyHazard.home == (await home_row(code))["id"]).first()
    assert row["major"] and row["source"] == "manual" and made.headers["location"] == f"/homes/{code}/hazards/{row['id']}"


async def test_an_administrator_chooses_the_county(signed_in, world):
    county = await world.county(name="隐患县")
    client, _admin = await signed_in("admin")
    index = await client.get("/hazards")
    assert index.status_code == 200 and f"/counties/{county}/hazards" in index.text


async def test_the_api(signed_in, world, bearer):
    code, home, county, hazard = await _major(world)
    director = await world.user("director", home=code)
    inspector = await world.user("inspector", county=county)
    stranger = await world.user("inspector", county=await world.county())
    as_director, as_inspector, as_stranger = await bearer(director), await bearer(inspector), await bearer(stranger)
    client, _ = await signed_in("admin")
    listed = await client.get(f"/api/v1/homes/{code}/hazards", headers=as_director)
    assert listed.status_code == 200 and [h["id"] for h in listed.json()] == [hazard.id] and listed.json()[0]["major"]
    one = await client.get(f"/api/v1/hazards/{hazard.id}", headers=as_director)
    assert one.status_code == 200 and one.json()["needs_county"] is True
    assert (await client.get(f"/api/v1/hazards/{hazard.id}", headers=as_stranger)).status_code == 404
    plan = await client.post(f"/api/v1/hazards/{hazard.id}/plan", json={"owner": "王师傅", "plan": "拆除"}, headers=as_director)
    assert plan.status_code == 200 and plan.json()["hazard"]["owner"] == "王师傅"
    assert (await client.post(f"/api/v1/hazards/{hazard.id}/fix", json={"note": ""}, headers=as_director)).status_code == 400
    fixed = await client.post(f"/api/v1/hazards/{hazard.id}/fix", json={"note": "已拆除"}, headers=as_director)
    assert fixed.status_code == 200 and fixed.json()["hazard"]["status"] == "fixed"
    assert (await client.post(f"/api/v1/hazards/{hazard.id}/verify", json={}, headers=as_director)).status_code == 403
    assert (await client.post(f"/api/v1/hazards/{hazard.id}/verify", json={}, headers=as_stranger)).status_code == 404
    assert (await client.get(f"/api/v1/counties/{county}/hazards", headers=as_director)).status_code == 403
    view = await client.get(f"/api/v1/counties/{county}/hazards", headers=as_inspector)
    assert view.status_code == 200 and view.json()["waiting"] == 1 and view.json()["major"][0]["id"] == hazard.id
    rejected = await client.post(f"/api/v1/hazards/{hazard.id}/reject", json={"reason": "未整改到位"}, headers=as_inspector)
    assert rejected.status_code == 200 and rejected.json()["hazard"]["status"] == "open"
    await client.post(f"/api/v1/hazards/{hazard.id}/fix", json={"note": "再次整改"}, headers=as_director)
    verified = await client.post(f"/api/v1/hazards/{hazard.id}/verify", json={"note": "好"}, headers=as_inspector)
    assert verified.status_code == 200 and verified.json()["hazard"]["status"] == "closed"
    conflict = await client.post(f"/api/v1/hazards/{hazard.id}/verify", json={}, headers=as_inspector)
    assert conflict.status_code == 400 and "status" in conflict.json()["errors"]
    opened = await client.post(f"/api/v1/homes/{code}/hazards", json={"title": "楼道堆物", "major": False}, headers=as_inspector)
    assert opened.status_code == 201 and opened.json()["hazard"]["source"] == "manual"
    closed = await client.get(f"/api/v1/homes/{code}/hazards?status=closed", headers=as_inspector)
    assert [h["id"] for h in closed.json()] == [hazard.id]
    assert (await client.get(f"/api/v1/homes/{code}/hazards?status=bogus", headers=as_inspector)).status_code == 400
    manual = await services.open_hazard(inspector.scope, code, ManualHazardIn(title="x"))
    assert manual.hazard.status == "open"


async def test_the_director_is_told_of_hazards_due_today_and_past_their_deadline(world):
    from datetime import timedelta

    from backend.core import dates

    code, home, _county, major = await _major(world)  # deadline tomorrow (1 day): not yet an item
    director = director_scope(home)
    assert await hazard_todo.home_hazards(director) == []
    await SafetyHazard.update({SafetyHazard.deadline: dates.today()}).where(SafetyHazard.id == major.id)
    assert [(item.kind, item.detail) for item in await hazard_todo.home_hazards(director)] == [("home_hazards_today", "1 项")]
    await SafetyHazard.update({SafetyHazard.deadline: dates.today() - timedelta(days=1)}).where(SafetyHazard.id == major.id)
    items = await hazard_todo.home_hazards(director)
    assert [(item.kind, item.urgency) for item in items] == [("home_hazards_overdue", todo.OVERDUE)]
    assert "home_hazards_overdue" in {item.kind for item in await todo.items(director)}
    # fixed by the home, the major hazard waits for the county: no longer the director's to do
    await services.record_fix(director, major.id, FixIn(note="挂锁已拆除"))
    assert await hazard_todo.home_hazards(director) == []


async def test_a_fix_sent_without_a_photos_field_is_recorded(signed_in, world):
    """A form post that carries no ``photos`` field at all (a script, an old browser): the fix is
    recorded, not a server error."""
    code = await world.home()
    home = await home_row(code)
    entry, _ = await services.record_entry(director_scope(home), code, await entry_in(code, fail={"hydrants": "遮挡"}))
    client, _director = await signed_in("director", home=code)
    answer = await post_form(client, f"/homes/{code}/hazards/{entry.hazards[0].id}/fix", {"note": "已清理"})
    assert answer.status_code == 303
    row = await SafetyHazard.select().where(SafetyHazard.id == entry.hazards[0].id).first()
    assert row["status"] == "closed" and row["fix_note"] == "已清理"
