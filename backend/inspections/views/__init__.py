"""Inspection pages (issue 13 points 3 and 6): a home's tasks and on-time rates, the on-site
inspection form, the county's compliance view and inspection plan (and its panel on the county
page), and the province view. One module per use case."""

from backend.inspections.views import county, province, tasks

ROUTES = [*tasks.ROUTES, *county.ROUTES, *province.ROUTES]
