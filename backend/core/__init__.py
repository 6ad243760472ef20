"""Core: settings, database, security, i18n, money and dates, exchange files, audit ledger (核心)."""
