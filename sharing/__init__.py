"""Open-sharing platform for large research instruments: application factory."""
from __future__ import annotations

import logging
import os

from flask import Flask

__all__ = ["create_app"]


def _engine_options(app: Flask) -> None:
    """Connection settings; must be in the config before ``db.init_app`` creates the engine."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 30}})
    else:
        # JIT compilation costs more than it saves on this app's queries (a tenth of a second on the
        # sharing report over a million logs, nothing on short ones): BENCHMARKS.md.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                              {"pool_pre_ping": True, "connect_args": {"options": "-c jit=off"}})


def _configure_database(app: Flask) -> None:
    from sqlalchemy import event

    from sharing.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record):
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA busy_timeout=30000")
                cursor.close()


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``config`` overrides the environment (tests pass their database here)."""
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None,
                instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)

    from sharing import config as settings

    app.config.update(settings.from_environment(app.instance_path))
    app.config.update(config or {})
    app.json.sort_keys = False
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from sharing.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from sharing.i18n import select_locale

    _engine_options(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: app.config["PLATFORM_TIMEZONE"])
    bootstrap.init_app(app)
    limiter.init_app(app)
    _configure_database(app)

    _import_models()
    _register_api(app)
    _register_pages(app)

    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale

    from sharing.auth import resolve_caller
    from sharing.errors import register_error_handlers

    app.before_request(resolve_caller)
    register_error_handlers(app)

    from sharing.cli import register_cli

    register_cli(app)

    from sharing.scheduler import maybe_start_in_web

    maybe_start_in_web(app)
    return app


def _import_models() -> None:
    """Every model module, so that metadata (and migrations) see all tables."""
    import bookings.ledger_models  # noqa: F401
    import bookings.models  # noqa: F401
    import instruments.models  # noqa: F401
    import reports.rubric_models  # noqa: F401
    import sharing.accounts.models  # noqa: F401
    import sharing.audit  # noqa: F401
    import sharing.notifications.models  # noqa: F401
    import sharing.scheduler  # noqa: F401
    import sharing.units.models  # noqa: F401


def _register_api(app: Flask) -> None:
    from bookings.api import blp as bookings_api
    from bookings.calendar_api import blp as calendar_api
    from bookings.lifecycle_api import blp as booking_lifecycle_api
    from bookings.usage_api import blp as usage_api
    from instruments.api import blp as instruments_api
    from instruments.transfer_api import blp as instrument_transfer_api
    from reports.api import blp as reports_api
    from reports.evaluation_api import blp as evaluations_api
    from reports.service_records_api import blp as service_records_api
    from sharing.accounts.api import blp as accounts_api
    from sharing.auth import PUBLIC_ENDPOINTS
    from sharing.extensions import api, csrf
    from sharing.health import bp as health_bp
    from sharing.notifications.api import blp as notifications_api
    from sharing.units.api import blp as units_api

    api.init_app(app)
    for blueprint in (accounts_api, units_api, instruments_api, instrument_transfer_api, bookings_api,
                      booking_lifecycle_api, calendar_api, notifications_api, usage_api, reports_api,
                      service_records_api, evaluations_api):
        csrf.exempt(blueprint)  # the API authenticates with bearer tokens, or checks CSRF itself
        api.register_blueprint(blueprint)
    app.register_blueprint(health_bp)
    # The API description is public, like the documentation of any open interface.
    PUBLIC_ENDPOINTS["api-docs.openapi_json"] = {"GET", "HEAD"}
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})


def _register_pages(app: Flask) -> None:
    from bookings.manage_views import bp as booking_admin_pages
    from bookings.views import bp as booking_pages
    from instruments.views import bp as instrument_pages
    from reports.evaluation_views import bp as evaluation_pages
    from reports.views import bp as report_pages
    from sharing.accounts.views import bp as accounts_pages
    from sharing.home import bp as home_pages
    from sharing.notifications.views import bp as notification_pages
    from sharing.units.views import bp as units_pages

    for blueprint in (home_pages, accounts_pages, units_pages, instrument_pages, booking_pages, booking_admin_pages,
                      notification_pages, report_pages, evaluation_pages):
        app.register_blueprint(blueprint)
    from bookings.my_usage_views import bp as my_usage_pages  # the usage ledger: managers' and researchers' pages
    from bookings.usage_views import bp as usage_admin_pages

    app.register_blueprint(usage_admin_pages)
    app.register_blueprint(my_usage_pages)
