"""Registry: counties, homes and per-county parameters (县区、供养服务设施与县级参数)."""
