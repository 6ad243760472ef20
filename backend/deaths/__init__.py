"""Deaths: death reports, the death register, late-report notices, funeral subsidies."""
