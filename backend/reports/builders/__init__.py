"""What each kind of report shows (issue 13, point 5): a builder gathers the data of one report
(kind, period, unit) in the acting scope and returns the template's name and its context.

``BUILDERS: dict[str, Builder]``, filled by ``@register(kind)``; ``build()`` dispatches on the kind.
A builder is ``async def builder(scope, period_key, unit_code) -> (template_name, context)``; the
context fills ``templates/reports/_base.html`` (title, unit, period_text, …). The archive adds
``verification`` and ``issued_on`` before rendering. A builder may put ``report_basis`` in its
context (what the data was, when the period alone does not say: the reconciliation run's id).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.security import Scope

Builder = Callable[[Scope, str, str], Awaitable[tuple[str, dict[str, Any]]]]
BUILDERS: dict[str, Builder] = {}


def register(kind: str) -> Callable[[Builder], Builder]:
    def decorate(builder: Builder) -> Builder:
        BUILDERS[kind] = builder
        return builder

    return decorate


async def build(kind: str, scope: Scope, period_key: str, unit_code: str) -> tuple[str, dict[str, Any]]:
    """The template name and context of one report; Invalid when the kind has no builder."""
    builder = BUILDERS.get(kind)
    if builder is None:
        raise Invalid({"kind": _("This kind of report is not available yet: {kind}.").format(kind=kind)})
    return await builder(scope, period_key, unit_code)


# The reconciliation builder registers itself; a run's report (the stipends run page) uses its context.
from backend.reports.builders._reconciliation import RECONCILIATION_TEMPLATE, reconciliation_run_context  # noqa: E402,F401
