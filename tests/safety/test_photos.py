"""Photos of ledger entries (issue 12 point 2): JPEG, PNG or HEIC up to 10 MB, checked by content
(magic bytes and a decode in the worker), stored once by sha256 with a thumbnail, the EXIF time
kept; every refusal leaves no row and no file."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from backend.core.errors import Invalid, NotFound
from backend.core.tables import AuditEntry
from backend.safety import services
from backend.safety.services._photos import photo_path, thumb_path
from backend.safety.tables import SafetyPhoto
from tests.safety import images
from tests.safety.helpers import director_scope, entry_in, home_row


async def _failed_patrol(code: str):
    home = await home_row(code)
    entry, _created = await services.record_entry(
        director_scope(home), code, await entry_in(code, fail={"extinguishers": "压力不足"})
    )
    return home, entry


async def _photo_count(entry_id: int) -> int:
    return await SafetyPhoto.count().where(SafetyPhoto.entry == entry_id)


async def test_a_jpeg_is_stored_by_sha_with_a_thumbnail_and_its_exif_time(world):
    code = await world.home()
    home, entry = await _failed_patrol(code)
    assert entry.photo_pending
    data = images.jpeg(taken="2026:11:10 09:30:00")
    photo = await services.add_photo(director_scope(home), entry.id, data, "IMG_0001.JPG", "image/jpeg", "extinguishers")
    assert photo.content_type == "image/jpeg" and (photo.width, photo.height) == (640, 480) and photo.size == len(data)
    assert photo.taken_at == datetime(2026, 11, 10, 1, 30, tzinfo=UTC)  # 09:30 in Asia/Shanghai
    assert photo_path(photo.sha256, "jpeg").read_bytes() == data
    assert photo_path(photo.sha256, "jpeg").parent.name == photo.sha256[:2]
    thumb = Image.open(io.BytesIO(thumb_path(photo.sha256).read_bytes()))
    assert thumb.format == "JPEG" and max(thumb.size) == 320
    again = await services.get_entry(director_scope(home), code, entry.id)
    assert not again.photo_pending and [a.photos for a in again.items if a.key == "extinguishers"] == [1]
    audit = await AuditEntry.select().where((AuditEntry.action == "safety.photo") & (AuditEntry.entity_key == str(photo.id)))
    assert len(audit) == 1 and '"item_key":"extinguishers"' in audit[0]["after"].replace(" ", "")


async def test_an_exif_offset_is_kept_and_a_photo_without_exif_has_no_time(world):
    code = await world.home()
    home, entry = await _failed_patrol(code)
    with_offset = await services.add_photo(director_scope(home), entry.id, images.jpeg("2026:11:10 09:30:00", "+02:00"), "a.jpg")
    assert with_offset.taken_at == datetime(2026, 11, 10, 7, 30, tzinfo=UTC)
    without = await services.add_photo(director_scope(home), entry.id, images.jpeg(taken=None, color=(1, 2, 3)), "b.jpg")
    assert without.taken_at is None


@pytest.mark.parametrize(
    ("make", "kind", "content_type"), [(images.png, "png", "image/png"), (images.heic, "heic", "image/heic")]
)
async def test_png_and_heic_are_accepted(world, make, kind, content_type):
    code = await world.home()
    home, entry = await _failed_patrol(code)
    data = make()
    photo = await services.add_photo(director_scope(home), entry.id, data, f"photo.{kind}", item_key="extinguishers")
    assert photo.content_type == content_type
    assert photo_path(photo.sha256, kind).read_bytes() == data
    assert Image.open(thumb_path(photo.sha256)).format == "JPEG"


async def test_the_same_content_twice_is_one_file_and_two_rows(world):
    code = await world.home()
    home, entry = await _failed_patrol(code)
    data = images.jpeg(color=(9, 9, 9))
    before = images.files_on_disk()
    first = await services.add_photo(director_scope(home), entry.id, data, "a.jpg", item_key="extinguishers")
    second = await services.add_photo(director_scope(home), entry.id, data, "b.jpg", item_key="extinguishers")
    assert first.sha256 == second.sha256 and first.id != second.id
    assert len(images.files_on_disk() - before) == 2  # the photo and its thumbnail, once
    assert await _photo_count(entry.id) == 2


async def _refused(scope, entry_id: int, data: bytes, filename: str, item_key: str = "", error=Invalid):
    before_files = images.files_on_disk()
    before_rows = await SafetyPhoto.count()
    with pytest.raises(error) as refused:
        await services.add_photo(scope, entry_id, data, filename, "image/jpeg", item_key)
    assert await SafetyPhoto.count() == before_rows
    assert images.files_on_disk() == before_files
    return refused.value


async def test_a_text_file_named_jpg_is_refused_by_its_content(world):
    code = await world.home()
    home, entry = await _failed_patrol(code)
    refused = await _refused(director_scope(home), entry.id, "这不是照片\n".encode() * 50, "fake.jpg", "extinguishers")
    assert "fake.jpg" in refused.errors["file"] and "JPEG" in refused.errors["file"]


async def test_jpeg_magic_bytes_with_garbage_are_refused_by_the_decoder(world):
    code = await world.home()
    home, entry = await _failed_patrol(code)
    refused = await _refused(director_scope(home), entry.id, b"\xff\xd8\xff\xe0" + b"\x00garbage" * 500, "broken.jpg")
    assert "JPEG" in refused.errors["file"]


async def test_a_png_named_jpg_is_stored_as_the_png_it_is(world):
    code = await world.home()
    home, entry = await _failed_patrol(code)
    photo = await services.add_photo(director_scope(home), entry.id, images.png(color=(1, 1, 1)), "x.jpg", "image/jpeg")
    assert photo.content_type == "image/png"


async def test_an_oversized_photo_is_refused(world):
    code = await world.home()
    home, entry = await _failed_patrol(code)
    data = images.jpeg() + b"\x00" * services.MAX_PHOTO_BYTES
    refused = await _refused(director_scope(home), entry.id, data, "big.jpg")
    assert "10 MB" in refused.errors["file"]


async def test_an_item_not_in_the_entry_is_refused(world):
    code = await world.home()
    home, entry = await _failed_patrol(code)
    refused = await _refused(director_scope(home), entry.id, images.jpeg(), "a.jpg", "no_such_item")
    assert "no_such_item" in refused.errors["item_key"]


async def test_a_photo_for_another_homes_entry_is_not_found(world):
    code, other = await world.home(), await world.home()
    _home, entry = await _failed_patrol(code)
    stranger = director_scope(await home_row(other))
    await _refused(stranger, entry.id, images.jpeg(), "a.jpg", "extinguishers", error=NotFound)
    await _refused(stranger, 2**31 - 1, images.jpeg(), "a.jpg", error=NotFound)


async def test_photo_files_are_served_in_scope_only(world, signed_in):
    code, other = await world.home(), await world.home()
    home, entry = await _failed_patrol(code)
    photo = await services.add_photo(director_scope(home), entry.id, images.jpeg(), "a.jpg", item_key="extinguishers")
    client, _user = await signed_in("director", home=code)
    full = await client.get(photo.href)
    assert full.status_code == 200 and full.headers["content-type"].startswith("image/jpeg")
    assert full.headers["x-content-type-options"] == "nosniff" and full.content == photo_path(photo.sha256, "jpeg").read_bytes()
    thumb = await client.get(photo.thumb_href)
    assert thumb.status_code == 200 and Image.open(io.BytesIO(thumb.content)).format == "JPEG"
    stranger, _user = await signed_in("director", home=other)
    assert (await stranger.get(photo.href)).status_code == 404
    assert (await stranger.get(f"/homes/{other}/safety/photos/{photo.id}")).status_code == 404
    assert (await stranger.get(f"/homes/{other}/safety/photos/{photo.id}/thumb")).status_code == 404


async def test_a_picture_of_too_many_pixels_is_refused_before_it_is_decoded(world):
    code = await world.home()
    home, entry = await _failed_patrol(code)
    buffer = io.BytesIO()
    Image.new("1", (7072, 7072), 0).save(buffer, "PNG")  # 50.01 million pixels in a few KB: one too many
    refused = await _refused(director_scope(home), entry.id, buffer.getvalue(), "bomb.png")
    assert "50" in refused.errors["file"]


async def test_a_transaction_that_fails_leaves_no_row_and_no_file(world, monkeypatch):
    from backend.safety.services import _photos

    code = await world.home()
    home, entry = await _failed_patrol(code)

    async def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(_photos, "append_audit", broken)
    before_files, before_rows = images.files_on_disk(), await SafetyPhoto.count()
    with pytest.raises(RuntimeError):
        await services.add_photo(director_scope(home), entry.id, images.jpeg(color=(7, 7, 7)), "a.jpg", item_key="extinguishers")
    assert await SafetyPhoto.count() == before_rows and images.files_on_disk() == before_files
