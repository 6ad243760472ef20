"""Safety pages: settings (issue 12; to be written)."""

ROUTES: list = []
