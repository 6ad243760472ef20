"""E-mail of notices against a real SMTP server started by the test (aiosmtpd): the right subject,
body and recipient; nothing when e-mail is off or the user did not opt in; never twice; a failing
server recorded and retried by the next run."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from backend.core import dates
from backend.core.errors import Invalid
from backend.core.settings import SmtpSettings
from backend.notices import rules, services
from backend.notices.tables import Notice
from tests.notices.helpers import Mailbox, add_task, free_port, morning


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.smtp = SmtpSettings(  # type: ignore[attr-defined]
        host="127.0.0.1", port=controller.port, sender="tekun@example.org", public_url="https://tekun.example.org"
    )
    yield box
    controller.stop()


async def director_with_work(world, email: str | None, enabled: bool = True):
    home = await world.home(name="幸福院")
    director = await world.user("director", home=home)
    if email is not None:
        await services.save_notice_setting(director.scope, email, enabled)
    await add_task(home, "fire_patrol", dates.today())
    return home, director


async def notice_ids(user) -> list[int]:
    return [row["id"] for row in await Notice.select(Notice.id).where(Notice.user_id == user.id)]


async def test_the_email_says_what_and_where_in_chinese_and_is_sent_once(world, mailbox):
    _home, director = await director_with_work(world, "zhang.san@example.org")
    await services.send_notices(morning(), smtp=mailbox.smtp)
    [message] = mailbox.to("zhang.san@example.org")
    assert message["Subject"] == "【特困供养】今日待办"
    assert message["From"] == "tekun@example.org" and message["To"] == "zhang.san@example.org"
    body = message.get_content()
    assert "幸福院：今日到期任务 1 项，逾期任务 0 项。" in body
    assert "https://tekun.example.org/" in body
    assert message.get_content_type() == "text/plain"
    [delivery] = await services.delivery_rows(await notice_ids(director))
    assert delivery["sent_at"] is not None and delivery["attempts"] == 1 and delivery["error"] == ""
    # the next runs send nothing again
    await services.send_notices(morning(hour=11), smtp=mailbox.smtp)
    await services.send_notices(morning(hour=12), smtp=mailbox.smtp)
    assert len(mailbox.to("zhang.san@example.org")) == 1


async def test_no_email_when_off_or_not_opted_in(world, mailbox):
    _h, opted_out = await director_with_work(world, "li.si@example.org", enabled=False)
    _h, no_setting = await director_with_work(world, None)
    _h, with_email_off = await director_with_work(world, "wang.wu@example.org")
    await services.send_notices(morning(), smtp=SmtpSettings())  # the deployment sends no e-mail
    await services.send_notices(morning(hour=11), smtp=mailbox.smtp)  # turned on: old notices are not mailed
    assert mailbox.to("li.si@example.org") == [] and mailbox.to("wang.wu@example.org") == []
    for user in (opted_out, no_setting, with_email_off):
        assert len(await notice_ids(user)) == 1  # the in-app notice is there all the same
        assert await services.delivery_rows(await notice_ids(user)) == []


async def test_a_failing_server_is_recorded_and_retried_next_run(world, mailbox):
    _home, director = await director_with_work(world, "zhao.liu@example.org")
    down = SmtpSettings(host="127.0.0.1", port=free_port(), sender="tekun@example.org")  # nobody listens
    await services.send_notices(morning(), smtp=down)
    [delivery] = await services.delivery_rows(await notice_ids(director))
    assert delivery["sent_at"] is None and delivery["attempts"] == 1
    assert "ConnectionRefused" in delivery["error"]
    await services.send_notices(morning(hour=11), smtp=mailbox.smtp)  # the next run: sent
    assert len(mailbox.to("zhao.liu@example.org")) == 1
    [delivery] = await services.delivery_rows(await notice_ids(director))
    assert delivery["sent_at"] is not None and delivery["attempts"] == 2 and delivery["error"] == ""
    await services.send_notices(morning(hour=12), smtp=mailbox.smtp)
    assert len(mailbox.to("zhao.liu@example.org")) == 1


async def test_a_delivery_is_given_up_after_the_last_attempt(world):
    from backend.notices.tables import NoticeDelivery

    _home, director = await director_with_work(world, "qian.qi@example.org")
    down = SmtpSettings(host="127.0.0.1", port=free_port(), sender="tekun@example.org")
    await services.send_notices(morning(), smtp=down)
    ids = await notice_ids(director)
    await NoticeDelivery.update({NoticeDelivery.attempts: rules.MAX_ATTEMPTS}).where(NoticeDelivery.notice.is_in(ids))
    await services.send_notices(morning(hour=11), smtp=down)
    [delivery] = await services.delivery_rows(ids)
    assert delivery["attempts"] == rules.MAX_ATTEMPTS  # not tried again


@pytest.mark.parametrize(
    ("email", "enabled", "message"),
    [
        ("not-an-address", True, "请填写一个电子邮箱地址"),
        ("a@b", False, "请填写一个电子邮箱地址"),
        ("a b@example.org", True, "请填写一个电子邮箱地址"),
        ("", True, "需要填写电子邮箱地址"),
        ("x" * 250 + "@example.org", True, "最多 254 个字符"),
    ],
)
async def test_a_bad_address_is_refused_and_nothing_is_written(world, email, enabled, message):
    director = await world.user("director", home=await world.home())
    with pytest.raises(Invalid) as refused:
        await services.save_notice_setting(director.scope, email, enabled)
    assert message in refused.value.errors["email"]
    setting = await services.notice_setting(director.scope)
    assert (setting.email, setting.email_enabled) == ("", False)


async def test_two_runs_at_once_send_each_email_once(world, mailbox):
    import asyncio

    _home, director = await director_with_work(world, "sun.ba@example.org")
    now = morning()
    await asyncio.gather(services.send_notices(now, smtp=mailbox.smtp), services.send_notices(now, smtp=mailbox.smtp))
    assert len(mailbox.to("sun.ba@example.org")) == 1
    assert len(await notice_ids(director)) == 1
