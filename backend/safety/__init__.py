"""Safety ledgers (issue 12): fire, food and infection-prevention routines, hazards and rectification."""
