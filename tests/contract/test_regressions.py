"""Server errors the OpenAPI fuzzing found, each pinned by a test (in-process, fast)."""

from __future__ import annotations

import pytest

from tests.conftest import make_client

HUGE = 15043430438280331188574874190070415360  # far beyond a 64-bit integer
RESIDENT_PATHS = [
    ("get", "/api/v1/residents/{id}"),
    ("get", "/api/v1/residents/{id}/state"),
    ("get", "/api/v1/residents/{id}/placements"),
    ("get", "/api/v1/residents/{id}/assessments"),
    ("get", "/api/v1/residents/{id}/capability-assessments"),
    ("post", "/api/v1/residents/{id}/id-number"),
]


@pytest.mark.parametrize(("method", "path"), RESIDENT_PATHS)
async def test_a_resident_id_beyond_64_bits_is_refused_not_a_crash(app, world, bearer, method, path):
    admin = await world.user("admin")
    headers = await bearer(admin)
    async with make_client(app) as client:
        for bad in (HUGE, 2**63, 2**31, 0, -5):
            response = await client.request(method.upper(), path.format(id=bad), headers=headers)
            assert response.status_code == 400, (bad, response.status_code, response.text)
            assert "resident_id" in response.text  # the refusal names the parameter
        largest = await client.request(method.upper(), path.format(id=2**31 - 1), headers=headers)
        assert largest.status_code == 404, largest.text  # in range, but nobody has it


async def test_any_number_too_large_for_the_database_answers_400_not_500(signed_in, world):
    """Route parameters are bounded (tests/test_absurd_input.py) and form fields are parsed by the
    toolkit (backend/core/forms.py: here the notice a county inspector marks as read), so a huge
    number is refused with the field named before any query; the error handler's safety net for
    what only the database notices (SQLite: OverflowError; PostgreSQL/asyncpg: DataError caused by
    one) is checked by test_only_overflow_is_taken_for_a_bad_request."""
    from tests.conftest import post_form

    county = await world.county()
    client, _user = await signed_in("inspector", county=county)
    await client.get(f"/counties/{county}/deaths")
    page = await post_form(client, f"/counties/{county}/deaths/notices/seen", {"notice_id": str(HUGE)})
    assert page.status_code == 400, page.text
    assert "请选择一条提醒。" in page.text
    assert "Traceback" not in page.text and "Overflow" not in page.text


def test_only_overflow_is_taken_for_a_bad_request():
    from backend.core.web import _number_overflow

    try:
        try:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        except OverflowError as cause:
            raise ValueError("invalid input for query argument $1") from cause
    except ValueError as wrapped:
        assert _number_overflow(wrapped)
    assert not _number_overflow(RuntimeError("a real bug"))
    assert not _number_overflow(ZeroDivisionError())


async def test_text_with_nul_is_refused_and_nothing_is_written(app, world, bearer):
    """NUL in text is refused before the handler on every database (backend/core/textguard.py;
    PostgreSQL could not store it, and it used to answer 500): 400 naming the field, and the
    county is not created."""
    from tests.conftest import unique_county_code

    admin = await world.user("admin")
    headers = await bearer(admin)
    code = unique_county_code()
    async with make_client(app) as client:
        created = await client.post(
            "/api/v1/counties", headers=headers, json={"code": code, "name": "零\x00县", "province": "甘肃省"}
        )
        search = await client.get("/api/v1/homes", headers=headers, params={"q": "敬老\x00院"})
        again = await client.get(f"/api/v1/counties/{code}", headers=headers)
    assert created.status_code == 400 and list(created.json()["errors"]) == ["name"], created.text
    assert search.status_code == 400 and list(search.json()["errors"]) == ["q"], search.text
    assert again.status_code == 404  # nothing half-written
