"""Settings: defaults for the embedded setup, everything overridable from the environment."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("APPEALS_INSTANCE_DIR", BASE_DIR / "instance"))


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def secure_cookies(environ) -> bool:
    """Cookies only over HTTPS: SECURE_COOKIES=1/0, else when SITE_URL is an https address."""
    if "SECURE_COOKIES" in environ:
        return environ["SECURE_COOKIES"] == "1"
    return environ.get("SITE_URL", "").startswith("https://")


# The key that signs sessions when none is set: create_app refuses it outside debug and tests.
DEVELOPMENT_SECRET_KEY = "dev-only-change-me"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'appeals.sqlite3'}"
    )
    REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    # How long a SQLite connection waits for another's write lock before "database is locked".
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 30000)
    # Queues the worker listens on, in priority order.
    RQ_QUEUES = ["default", "notifications", "sweeps"]
    # Jobs that run for minutes (the suggestion's retraining, the score cells' build, the
    # monthly snapshot) have their own queue and worker (`python worker.py --queues slow`),
    # so that notices and sweeps never wait behind them.
    RQ_SLOW_QUEUE = "slow"
    DEADLINE_SWEEP_SECONDS = _env_int("DEADLINE_SWEEP_SECONDS", 300)
    REMINDER_HOUR = _env_int("REMINDER_HOUR", 9)  # local hour the executor's reminders go out
    NOTIFICATION_SWEEP_SECONDS = _env_int("NOTIFICATION_SWEEP_SECONDS", 120)
    # The notices' drain (queues.drain_outbox) waits this long for the next notice before it
    # ends, and makes way for other jobs after OUTBOX_DRAIN_SECONDS.
    OUTBOX_LINGER_SECONDS = float(os.environ.get("OUTBOX_LINGER_SECONDS", "1"))
    OUTBOX_DRAIN_SECONDS = _env_int("OUTBOX_DRAIN_SECONDS", 10)
    # False only in tests that need the request path without Redis.
    RQ_ENABLED = os.environ.get("RQ_ENABLED", "1") == "1"

    UPLOAD_DIR = Path(os.environ.get("UPLOAD_DIR", INSTANCE_DIR / "uploads"))
    # pg_dump and pg_restore of the server's major version for `flask backup` (default: PATH's).
    PG_BIN_DIR = os.environ.get("PG_BIN_DIR") or None
    MAX_ATTACHMENTS = 5
    MAX_ATTACHMENT_BYTES = _env_int("MAX_ATTACHMENT_BYTES", 5 * 1024 * 1024)
    # The whole request may carry five full attachments plus the form.
    MAX_CONTENT_LENGTH = 5 * MAX_ATTACHMENT_BYTES + 1024 * 1024
    APPEAL_TEXT_MAX = 10_000
    APPEAL_SUBJECT_MAX = 200

    # Registration numbers: a letter per kind plus a per-year sequence, e.g. "Ж-2026-00001234".
    REGISTRATION_PREFIXES = {
        "statement": "З",
        "report": "С",
        "proposal": "П",
        "feedback": "О",
        "request": "ЗИ",  # запрос информации; upper case, as numbers are typed back in
        "complaint": "Ж",
        "information": "ДИ",  # доступ к информации (Law No. 401-V)
    }
    REGISTRATION_DIGITS = 8

    DEADLINE_PROFILE = os.environ.get("DEADLINE_PROFILE", "appk")
    # The body's term to answer a prosecutor's act of response (warning, representation),
    # counted from the audit like an appeal's term: "calendar" or "working" days.
    AUDIT_ACT_TERM = _env_int("AUDIT_ACT_TERM", 30)
    AUDIT_ACT_TERM_UNIT = os.environ.get("AUDIT_ACT_TERM_UNIT", "calendar")
    # The act's term may be extended, on the body's reasoned request, this many times by at most
    # this many days (in the act's unit). The Law on the Prosecutor's Office sets no extension
    # of its own, so this is the office's rule: data, not code (NOTES.md, #13).
    # The applicant may complain about an answer within this many months of receiving it (APPK
    # art. 92; a late complaint is still accepted): every answer ends with the paragraph that
    # says so (replies/service.py: how_to_complain).
    # Long lists (an inbox, the staff, the admin log) count this many rows at most and page no
    # further (appeals/pages.py): "more than 10,000" costs the same at any size.
    LIST_COUNT_CAP = _env_int("LIST_COUNT_CAP", 10_000)
    # Rows of the prosecutor's ranking per page (the CSV and the printable report have all).
    DESK_RANKING_PER_PAGE = _env_int("DESK_RANKING_PER_PAGE", 50)
    # Rows of the public ratings per page (the open data's ratings list every body).
    RATINGS_PER_PAGE = _env_int("RATINGS_PER_PAGE", 50)
    COMPLAINT_WINDOW_MONTHS = _env_int("COMPLAINT_WINDOW_MONTHS", 3)
    AUDIT_ACT_EXTENSIONS = _env_int("AUDIT_ACT_EXTENSIONS", 1)
    AUDIT_ACT_EXTENSION_MAX = _env_int("AUDIT_ACT_EXTENSION_MAX", 30)
    TIMEZONE = os.environ.get("APPEALS_TIMEZONE", "Asia/Almaty")
    # The interface language when neither the reader's choice (the switch, their profile) nor
    # their browser's Accept-Language names one we offer: Kazakh, the state language.
    # (create_app makes Flask-Babel's BABEL_DEFAULT_LOCALE the same.)
    DEFAULT_LANGUAGE = os.environ.get("DEFAULT_LANGUAGE", "kk")
    BABEL_DEFAULT_TIMEZONE = TIMEZONE

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")  # empty: notices are written to the log
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "noreply@e-appeals.example.kz")
    # The SMS gateway (notifications/channels.py): a JSON POST to the URL with the token as a
    # bearer; empty URL: SMS are written to the log. A notice's SMS is cut to SMS_MAX_PARTS
    # parts (70 Cyrillic or 160 Latin characters in one, 67/153 per part of a longer one).
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
    SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
    SMS_GATEWAY_CONNECT_TIMEOUT = _env_int("SMS_GATEWAY_CONNECT_TIMEOUT", 5)
    SMS_GATEWAY_READ_TIMEOUT = _env_int("SMS_GATEWAY_READ_TIMEOUT", 10)
    SMS_MAX_PARTS = _env_int("SMS_MAX_PARTS", 2)
    # The phone's verification code: minutes it stays valid, wrong tries before it is void,
    # and how often a user may ask for one (Flask-Limiter's notation, counted per account).
    PHONE_CODE_MINUTES = _env_int("PHONE_CODE_MINUTES", 10)
    PHONE_CODE_ATTEMPTS = _env_int("PHONE_CODE_ATTEMPTS", 5)
    PHONE_CODE_LIMIT = os.environ.get("PHONE_CODE_LIMIT", "3 per 10 minutes;10 per day")

    # Empty: the app's REDIS_URL, so every web process counts against one shared limit
    # (create_app fills it in). `memory://` keeps a limit per process (four workers, four
    # times the limit). If the store is down the limits are counted in memory meanwhile.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_PUBLIC_FORMS = os.environ.get("RATELIMIT_PUBLIC_FORMS", "20 per minute")
    RATELIMIT_HEADERS_ENABLED = True
    # Calls per personal access token (appeals/api): Flask-Limiter's notation.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")
    # Open data (appeals/opendata): counts from 1 to this minus 1 are published empty.
    OPEN_DATA_MIN_COUNT = _env_int("OPEN_DATA_MIN_COUNT", 5)
    # The open data's statistics of the last twelve months are counted by a job this often
    # (seconds; a year of a million appeals took 7 s) and kept twice as long: a request only
    # reads them. Other months are counted when first asked for and kept as long.
    OPEN_DATA_REFRESH_SECONDS = _env_int("OPEN_DATA_REFRESH_SECONDS", 900)

    PASSWORD_HASH_COST = (3, 65536)  # argon2 time cost, memory in KiB (the library's default)

    # Sign-in (appeals/accounts/rules.py): after LOGIN_LOCK_AFTER wrong passwords in a row an
    # account waits LOGIN_LOCK_FIRST_SECONDS, doubled with every further wrong one, at most
    # LOGIN_LOCK_MAX_SECONDS; the per-address limit (RATELIMIT_PUBLIC_FORMS) applies beside it.
    LOGIN_LOCK_AFTER = _env_int("LOGIN_LOCK_AFTER", 5)
    LOGIN_LOCK_FIRST_SECONDS = _env_int("LOGIN_LOCK_FIRST_SECONDS", 60)
    LOGIN_LOCK_MAX_SECONDS = _env_int("LOGIN_LOCK_MAX_SECONDS", 3600)
    # How many proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: none, the
    # client's address is the connection's; a header from the client itself is ignored).
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

    # Cookies: Secure when the site is served over HTTPS (SITE_URL, or SECURE_COOKIES=1/0).
    SECURE_COOKIES = secure_cookies(os.environ)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = SECURE_COOKIES
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SECURE_COOKIES
    REMEMBER_COOKIE_DURATION = timedelta(days=min(_env_int("REMEMBER_DAYS", 30), 30))
    WTF_CSRF_TIME_LIMIT = None  # a long appeal text must not lose its token after an hour

    BOOTSTRAP_SERVE_LOCAL = True  # no CDN: the site works on a closed network

    # The category suggestion (appeals/suggest): a model file that every web process loads
    # (and reloads when it changes), retrained nightly by a job.
    SUGGEST_MODEL_DIR = Path(os.environ.get("SUGGEST_MODEL_DIR", INSTANCE_DIR / "models"))
    SUGGEST_MIN_CONFIDENCE = float(os.environ.get("SUGGEST_MIN_CONFIDENCE", "0.5"))
    # Fewer answered appeals than this: the generated corpus tops the training set up.
    SUGGEST_MIN_APPEALS = _env_int("SUGGEST_MIN_APPEALS", 2000)
    # In the scheduler process's local time zone (RQ's cron uses it): run it with
    # TZ=Asia/Almaty for Almaty's night; on a UTC machine 03:00 UTC is 08:00 in Almaty.
    SUGGEST_RETRAIN_CRON = os.environ.get("SUGGEST_RETRAIN_CRON", "0 3 * * *")
    # The query planner's statistics counted again (ops/planner.py), in the same zone: on
    # SQLite it holds the write lock for seconds, so in the night.
    ANALYZE_CRON = os.environ.get("ANALYZE_CRON", "30 3 * * *")
    # Roles that must sign in with a second factor (TOTP); everyone else may turn it on.
    TOTP_REQUIRED_ROLES = tuple(
        role.strip()
        for role in os.environ.get("TOTP_REQUIRED_ROLES", "prosecutor,admin").split(",")
        if role.strip()
    )
    TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "E-appealing")
    # The national prosecutor's office reads one digest a day of the appeals that went overdue
    # since the last one (by region and body), instead of a notice per appeal.
    OVERDUE_DIGEST_CRON = os.environ.get("OVERDUE_DIGEST_CRON", "0 9 * * *")
    # The site's address, for the links in notices (which are written outside any request).
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")
    SUGGEST_RATE_LIMIT = os.environ.get("SUGGEST_RATE_LIMIT", "60 per minute")
    # No model yet (a fresh install): a suggestion asked for queues the first training for the
    # slow worker (which also queues it at its start) and answers without one meanwhile.
    SUGGEST_TRAIN_ON_DEMAND = os.environ.get("SUGGEST_TRAIN_ON_DEMAND", "1") == "1"

    # Scores (DESIGN.md "Scores"): score = 100 * (wT*T + wQ*Q); rates shrunk toward the
    # national mean with k pseudo-appeals; fewer appeals than the minimum: "too few to rank".
    SCORE_WEIGHTS = (0.5, 0.5)  # (timeliness, quality)
    SCORE_SHRINK_K = 10
    SCORE_MIN_APPEALS = _env_int("SCORE_MIN_APPEALS", 20)
    # A from 85 and E under 45 are DESIGN.md's; B from 70, C from 55, D from 45 are ours:
    # steps of 15 above the pass mark, with D a narrow band just above failing.
    SCORE_GRADES = [(85, "A"), (70, "B"), (55, "C"), (45, "D"), (0, "E")]
    # A period's figures are counted in SQL in 1-2 s at a million appeals, so the pages read
    # them at most this old (0: always count live): whole months summed from the score cells,
    # which a periodic job recounts more often than that; other periods counted once and
    # kept in Redis. Audits are never cached: a verdict counts at once.
    SCORE_CACHE_SECONDS = _env_int("SCORE_CACHE_SECONDS", 300)
    SCORE_CACHE_REFRESH_SECONDS = _env_int("SCORE_CACHE_REFRESH_SECONDS", 240)
    # A refresh counts again only the bodies whose appeals changed since (scores/cell_scope.py);
    # every body is counted again at least this often, on a new day and after a calendar change.
    SCORE_CELLS_WHOLE_SECONDS = _env_int("SCORE_CELLS_WHOLE_SECONDS", 3600)
    # Longer than any transaction that writes an event lasts (a request is stopped after 60 s).
    SCORE_CELLS_EVENT_MARGIN_SECONDS = _env_int("SCORE_CELLS_EVENT_MARGIN_SECONDS", 600)

    # /metrics: empty, open (restrict it at the TLS terminator); set, only with
    # `Authorization: Bearer <METRICS_TOKEN>`.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    # "json": every log line a JSON object (time, level, logger, message, exception).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")


class TestConfig(Config):
    TESTING = True
    # Tests that sign in as prosecutors and admins set no second factor; the tests of the
    # second factor turn the requirement on (tests/accounts/test_second_factor.py).
    TOTP_REQUIRED_ROLES: tuple[str, ...] = ()
    SECRET_KEY = "test"
    SESSION_COOKIE_SECURE = REMEMBER_COOKIE_SECURE = False  # the test client speaks plain HTTP
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = False  # one test turns it on to prove forms refuse a missing token
    PASSWORD_HASH_COST = (1, 1024)  # fast hashing: tests create many accounts
    SUGGEST_TRAIN_ON_DEMAND = False  # tests that need a model train one in a temp dir
    # English when a request names no language, so that the tests read the source texts;
    # the tests of the default set it (tests/public/test_language_kk.py).
    DEFAULT_LANGUAGE = "en"
    # Every build of the score cells counts every body: tests write appeals straight into the
    # tables, with no events to name their bodies; the tests of counting only the changed
    # bodies set it (tests/scores/test_cell_scope.py).
    SCORE_CELLS_WHOLE_SECONDS = 0
    # A drain ends as soon as the outbox is empty: a burst worker in a test would otherwise
    # wait a second after every drain (the test of the wait sets it).
    OUTBOX_LINGER_SECONDS = 0.0
