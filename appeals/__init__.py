"""E-appealing: the application factory."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import time
from datetime import date
from zoneinfo import ZoneInfo

from babel import negotiate_locale
from flask import Flask, current_app, g, has_request_context, render_template, request, session
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.middleware.proxy_fix import ProxyFix

# The model modules are imported for their tables (metadata and migrations see them all).
from appeals.accounts import models as _accounts  # noqa: F401
from appeals.accounts.labels import ROLE_LABELS
from appeals.accounts.notice_views import bp as notice_settings_bp
from appeals.accounts.views import bp as accounts_bp
from appeals.admin.users import bp as users_admin_bp
from appeals.admin.views import bp as admin_bp
from appeals.adminlog import models as _adminlog  # noqa: F401
from appeals.adminlog.tracking import track_reference_changes
from appeals.api import models as _api  # noqa: F401
from appeals.api.blueprints import init_api
from appeals.audit import models as _audit  # noqa: F401
from appeals.audit.views import bp as prosecutor_bp
from appeals.casefile.views import bp as casefile_bp
from appeals.cleantext import refuse_nul_in_the_address
from appeals.cli import register_cli
from appeals.deadlines import models as _deadlines  # noqa: F401
from appeals.desk.views import bp as desk_bp
from appeals.extensions import (
    READS_FIRST,
    SQLITE_READER,
    SQLITE_WRITER,
    babel,
    bootstrap,
    csrf,
    database_is_locked,
    db,
    limiter,
    login_manager,
    migrate,
)
from appeals.generate.command import register_generate
from appeals.headers import secure_headers
from appeals.intake import models as _intake  # noqa: F401
from appeals.intake.attachments import size_text
from appeals.intake.labels import EVENT_LABELS, STATUS_LABELS
from appeals.intake.views import bp as intake_bp
from appeals.kept_fields import kept_field
from appeals.kept_html import kept_block, kept_pagination, status_badge
from appeals.language import DOMAIN, LANGUAGES, N_, template_gettext, template_ngettext
from appeals.notifications import models as _notifications  # noqa: F401
from appeals.open311.views import bp as open311_bp
from appeals.opendata.views import bp as opendata_bp
from appeals.ops.metrics import instrument
from appeals.ops.views import bp as ops_bp
from appeals.oversize import answer_without_files
from appeals.public.views import bp as public_bp
from appeals.ratings.views import bp as ratings_bp
from appeals.reference import models as _reference  # noqa: F401
from appeals.reference.views import bp as reference_bp
from appeals.replies import models as _replies  # noqa: F401
from appeals.replies.views import bp as replies_bp
from appeals.routing.views import accuracy_bp as routing_accuracy_bp
from appeals.routing.views import queue_bp as routing_queue_bp
from appeals.scores import models as _scores  # noqa: F401
from appeals.scores.views import bp as scores_bp
from appeals.suggest.views import bp as suggest_bp
from appeals.timeutil import local_date, now_utc
from appeals.work.views import bp as work_bp
from config import DEVELOPMENT_SECRET_KEY

# Requests that only read: on SQLite their transactions begin DEFERRED and take no write lock.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
log = logging.getLogger(__name__)


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json), for a log collector."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class AppealsFlask(Flask):
    """Flask, with a read-only request that turns out to write run again as a writer.

    On SQLite a GET begins DEFERRED (a reader: writers are not held up). If it writes after
    another connection committed since it began reading, SQLite refuses to upgrade its lock
    ("database is locked"): the request is rolled back and run once more, this time taking
    the write lock first. Busy past the wait otherwise: a 503 asking to try again, not a 500."""

    def dispatch_request(self):
        try:
            return super().dispatch_request()
        except OperationalError as error:
            self._after_lock_error(error)
            if request.method not in READ_ONLY_METHODS or g.get("sqlite_mode") == "writer":
                self._busy(error)
            log.info("read-only %s %s wrote: run again as a writer", request.method, request.path)
            g.sqlite_mode = "writer"
        try:
            return super().dispatch_request()
        except OperationalError as error:
            self._after_lock_error(error)
            self._busy(error)

    @staticmethod
    def _after_lock_error(error: OperationalError) -> None:
        if not database_is_locked(error):
            raise error
        db.session.rollback()

    @staticmethod
    def _busy(error: OperationalError):
        log.warning("database busy: %s %s answered 503", request.method, request.path)
        g.sqlite_mode = "reader"  # the error page may read, without waiting for the lock
        raise ServiceUnavailable(retry_after=5) from error


def create_app(config_object: object | str = "config.Config", **overrides) -> Flask:
    """Build the app: config, extensions, blueprints, CLI. Runs no migrations."""
    app = AppealsFlask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_object(config_object)
    app.config.update(overrides)
    logging.basicConfig(level=logging.INFO)
    if app.config["LOG_FORMAT"] == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonLogFormatter())
    _refuse_development_secret(app)
    _refuse_unknown_language(app)
    _trust_proxies(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    secure_headers(app)
    app.before_request(refuse_nul_in_the_address)
    babel.init_app(app, locale_selector=_select_locale)
    # Flask-Babel installs Jinja's i18n extension (_, gettext, {% trans %}); its messages are
    # found with one catalogue lookup a request, not one a message (language.py). The
    # templates also need the language in force, for <html lang> and the navbar's switch.
    babel.domain_instance = DOMAIN
    app.jinja_env.globals.update(
        _=template_gettext,
        gettext=template_gettext,
        ngettext=template_ngettext,
        current_language=lambda: str(get_locale()),
        languages=LANGUAGES,
        kept_field=kept_field,  # forms.html: a field rendered once per state and language
        # macros.html's badge and timeline: lazy, each shown in the reader's language (built
        # in the template, they cost each page that imports it some 45 lookups).
        status_labels=STATUS_LABELS,
        event_labels=EVENT_LABELS,
        role_labels=ROLE_LABELS,  # base.html's account menu
        # Parts of pages rendered once per state and language (kept_html.py).
        status_badge=status_badge,
        kept_block=kept_block,
        kept_pagination=kept_pagination,
    )
    bootstrap.init_app(app)
    # The limits live in Redis, shared by every web process, unless told otherwise.
    app.config["RATELIMIT_STORAGE_URI"] = (
        app.config["RATELIMIT_STORAGE_URI"] or app.config["REDIS_URL"]
    )
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "warning"
    # Flask-Login's own words, marked for the catalogue (plain text: Flask-Login tests its
    # truth on every refusal); the callback translates it when it is flashed.
    login_manager.login_message = N_("Please log in to access this page.")
    login_manager.localize_callback = _sign_in_prompt
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _tune_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])

    track_reference_changes()  # the admin log of the reference data
    _register_blueprints(app)
    instrument(app)
    _register_error_pages(app)
    _register_template_helpers(app)

    register_cli(app)
    register_generate(app)
    return app


class InsecureSecretKey(RuntimeError):
    """The development SECRET_KEY outside debug and tests: anyone could forge a session."""


def _refuse_development_secret(app: Flask) -> None:
    """Refuse to start with the development key (or none) unless debugging or testing: with a
    known key anyone can sign a session cookie for any account."""
    if app.debug or app.testing:
        return
    key = app.config.get("SECRET_KEY")
    if not key or key == DEVELOPMENT_SECRET_KEY:
        raise InsecureSecretKey(
            "SECRET_KEY is not set (the development key signs no session outside debug and "
            "tests). Set a long random one in the environment, the same for every web and "
            "worker process, e.g.: export SECRET_KEY=\"$(python -c 'import secrets; "
            "print(secrets.token_hex(32))')\""
        )


def _refuse_unknown_language(app: Flask) -> None:
    """DEFAULT_LANGUAGE must be one the interface offers: a typo would show untranslated pages."""
    if app.config["DEFAULT_LANGUAGE"] not in LANGUAGES:
        raise ValueError(
            f"DEFAULT_LANGUAGE={app.config['DEFAULT_LANGUAGE']!r} is not one of the interface "
            f"languages ({', '.join(LANGUAGES)})."
        )
    # Flask-Babel's own fallback (a locale selector that answers nothing) is the same one.
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LANGUAGE"]


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies the client's address, scheme and host are the ones the
    proxies forwarded (the rate limits and the sign-in lockout read the address); with none,
    a client's own X-Forwarded-For is ignored."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )


def _select_locale() -> str:
    """The one place that decides the language: the reader's choice kept in the session (the
    switch's, or their profile's, put there when they sign in), else the browser's
    Accept-Language, else the deployment's DEFAULT_LANGUAGE. Jobs and commands (no request)
    stay English, as the notice templates are."""
    if not has_request_context():
        return "en"
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    # In the browser's order of preference, a regional variant counting as its language
    # ("kk-KZ, ru;q=0.9" is Kazakh: Werkzeug's best_match would take the exact "ru" first).
    wished = [language.lower() for language, _quality in request.accept_languages]
    return (
        negotiate_locale(wished, list(LANGUAGES), sep="-") or current_app.config["DEFAULT_LANGUAGE"]
    )


def _sign_in_prompt(message: str) -> str:
    """Flask-Login's prompt in the request's language. Under force_locale, so the choice is
    not kept on `g` after this redirect-only response (where an app context outlives the
    request, as in the tests, the next request must decide afresh)."""
    with force_locale(_select_locale()):
        return _(message)


def _tune_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """SQLite for several processes: WAL, a busy wait, enforced foreign keys; transactions of
    read-only requests (GET, HEAD) and of `begin_reading` begin DEFERRED and take no write
    lock, every other one BEGIN IMMEDIATE, so a read-then-write transaction never fails on
    upgrading its lock (a GET that writes anyway is run again: AppealsFlask). A view that
    reads first (extensions.reads_first) begins as a reader too and takes the write lock at
    its first write, on the same connection: it holds the lock only while it writes."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        options = connection.get_execution_options()
        mode = "reader" if options.get(SQLITE_READER) else None
        if mode is None and not options.get(SQLITE_WRITER):
            mode = _request_reads()
        connection.info[WRITES_LATER] = mode == "reads first"
        if mode is not None:
            connection.exec_driver_sql("BEGIN")  # deferred: a reader under WAL
        else:
            _begin_immediate(connection, busy_timeout_ms)

    @event.listens_for(engine, "before_cursor_execute")
    def _on_statement(connection, _cursor, statement, *_rest):
        if connection.info.get(WRITES_LATER) and WRITES.match(statement):
            connection.info[WRITES_LATER] = False
            _write_from_here(connection.connection.dbapi_connection, busy_timeout_ms)


# Naps between tries for SQLite's write lock: from half a millisecond, doubling up to 4 ms.
FIRST_NAP_S, LONGEST_NAP_S = 0.0005, 0.004
# connection.info: its transaction reads first and takes the write lock at its first write.
WRITES_LATER = "sqlite_writes_later"
# The statements that write (SQLAlchemy's flush and the services' own INSERT/UPDATE/DELETE),
# and a savepoint, which opens a part that writes: the lock is taken before it, not inside.
WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|SAVEPOINT)\b", re.IGNORECASE)


def _try_write_lock(driver: sqlite3.Connection, busy_timeout_ms: int) -> bool:
    """BEGIN IMMEDIATE, trying again for the write lock after short naps up to the busy
    timeout; False when it is still taken (or another error came: the caller's last try
    raises it). SQLite's own wait sleeps longer and longer (up to 100 ms a time): among
    dozens of writers the lock then stands free while they sleep, and a writer that came
    early may wait seconds behind later ones. The tries go to the driver itself: a few
    microseconds each (bench/README.md, stop 22)."""
    deadline = time.monotonic() + busy_timeout_ms / 1000
    nap = FIRST_NAP_S
    driver.execute("PRAGMA busy_timeout=0")
    try:
        while time.monotonic() + nap < deadline:
            try:
                driver.execute("BEGIN IMMEDIATE")
                return True
            except sqlite3.OperationalError as error:
                if not database_is_locked(error):
                    return False
            time.sleep(nap)
            nap = min(nap * 2, LONGEST_NAP_S)
    finally:
        driver.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    return False


def _begin_immediate(connection, busy_timeout_ms: int) -> None:
    """A transaction that writes from its start: the write lock first (_try_write_lock)."""
    if not _try_write_lock(connection.connection.dbapi_connection, busy_timeout_ms):
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # the last try: SQLAlchemy's error if any


def _write_from_here(driver: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """The reader's first write: end its reading (it wrote nothing) and take the write lock
    on the same connection, before the statement runs. Its session keeps what it read (the
    form's choices, the routing rules, the policy: a moment old at most); SQLite would refuse
    to upgrade the reader itself once another connection has written since it began. Busy
    past the wait: the statement fails with "database is locked" (a 503)."""
    driver.execute("COMMIT")
    if not _try_write_lock(driver, busy_timeout_ms):
        driver.execute("BEGIN IMMEDIATE")  # the last try: its error is the statement's


def _request_reads() -> str | None:
    """How a request's transactions begin on SQLite: "reader" when its method only reads and
    it has not been found to write (AppealsFlask), or it is answering busy and only reads for
    its error page; "reads first" for a view marked so (extensions.reads_first); None (a
    writer) otherwise, and outside requests."""
    if not has_request_context():
        return None
    mode = g.get("sqlite_mode")
    if mode is not None:
        return "reader" if mode == "reader" else None
    if request.method in READ_ONLY_METHODS:
        return "reader"
    if getattr(current_app.view_functions.get(request.endpoint), READS_FIRST, False):
        return "reads first"
    return None


def _register_blueprints(app: Flask) -> None:

    app.register_blueprint(ops_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(scores_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(notice_settings_bp)
    app.register_blueprint(intake_bp)
    app.register_blueprint(casefile_bp)
    app.register_blueprint(replies_bp)
    app.register_blueprint(suggest_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(users_admin_bp)
    app.register_blueprint(prosecutor_bp)
    app.register_blueprint(desk_bp)
    app.register_blueprint(ratings_bp)
    app.register_blueprint(reference_bp)
    app.register_blueprint(routing_accuracy_bp)
    app.register_blueprint(routing_queue_bp)
    app.register_blueprint(work_bp)
    init_api(app)  # the JSON API, its document and the token pages
    app.register_blueprint(open311_bp)
    app.register_blueprint(opendata_bp)


def _register_error_pages(app: Flask) -> None:
    def page(status: int, title: str, message: str):
        return render_template("error.html", title=title, message=message), status

    # Titles and messages translated when the page is rendered, in the request's language.
    @app.errorhandler(400)
    def bad_request(_error):
        return page(
            400,
            _("Bad request"),
            _("The request could not be understood. Check what you entered and try again."),
        )

    @app.errorhandler(403)
    def forbidden(_error):
        return page(403, _("Forbidden"), _("This page is not open to your account."))

    @app.errorhandler(404)
    def not_found(_error):
        return page(404, _("Not found"), _("There is no such page, or it is not yours to see."))

    @app.errorhandler(413)
    def too_large(_error):
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        # A form sent with too large files: its own page again, what was typed kept.
        kept = answer_without_files(
            _(
                "The files were not received: %(sent)s MB were sent, at most %(limit)s MB in "
                "all and %(each)s each. What you typed is kept below; choose the files again, "
                "smaller ones.",
                sent=(request.content_length or 0) // (1024 * 1024),
                limit=limit,
                each=size_text(app.config["MAX_ATTACHMENT_BYTES"]),
            )
        )
        if kept is not None:
            return kept
        return page(
            413,
            _("Upload too large"),
            _("The request is larger than %(limit)s MB in all.", limit=limit),
        )

    @app.errorhandler(429)
    def too_many(_error):
        return page(429, _("Too many requests"), _("Please wait a minute and try again."))

    @app.errorhandler(500)
    def server_error(_error):
        # The failed request's transaction is dropped first: the layout may read the database.
        db.session.rollback()
        return page(
            500,
            _("Something went wrong"),
            _(
                "The error is recorded and will be looked into. Nothing you saved before is "
                "lost; please try again in a few minutes."
            ),
        )

    @app.errorhandler(503)
    def busy(error):
        response = page(
            503,
            _("The site is busy"),
            _("Too many people are saving at this moment. Please try again in a few seconds."),
        )
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            return response[0], 503, {"Retry-After": str(retry_after)}
        return response

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):
        # Busy past the wait outside a view too (a POST's first query, loading the user in
        # before_request, takes SQLite's write lock): the 503 page, never a 500.
        db.session.rollback()
        if not database_is_locked(error):
            log.error("database error on %s %s", request.method, request.path, exc_info=error)
            return server_error(error)
        log.warning("database busy: %s %s answered 503", request.method, request.path)
        g.sqlite_mode = "reader"  # the page may read, without waiting for the lock
        return busy(ServiceUnavailable(retry_after=5))

    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        return page(
            400,
            _("Form expired"),
            _(
                "The form's security token is missing or expired. "
                "Go back, reload the page and submit again."
            ),
        )


def _register_template_helpers(app: Flask) -> None:

    @app.template_filter("local_dt")
    def local_datetime(moment):
        """A UTC timestamp shown in the site's zone."""
        if moment is None:
            return ""
        return moment.astimezone(ZoneInfo(app.config["TIMEZONE"])).strftime("%d.%m.%Y %H:%M")

    @app.template_filter("ddmmyyyy")
    def ddmmyyyy(day):
        """A date (or an ISO date string, as events keep them) as dd.mm.yyyy."""
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day)
            except ValueError:  # written as dd.mm.yyyy already (older notices' payloads)
                return day
        return day.strftime("%d.%m.%Y") if day else ""

    @app.context_processor
    def today_local():
        return {"today": local_date(now_utc(), app.config["TIMEZONE"])}
