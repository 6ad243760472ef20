"""Report tables (issue 13)."""
