"""Staffing: the staff register, certificates and training, leave, the duty roster and the daily staff ratio (工作人员、培训、请销假、值班与配比)."""
