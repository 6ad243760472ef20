"""Reports (issue 13): monthly and quarterly compliance reports as PDF (报表), their archive and verification."""
