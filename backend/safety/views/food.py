"""Food-sample pages (留样, issue 12 point 3): the phone form recording a meal's samples (the
checklist's items and the dishes: a fixed set of blank rows, more on request with ``?rows=``), and
the home's samples of the last week with what may be discarded now and what was discarded early.
The morning check and the canteen licence are in ``kitchen`` (mounted with these).

The form's meal is the one chosen (a tab per meal, no script); its time defaults into that meal's
window today, and the entry's slot comes from that time (``record_entry``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from backend.core import dates
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.limits import record_id
from backend.core.permissions import allow
from backend.core.web import page, redirect
from backend.safety import labels, links, rules, services
from backend.safety.schemas import EntryIn
from backend.safety.views import kitchen
from backend.safety.views.food_forms import (
    client_id_of,
    item_errors,
    item_values,
    local_input,
    new_client_id,
    read_answers,
    read_performed_at,
    template_items,
    time_on,
)

ROWS, MAX_ROWS = 4, 20
SampleId = Annotated[int, record_id("The food sample's record id")]
ROW_FIELDS = ("dish", "grams")
SHARED_FIELDS = ("taken_at", "fridge", "keeper")


def _scope(request: Request):
    return request.scope["user"].scope


def default_meal(clock: Any, now: datetime) -> str:
    placed = rules.place(rules.MEAL, now, services.zone(), clock.meals)
    return placed.slot if placed else rules.MEALS[0]


def default_time(clock: Any, meal: str, now: datetime) -> datetime:
    """Now when inside the chosen meal's window today; the window's last minute for a meal already
    past; now (never the future) for a meal still to come."""
    start, end = clock.meals.windows[rules.MEALS.index(meal)]
    day = dates.local(now).date()
    first, last = dates.combine_local(day, start), dates.combine_local(day, end) - timedelta(minutes=1)
    return min(max(now, first), last, now)


async def _form_page(
    request: Request, code: str, meal: str | None, rows: int, status_code: int = 200, **context: Any
) -> Template:
    scope = _scope(request)
    home = await services.home_for(scope, code, "record_safety")
    clock = (await services.clocks_for([home["id"]]))[home["id"]]
    now = dates.now_utc()
    meal = meal if meal in rules.MEALS else default_meal(clock, now)
    template, items = await template_items(home, "food_sample")
    values = context.pop("values", None) or {
        "performed_at": local_input(default_time(clock, meal, now)),
        "taken_at": dates.local(default_time(clock, meal, now)).strftime("%H:%M"),
        "client_id": new_client_id(),
    }
    return page(
        request,
        "safety/food_sample_form.html",
        status_code=status_code,
        home=home,
        checklist=template,
        items=items,
        meal=meal,
        meals=labels.labels(labels.MEAL_LABELS),
        results=labels.labels(labels.RESULT_LABELS),
        rows=max(ROWS, min(rows, MAX_ROWS)),
        more_rows=min(max(ROWS, rows) + 4, MAX_ROWS),
        values=values,
        samples_href=links.samples_href(code),
        min_grams=rules.MIN_SAMPLE_GRAMS,
        **context,
    )


@get("/homes/{code:str}/safety/food-sample/new", opt=allow("record_safety"))
async def food_sample_form(
    request: Request,
    code: FromPath[str],
    meal: FromQuery[str | None] = None,
    rows: Annotated[int, QueryParameter(ge=1, le=MAX_ROWS, description="how many blank dish rows")] = ROWS,
) -> Template:
    return await _form_page(request, code, meal, rows)


def _read_dishes(form: Any, performed_at: datetime | None, errors: dict[str, str]) -> tuple[list[dict], dict[int, int]]:
    """The filled rows as the details' samples, and sample index → the form's row number."""
    samples, where = [], {}
    shared = {name: (form.get(name) or "").strip() for name in SHARED_FIELDS}
    taken_at = time_on(dates.local(performed_at).date(), shared["taken_at"]) if performed_at else None
    if performed_at is not None and taken_at is None:
        errors["taken_at"] = _("When was the sample taken? A time, e.g. 11:40.")
    for row in range(MAX_ROWS):
        dish, grams = (form.get(f"dish-{row}") or "").strip(), (form.get(f"grams-{row}") or "").strip()
        if not dish and not grams:
            continue
        where[len(samples)] = row
        samples.append(
            {
                "dish": dish,
                "grams": int(grams) if grams.isascii() and grams.isdigit() and len(grams) < 10 else grams,
                "taken_at": taken_at.isoformat() if taken_at else "",
                "fridge": shared["fridge"],
                "keeper": shared["keeper"],
            }
        )
    return samples, where


def _form_errors(errors: dict[str, str], where: dict[int, int]) -> dict[str, str]:
    """The service's field names → the form's (``details.samples[2].grams`` → ``grams-<row>``;
    the shared fields once)."""
    out = item_errors(errors)
    for field, message in errors.items():
        if field.startswith("details.samples["):
            index, _sep, name = field.removeprefix("details.samples[").partition("].")
            if name in ROW_FIELDS:
                out[f"{name}-{where.get(int(index), int(index))}"] = message
            elif name in SHARED_FIELDS:
                out.setdefault(name, message)
            else:
                out.setdefault("dishes", message)
        elif field == "details.samples":
            out["dishes"] = message
        elif field in ("performed_at", "taken_at"):
            out[field] = message
        elif not field.startswith("items."):
            out.setdefault("form", message)
    return out


@post("/homes/{code:str}/safety/food-sample/new", opt=allow("record_safety"), status_code=200)
async def record_food_sample(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = _scope(request)
    home = await services.home_for(scope, code, "record_safety")
    form = await request.form()
    meal = (form.get("meal") or "").strip()
    _template, items = await template_items(home, "food_sample")
    errors: dict[str, str] = {}
    performed_at = read_performed_at(form, errors)
    samples, where = _read_dishes(form, performed_at, errors)
    values = {name: (form.get(name) or "").strip() for name in ("performed_at", "note", *SHARED_FIELDS)}
    values |= {f"{name}-{row}": (form.get(f"{name}-{row}") or "").strip() for row in range(MAX_ROWS) for name in ROW_FIELDS}
    values |= item_values(form, items) | {"client_id": client_id_of(form)}
    if not errors and performed_at is not None:
        data = EntryIn(
            client_id=values["client_id"],
            routine="food_sample",
            performed_at=performed_at,
            items=read_answers(form, items),
            note=values["note"][:500],
            details={"meal": meal, "samples": samples},
        )
        try:
            entry, _created = await services.record_entry(scope, code, data)
        except Invalid as invalid:
            errors = _form_errors(invalid.errors, where)
        else:
            message = _("The samples of {meal} are recorded: {n} dishes.").format(
                meal=_(labels.MEAL_LABELS.get(meal, meal)), n=len(samples)
            )
            if entry.hazards:
                message += " " + _("{n} hazards opened.").format(n=len(entry.hazards))
            return redirect(links.samples_href(code), flash=message)
    rows = max((row + 1 for row in where.values()), default=0) + 1
    return await _form_page(request, code, meal, rows, status_code=400, values=values, errors=errors)


async def _samples_page(request: Request, code: str, status_code: int = 200, **context: Any) -> Template:
    scope = _scope(request)
    home = await services.home_for(scope, code, "view_safety")
    samples = await services.list_samples(scope, code)
    context.setdefault("discard_errors", {})
    return page(
        request,
        "safety/samples.html",
        status_code=status_code,
        home=home,
        samples=samples,
        due=[sample for sample in samples if sample.may_discard],
        early=[sample for sample in samples if sample.discarded_early],
        meals=labels.labels(labels.MEAL_LABELS),
        new_href=links.new_entry_href(code, "food_sample"),
        licence_href=links.licence_href(code),
        **context,
    )


@get("/homes/{code:str}/safety/samples", opt=allow("view_safety"))
async def samples_page(request: Request, code: FromPath[str]) -> Template:
    return await _samples_page(request, code)


@post("/homes/{code:str}/safety/samples/{sample_id:int}/discard", opt=allow("record_safety"), status_code=200)
async def discard_sample(request: Request, code: FromPath[str], sample_id: SampleId) -> Template | Redirect:
    scope = _scope(request)
    await services.home_for(scope, code, "record_safety")
    try:
        sample = await services.discard_sample(scope, sample_id, home_code=code)
    except Invalid as invalid:
        return await _samples_page(request, code, status_code=400, discard_errors={sample_id: invalid.errors})
    message = _("The sample of {dish} is discarded.").format(dish=sample.dish)
    if sample.discarded_early:
        message += " " + _("Discarded before 48 hours: marked early.")
    return redirect(links.samples_href(code), flash=message)


ROUTES = [food_sample_form, record_food_sample, samples_page, discard_sample, *kitchen.ROUTES]
