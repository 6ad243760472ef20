"""Stipend workflow pages: reviewing findings, approving runs, monthly claims (filled in next)."""

ROUTES: list = []
