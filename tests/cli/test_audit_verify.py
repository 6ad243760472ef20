"""``tekun audit verify`` finds a row changed behind the application's back."""

from backend.core.tables import AuditEntry
from backend.registry import services
from backend.registry.schemas import CountyIn
from tests.cli.helpers import tekun
from tests.conftest import unique_county_code


async def test_verify_passes_then_detects_a_direct_edit(system):
    await services.create_county(system, CountyIn(code=unique_county_code(), name="审计县", province="甘肃省"))
    first = tekun("audit", "verify")
    assert first.returncode == 0, first.stderr
    target = (
        await AuditEntry.select(AuditEntry.id, AuditEntry.seq, AuditEntry.after)
        .where(AuditEntry.action == "county.create")
        .order_by(AuditEntry.seq, ascending=False)
        .first()
    )
    original = target["after"]
    await AuditEntry.raw("UPDATE audit_entry SET after = {} WHERE id = {}", original.replace("审计县", "篡改县"), target["id"])
    try:
        broken = tekun("audit", "verify")
        assert broken.returncode == 3
        assert f"seq={target['seq']}" in broken.stderr
        assert f"id {target['id']}" in broken.stderr
    finally:
        await AuditEntry.raw("UPDATE audit_entry SET after = {} WHERE id = {}", original, target["id"])
    assert tekun("audit", "verify").returncode == 0


async def test_verify_detects_a_deleted_row(system):
    await services.create_county(system, CountyIn(code=unique_county_code(), name="删行县", province="甘肃省"))
    await services.create_county(system, CountyIn(code=unique_county_code(), name="删行县二", province="甘肃省"))
    rows = await AuditEntry.select().order_by(AuditEntry.seq, ascending=False).limit(2)
    victim = rows[1]
    await AuditEntry.delete().where(AuditEntry.id == victim["id"])
    try:
        broken = tekun("audit", "verify")
        assert broken.returncode == 3
        assert f"seq={victim['seq']}" in broken.stderr
    finally:
        await AuditEntry.insert(AuditEntry(**{k: v for k, v in victim.items() if k != "id"}))
    assert tekun("audit", "verify").returncode == 0
