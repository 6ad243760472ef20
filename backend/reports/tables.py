"""Report tables (issue 13, point 5): the archive of issued PDFs and the queue of re-generations.

``report_file``: one row per issued version of a report (kind, period, unit). ``unit`` is the
county code (county kinds) or the home code (home-monthly), so the natural key
UNIQUE(kind, period, unit, version) needs no nullable column. A re-generation adds version n+1
whose ``supersedes`` is the previous row; both files stay. ``sha256`` is the file's digest (also in
the audit record of its issue); ``code`` is the verification code printed on it (unique).
``basis`` says what the data was when it does not follow from the period (the reconciliation
run's id), ``path`` is relative to ``TEKUN_DATA_DIR/reports``.

``report_request``: a re-generation asked for on the archive page, rendered by the worker
(``pending`` → ``running`` → ``done`` | ``failed``, with the failure's message).
"""

from __future__ import annotations

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.registry.tables import County, Home


class ReportFile(Table, tablename="report_file"):
    kind = Varchar(length=32)
    period = Varchar(length=16)
    unit = Varchar(length=32)
    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    version = Integer(default=1)
    code = Varchar(length=16, unique=True)
    sha256 = Varchar(length=64, index=True)
    size = Integer()
    pages = Integer()
    path = Varchar(length=300)
    basis = Varchar(length=64, default="")
    issued_at = Timestamptz()
    issued_by = Varchar(length=150)
    supersedes = Integer(null=True, default=None)


class ReportRequest(Table, tablename="report_request"):
    kind = Varchar(length=32)
    period = Varchar(length=16)
    unit = Varchar(length=32)
    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    status = Varchar(length=12, default="pending", index=True)
    requested_by = Varchar(length=150)
    requested_by_id = Integer(null=True, default=None)
    requested_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
    message = Text(default="")
    report = Integer(null=True, default=None)
