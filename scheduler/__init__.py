"""The scheduler process: APScheduler cron jobs calling the same services (调度进程)."""
