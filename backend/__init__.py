"""tekun: facility management for tekun support homes (特困人员供养服务设施管理系统)."""

import os

# Piccolo finds its engine and apps through this module (see backend/piccolo_conf.py).
os.environ.setdefault("PICCOLO_CONF", "backend.piccolo_conf")

__version__ = "0.1.0"
