"""Hostile input: crafted files against the web server and `tekun import`."""
