"""create_app(): the Litestar application with auth, CSRF, security headers, OpenAPI, templates and
every router."""

from __future__ import annotations

from litestar import Litestar, MediaType, Request, Response, get
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from backend import __version__, import_views
from backend.accounts import views as account_views
from backend.accounts.auth import SESSION_COOKIE, AuthMiddleware, session_token
from backend.core import db, limits, security, textguard
from backend.core.apidocs import SWAGGER_STATIC, StrictSwaggerRenderPlugin, swagger_ui_files
from backend.core.csrf import CSRFMiddleware
from backend.core.errors import Forbidden
from backend.core.headers import security_headers_hook
from backend.core.security import Scope
from backend.core.settings import get_settings
from backend.core.web import EXCEPTION_HANDLERS, PUBLIC, STATIC_DIR, access_guard, template_engine
from backend.deaths import api as deaths_api
from backend.deaths import views as deaths_views
from backend.inspections import api as inspections_api
from backend.inspections import views as inspections_views
from backend.notices import api as notices_api
from backend.notices import views as notices_views
from backend.registry import api as registry_api
from backend.registry import views as registry_views
from backend.reports import api as reports_api
from backend.reports import views as reports_views
from backend.residents import api as residents_api
from backend.residents import views as residents_views
from backend.safety import api as safety_api
from backend.safety import views as safety_views
from backend.staffing import api as staffing_api
from backend.staffing import views as staffing_views
from backend.stipends import api as stipends_api
from backend.stipends import claim_views as stipends_claim_views
from backend.stipends import report_views as stipends_report_views
from backend.stipends import views as stipends_views


def current_scope(request: Request) -> Scope:
    user = request.scope.get("user")
    if user is None:
        raise Forbidden("no user")
    return user.scope


@get("/health", opt={"access": PUBLIC}, media_type=MediaType.JSON, include_in_schema=True, tags=["system"])
async def health() -> Response:
    """Liveness and database reachability."""
    reachable = await db.ping()
    return Response(
        {"status": "ok" if reachable else "degraded", "database": "ok" if reachable else "unreachable", "version": __version__},
        status_code=200 if reachable else 503,
    )


@get("/favicon.ico", opt={"access": PUBLIC}, include_in_schema=False)
async def favicon() -> Response[bytes]:
    """The site icon (an SVG; browsers ask for /favicon.ico whatever the page links)."""
    return Response(
        (STATIC_DIR / "favicon.svg").read_bytes(), media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )


def session_of(cookies) -> str | None:
    """The session token of a validly signed session cookie (the CSRF token is bound to it)."""
    return session_token(cookies.get(SESSION_COOKIE))


_owns_pool = False


async def on_startup() -> None:
    # The app owns the connection pool unless one is already running (as in the test suite).
    global _owns_pool
    _owns_pool = getattr(db.ENGINE, "pool", None) is None
    await db.start()
    security.dummy_hash()  # made now: the first sign-in with an unknown name then takes as long as any other


async def on_shutdown() -> None:
    if _owns_pool:
        await db.stop()


def create_app() -> Litestar:
    settings = get_settings()
    openapi = OpenAPIConfig(
        title="tekun API",
        version=__version__,
        description=(
            "JSON API of tekun, the facility-management system for tekun support homes. "
            "Authenticate with an API token: `Authorization: Bearer tk_…` (create one on the "
            "Account page). Data outside your scope answers 404."
        ),
        path="/api/schema",
        render_plugins=[StrictSwaggerRenderPlugin(path="/")],
        components=Components(security_schemes={"BearerToken": SecurityScheme(type="http", scheme="bearer")}),
        security=[{"BearerToken": []}],
        create_examples=False,
    )
    return Litestar(
        route_handlers=[
            health,
            favicon,
            *account_views.ROUTES,
            *registry_views.ROUTES,
            *import_views.ROUTES,
            *residents_views.ROUTES,
            *deaths_views.ROUTES,
            *stipends_views.ROUTES,
            *stipends_claim_views.ROUTES,
            *stipends_report_views.ROUTES,
            *staffing_views.ROUTES,
            *safety_views.ROUTES,
            *notices_views.ROUTES,
            *reports_views.ROUTES,
            *registry_api.ROUTES,
            *residents_api.ROUTES,
            *deaths_api.ROUTES,
            *stipends_api.ROUTES,
            *staffing_api.ROUTES,
            *safety_api.ROUTES,
            *inspections_views.ROUTES,
            *inspections_api.ROUTES,
            *notices_api.ROUTES,
            *reports_api.ROUTES,
            create_static_files_router(path="/static", directories=[STATIC_DIR], opt={"access": PUBLIC}, include_in_schema=False),
            create_static_files_router(
                path=SWAGGER_STATIC,
                directories=[swagger_ui_files()],
                opt={"access": PUBLIC},
                include_in_schema=False,
                name="swagger",
            ),
        ],
        guards=[access_guard],
        dependencies={"actor": Provide(current_scope, sync_to_thread=False)},
        # Outermost first: who is asking, then the CSRF check (token bound to that session),
        # then the text guard (control characters refused before any handler).
        middleware=[
            DefineMiddleware(AuthMiddleware),
            DefineMiddleware(
                CSRFMiddleware, session_token=session_of, secret=settings.secret_key, cookie_secure=settings.cookie_secure
            ),
            textguard.TextGuardMiddleware,
        ],
        request_class=limits.BoundedRequest,  # JSON bodies nested too deep are refused (400)
        request_max_body_size=limits.MAX_BODY_BYTES,  # the import upload declares its own
        before_request=notices_views.count_unread,  # the unread notices of the navigation
        before_send=[security_headers_hook(hsts=settings.cookie_secure)],
        template_config=TemplateConfig(instance=template_engine),
        openapi_config=openapi,
        exception_handlers=EXCEPTION_HANDLERS,
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        logging_config=LoggingConfig(
            root={"level": "INFO", "handlers": ["queue_listener"]},
            log_exceptions="debug",
        ),
        debug=False,
    )
