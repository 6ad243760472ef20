"""Inspections (issue 13): scheduled tasks (任务) and their on-time rates, the county's on-site inspection plan."""
