"""Notice tables (issue 13)."""
