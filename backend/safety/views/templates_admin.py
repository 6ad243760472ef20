"""Safety pages: an administrator's checklist versions per county (issue 12 point 1).

``/safety/templates?county=CODE`` lists each routine's template in force in the county (the
national default or the county's own version, its number and its history); ``/safety/templates/
{county}/{routine}/edit`` makes the county's next version. The form has one row per item (the
current items, then blank rows for new ones): its label, its place in the order, its two flags
and a box to remove it; a new row also takes its key. The frequency is shown, not edited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.permissions import allow
from backend.core.web import page, redirect
from backend.registry import services as registry
from backend.safety import services
from backend.safety.labels import FREQUENCY_LABELS, labels

BLANK_ROWS = 3  # rows for new items on the form


def templates_href(county_code: str) -> str:
    return f"/safety/templates?county={county_code}"


def edit_href(county_code: str, routine: str) -> str:
    return f"/safety/templates/{county_code}/{routine}/edit"


@get("/safety/templates", opt=allow("manage_templates"))
async def templates_page(request: Request, county: FromQuery[str | None] = None) -> Template:
    scope = request.scope["user"].scope
    counties = await registry.list_counties(scope)
    chosen = county or (counties[0].code if len(counties) == 1 else None)
    routines = await services.county_templates(scope, chosen) if chosen else []
    current = next((item for item in counties if item.code == chosen), None)
    return page(
        request,
        "safety/templates.html",
        counties=counties,
        county=current,
        routines=routines,
        frequencies=labels(FREQUENCY_LABELS),
        edit_href=edit_href,
    )


def _values(template: Any) -> dict[str, str]:
    """The form's texts for the template in force (plus empty rows for new items)."""
    values = {"title": template.title, "rows": str(len(template.items) + BLANK_ROWS)}
    for index, item in enumerate(template.items):
        values |= {
            f"key_{index}": item.key,
            f"old_{index}": "yes",
            f"label_{index}": item.label,
            f"position_{index}": str(index + 1),
            f"major_{index}": "yes" if item.major else "",
            f"photo_{index}": "yes" if item.photo_on_fail else "",
        }
    for index in range(len(template.items), len(template.items) + BLANK_ROWS):
        values |= {f"key_{index}": "", f"label_{index}": "", f"position_{index}": str(index + 1)}
    return values


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _read(data: Mapping[str, Any], known: set[str]) -> tuple[dict[str, str], list[int], list[dict[str, Any]], dict[str, str]]:
    """The texts as typed, the form rows in their new order, the items sent to the service and
    the form's own refusals. A row left blank, or marked removed, sends nothing."""
    try:
        count = min(max(int(_text(data, "rows")), 0), 200)
    except ValueError:
        count = 0
    values = {"title": _text(data, "title"), "rows": str(count)}
    errors: dict[str, str] = {}
    chosen: list[tuple[int, int, dict[str, Any]]] = []
    for index in range(count):
        names = ("key", "old", "label", "position", "major", "photo", "remove")
        row = {name: _text(data, f"{name}_{index}") for name in names}
        values |= {f"{name}_{index}": text for name, text in row.items()}
        if row["old"] == "yes" and row["key"] not in known:  # an existing item's key is not editable
            row["old"] = ""
        if row["remove"] == "yes" or (not row["old"] and not row["key"] and not row["label"]):
            continue
        try:
            position = int(row["position"])
        except ValueError:
            errors[f"position_{index}"] = _("Give its place in the list as a number.")
            position = index + 1
        item = {"key": row["key"], "label": row["label"], "major": row["major"] == "yes", "photo_on_fail": row["photo"] == "yes"}
        chosen.append((position, index, item))
    chosen.sort(key=lambda entry: (entry[0], entry[1]))
    return values, [index for _p, index, _i in chosen], [item for _p, _x, item in chosen], errors


def _field_errors(invalid: Invalid, order: list[int]) -> dict[str, str]:
    """The service's ``items[3].key`` named by the form's row (``key_5``)."""
    errors = {}
    for name, message in invalid.errors.items():
        if name.startswith("items[") and "]." in name:
            index, field = name[len("items[") :].split("].", 1)
            row = order[int(index)] if index.isdigit() and int(index) < len(order) else 0
            errors[f"{field}_{row}"] = message
        else:
            errors[name] = message
    return errors


async def _edit_page(request: Request, county_code: str, routine: str, status: int = 200, **context: Any) -> Template:
    scope = request.scope["user"].scope
    county = await registry.find_county(scope, county_code)
    current = await services.county_template(scope, county["code"], routine)
    context.setdefault("values", _values(current.in_force))
    rows = int(context["values"].get("rows") or 0)
    return page(
        request,
        "safety/template_edit.html",
        status_code=status,
        county=county,
        current=current,
        rows=rows,
        frequency=labels(FREQUENCY_LABELS).get(current.in_force.frequency, current.in_force.frequency),
        back=templates_href(county["code"]),
        **context,
    )


@get("/safety/templates/{county_code:str}/{routine:str}/edit", opt=allow("manage_templates"))
async def template_edit(request: Request, county_code: FromPath[str], routine: FromPath[str]) -> Template:
    return await _edit_page(request, county_code, routine)


@post("/safety/templates/{county_code:str}/{routine:str}/edit", opt=allow("manage_templates"), status_code=200)
async def template_save(request: Request, county_code: FromPath[str], routine: FromPath[str]) -> Template | Redirect:
    scope = request.scope["user"].scope
    current = await services.county_template(scope, county_code, routine)  # out of scope: 404 first
    known = {item.key for item in current.in_force.items}
    values, order, items, errors = _read(await request.form(), known)
    if not errors:
        try:
            made = await services.new_template_version(
                scope,
                county_code,
                routine,
                services.TemplateEditIn(title=values["title"], items=[services.TemplateItemIn(**item) for item in items]),
            )
        except Invalid as invalid:
            errors = _field_errors(invalid, order)
        else:
            return redirect(
                templates_href(county_code) + f"#{routine}",
                flash=_("Version {version} of “{title}” is in force for the county’s homes.").format(
                    version=made.version, title=made.title
                ),
            )
    return await _edit_page(request, county_code, routine, 400, values=values, errors=errors)


ROUTES = [templates_page, template_edit, template_save]
