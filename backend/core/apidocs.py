"""The Swagger UI page at /api/schema, rendered without inline script or style (see core/headers).

Litestar's own page writes the schema and the set-up call into an inline ``<script>`` and loads a
favicon from a CDN; both are refused by our Content-Security-Policy. This page loads Swagger UI's
files and ``/static/js/swagger-init.js``, which fetches the schema from its JSON route.

Swagger UI comes from the ``swagger-ui-py`` package (Swagger UI 5, which reads OpenAPI 3.1 as
Litestar writes it; ``swagger-ui-bundle`` carries Swagger UI 4.15, which refuses 3.1 documents).
"""

from __future__ import annotations

import importlib.util
from html import escape
from pathlib import Path
from typing import Any

from litestar import Request, Router
from litestar.openapi.plugins import SwaggerRenderPlugin

SWAGGER_STATIC = "/static/swagger"


def swagger_ui_files() -> Path:
    """Swagger UI's files in the installed package, found without importing it."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or spec.origin is None:
        raise RuntimeError("the swagger-ui-py package is missing: pip install swagger-ui-py")
    return Path(spec.origin).parent / "static"


INIT_SCRIPT = "/static/js/swagger-init.js"


class StrictSwaggerRenderPlugin(SwaggerRenderPlugin):
    def __init__(self, path: str = "/") -> None:
        super().__init__(
            path=path,
            js_url=f"{SWAGGER_STATIC}/swagger-ui-bundle.js",
            css_url=f"{SWAGGER_STATIC}/swagger-ui.css",
            standalone_preset_js_url=f"{SWAGGER_STATIC}/swagger-ui-standalone-preset.js",
            favicon="",
            style="",
        )

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        title = escape(str(openapi_schema.get("info", {}).get("title", "API")))
        spec_url = escape(self.get_openapi_json_route(request))
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="{escape(self.css_url)}">
  <script src="{escape(self.js_url)}"></script>
  <script src="{escape(self.standalone_preset_js_url)}"></script>
  <script src="{INIT_SCRIPT}" defer></script>
</head>
<body>
  <div id="swagger-container" data-spec-url="{spec_url}"></div>
</body>
</html>""".encode()

    def receive_router(self, router: Router) -> None:
        # No OAuth2 flow exists (the API takes Bearer tokens), so no oauth2-redirect page with its
        # inline script is served.
        return
