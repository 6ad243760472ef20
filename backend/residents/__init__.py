"""Residents: the register of tekun persons, placements and assessments (特困供养人员登记、入住与评估)."""
