"""The report builders (issue 13, point 5): for each kind, the data of one report as a template
name and its context, scope-checked (a unit outside the scope is the domain's NotFound).

``BUILDERS`` maps a kind to its builder; a builder module registers itself with
``@register(kind)`` and is imported at the end of this file (one line per module: the
reconciliation report's is ``_reconciliation``). ``build`` parses the period key ("2026-11" or
"2026-Q4") and dispatches. The HTML and the PDF are ``backend.reports.render``'s.
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
    """Register ``builder(scope, period_key, unit_code) -> (template name, context)`` as ``kind``'s."""

    def decorate(builder: Builder) -> Builder:
        BUILDERS[kind] = builder
        return builder

    return decorate


async def build(kind: str, scope: Scope, period_key: str, unit_code: str) -> tuple[str, dict[str, Any]]:
    """The template name and context of the report ``kind`` for ``period_key`` and the home or
    county ``unit_code``. Invalid for an unknown kind or a malformed period; NotFound for a unit
    outside the scope."""
    builder = BUILDERS.get(kind)
    if builder is None:
        raise Invalid(
            {"kind": _("Unknown report kind {kind}: one of {kinds}.").format(kind=kind, kinds=", ".join(sorted(BUILDERS)))}
        )
    return await builder(scope, period_key, unit_code)


# The builder modules (each registers its kinds); another helper adds its module to this list.
from backend.reports.builders import (  # noqa: E402
    _county_monthly,  # noqa: F401
    _county_quarterly,  # noqa: F401
    _home_monthly,  # noqa: F401
)

# The reconciliation builder registers itself; a run's report (the stipends run page) uses its context.
from backend.reports.builders._reconciliation import RECONCILIATION_TEMPLATE, reconciliation_run_context  # noqa: E402,F401
