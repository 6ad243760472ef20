"""Notice tables (issue 13): in-app notices (提醒), the users' e-mail settings, the e-mail deliveries.

- ``notice``: one thing a user should know, for one user. The natural key is
  (user, kind, subject, period): the hourly job creating the same notice twice creates nothing
  new. The text is not stored: it is rendered from ``kind`` and ``facts`` when shown, in the
  reader's language (e-mails in Chinese).
- ``notice_setting``: a user's e-mail address and whether they want notices by e-mail (off unless
  they ask for it).
- ``notice_delivery``: one e-mail of one notice to one address: sent (``sent_at``) or its last
  error, retried by the next run; UNIQUE(notice, address), so an e-mail is never sent twice.
"""

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table


class Notice(Table, tablename="notice"):
    """A notice for one user (see the module docstring). ``kind`` is one of ``rules.KINDS``;
    ``subject`` what it is about (a home code, a hazard, outbreak report or death record id);
    ``period`` the day or period it is for ("" for a one-off event); ``facts`` a JSON object the
    text is rendered from; ``href`` the page where it is acted on; ``read_at`` when the user
    marked it read."""

    user_id = Integer(index=True)  # the account (tekun_user.id; accounts owns that table)
    kind = Varchar(length=24)
    subject = Varchar(length=64, default="")
    period = Varchar(length=16, default="")
    facts = Text(default="{}")
    href = Varchar(length=300, default="/")
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)


class NoticeSetting(Table, tablename="notice_setting"):
    """A user's e-mail address for notices and their opt-in (one row per user, made on first save)."""

    user_id = Integer(unique=True)
    email = Varchar(length=254, default="")
    email_enabled = Boolean(default=False)
    updated_at = Timestamptz()


class NoticeDelivery(Table, tablename="notice_delivery"):
    """One e-mail of a notice to an address. ``claimed_at`` marks a run sending it (a second run
    at the same time leaves it alone); ``sent_at`` when the server accepted it; ``error`` the last
    failure, ``attempts`` how many were made."""

    notice = ForeignKey(references=Notice, on_delete=OnDelete.cascade, index=True)
    address = Varchar(length=254)
    created_at = Timestamptz()
    claimed_at = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    attempts = Integer(default=0)
    error = Text(default="")
