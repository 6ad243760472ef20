"""Residents pages (roster, person, forms, county register, public roster)."""

ROUTES: list = []
