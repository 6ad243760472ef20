"""Notices (issue 13): in-app notices (提醒) for the people concerned, and optional e-mail."""
