"""Typed settings, read once from `CROSSDOCK_*` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE_FILE = "crossdock.db"
LOG_FORMATS = ("text", "json")


@dataclass(frozen=True)
class Settings:
    """Everything the process is configured with; handed down as plain values."""

    database_url: str
    """Where the application connects, as its restricted role on PostgreSQL."""
    migration_database_url: str
    """Where migrations run, as the schema owner; defaults to `database_url`."""
    broker_url: str | None
    """Redis or RabbitMQ for background work; None runs it in the API process."""
    broker_namespace: str
    """Prefix of the broker's Redis keys, so several deployments can share one Redis."""
    host: str
    port: int
    log_level: str
    max_body_bytes: int
    max_query_depth: int
    max_query_cost: int = 5000
    """Operations whose static cost (api/limits/cost.py) exceeds this are refused."""
    rate_limit_points: int = 60000
    """Each key's budget of cost points; 0 turns the rate limit off."""
    rate_limit_period_seconds: float = 60.0
    """How long an empty budget takes to refill completely."""
    rate_limit_redis_url: str | None = None
    """Redis holding the budgets, shared by all API processes; None keeps them in memory."""
    invalidation_redis_url: str | None = None
    """Redis whose pub/sub tells every process that a remembered key or routing
    configuration went stale; None: each process learns only of its own changes (others
    within the caches' 5 seconds)."""
    redis_heartbeat_timeout_ms: int = 60_000
    """After this long without a heartbeat, a Redis worker counts as dead and its
    unacknowledged messages go back on the queue."""
    redis_maintenance_chance: int = 1_000
    """Per million fetches, how often a Redis worker runs that clean-up."""
    request_timeout_seconds: float = 30.0
    """A GraphQL request over HTTP still running after this long is answered 503."""
    allow_private_urls: bool = False
    """Let the URLs workers send requests to (webhook endpoints, aggregator carrier
    accounts) point at loopback and private addresses (tests, one-machine setups); off,
    they must be https to a public host."""
    secret_keys: tuple[str, ...] = ()
    """Fernet keys sealing stored secrets: the first seals, any opens (rotation). Empty on
    the embedded SQLite default means a generated key in a file beside the database."""
    audit_retention_days: int = 400
    """Audit events older than this are pruned daily (at least 7: the trail's floor)."""
    log_format: str = "text"
    """``json`` (one object per line, for log shippers) or ``text`` (for people)."""
    readiness_timeout_seconds: float = 2.0
    """How long ``/readyz`` waits for the database and for the broker."""
    worker_metrics_port: int = 9191
    """Where ``crossdock worker`` and ``crossdock relay`` serve ``/metrics``; 0 turns it off."""
    database_pool_size: int = 20
    """Database connections each API process keeps open; a burst may open as many again.
    Fewer than the requests in flight, and each burst opened and closed connections (12% of
    createOrder's at 8 concurrent orders), a PostgreSQL process forked for each."""
    web_workers: int = 1
    """How many API processes ``crossdock serve`` runs on its port (``--workers``)."""
    web_worker_healthcheck_seconds: int = 5
    """With several API processes: how long one may leave the supervisor's ping unanswered
    (a blocked event loop, a stopped process) before it is replaced."""
    metrics_dir: str | None = None
    """Directory shared by the processes of one ``crossdock worker`` (or ``serve --workers``)
    for their metrics; None: a fresh temporary one per run."""
    public_url: str | None = None
    """The address people open the app at (``https://ops.example.com``) behind a proxy:
    cookie requests must come from its origin, cookies are Secure when it is https, and
    invitation links start with it. None: the address each request was made to."""
    session_idle_minutes: int = 120
    """A session unused this long has ended."""
    session_max_hours: int = 12
    """A session ends this long after sign-in, however active."""
    sign_in_max_failures: int = 5
    """Failed sign-ins per account within the lockout window before it is throttled."""
    sign_in_max_failures_per_address: int = 50
    """Failed sign-ins per client IP address within the window before it is throttled."""
    sign_in_lockout_minutes: int = 15
    """The window failures are counted in, and how long a throttled subject waits."""
    invitation_hours: int = 72
    """How long an invitation link works."""
    redelivery_after_seconds: int = 600
    """An event a consumer has not processed this long after publication is sent again
    (the broker may have lost it); keep it above the slowest consumer's retries."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from the environment, with the embedded defaults where nothing is set."""
        env = os.environ if environ is None else environ
        broker_url = env.get("CROSSDOCK_BROKER_URL") or None
        database_url = env.get("CROSSDOCK_DATABASE_URL") or sqlite_url(
            Path.cwd() / DEFAULT_DATABASE_FILE
        )
        return cls(
            database_url=database_url,
            migration_database_url=env.get("CROSSDOCK_MIGRATION_DATABASE_URL") or database_url,
            broker_url=broker_url,
            broker_namespace=env.get("CROSSDOCK_BROKER_NAMESPACE") or "crossdock",
            redis_heartbeat_timeout_ms=int(
                env.get("CROSSDOCK_REDIS_HEARTBEAT_TIMEOUT_MS", "60000")
            ),
            redis_maintenance_chance=int(env.get("CROSSDOCK_REDIS_MAINTENANCE_CHANCE", "1000")),
            host=env.get("CROSSDOCK_HOST", "127.0.0.1"),
            port=int(env.get("CROSSDOCK_PORT", "8000")),
            log_level=env.get("CROSSDOCK_LOG_LEVEL", "info").lower(),
            max_body_bytes=int(env.get("CROSSDOCK_MAX_BODY_BYTES", str(1024 * 1024))),
            max_query_depth=int(env.get("CROSSDOCK_MAX_QUERY_DEPTH", "12")),
            max_query_cost=int(env.get("CROSSDOCK_MAX_QUERY_COST", "5000")),
            rate_limit_points=int(env.get("CROSSDOCK_RATE_LIMIT_POINTS", "60000")),
            rate_limit_period_seconds=float(env.get("CROSSDOCK_RATE_LIMIT_PERIOD_SECONDS", "60")),
            rate_limit_redis_url=env.get("CROSSDOCK_RATE_LIMIT_REDIS_URL") or _redis(broker_url),
            invalidation_redis_url=env.get("CROSSDOCK_INVALIDATION_REDIS_URL")
            or env.get("CROSSDOCK_RATE_LIMIT_REDIS_URL")
            or _redis(broker_url),
            allow_private_urls=_flag(env.get("CROSSDOCK_ALLOW_PRIVATE_URLS")),
            request_timeout_seconds=float(env.get("CROSSDOCK_REQUEST_TIMEOUT_SECONDS", "30")),
            secret_keys=tuple(env.get("CROSSDOCK_SECRET_KEYS", "").replace(",", " ").split()),
            audit_retention_days=_at_least(
                "CROSSDOCK_AUDIT_RETENTION_DAYS", env.get("CROSSDOCK_AUDIT_RETENTION_DAYS"), 400, 7
            ),
            log_format=_choice(
                "CROSSDOCK_LOG_FORMAT", env.get("CROSSDOCK_LOG_FORMAT"), LOG_FORMATS
            ),
            readiness_timeout_seconds=float(env.get("CROSSDOCK_READINESS_TIMEOUT_SECONDS", "2")),
            worker_metrics_port=int(env.get("CROSSDOCK_WORKER_METRICS_PORT", "9191")),
            web_workers=_positive(env, "CROSSDOCK_WEB_WORKERS", 1),
            database_pool_size=_positive(env, "CROSSDOCK_DATABASE_POOL_SIZE", 20),
            web_worker_healthcheck_seconds=_positive(
                env, "CROSSDOCK_WEB_WORKER_HEALTHCHECK_SECONDS", 5
            ),
            metrics_dir=env.get("CROSSDOCK_METRICS_DIR") or None,
            public_url=(env.get("CROSSDOCK_PUBLIC_URL") or "").rstrip("/") or None,
            session_idle_minutes=_positive(env, "CROSSDOCK_SESSION_IDLE_MINUTES", 120),
            session_max_hours=_positive(env, "CROSSDOCK_SESSION_MAX_HOURS", 12),
            sign_in_max_failures=_positive(env, "CROSSDOCK_SIGN_IN_MAX_FAILURES", 5),
            sign_in_max_failures_per_address=_positive(
                env, "CROSSDOCK_SIGN_IN_MAX_FAILURES_PER_ADDRESS", 50
            ),
            sign_in_lockout_minutes=_positive(env, "CROSSDOCK_SIGN_IN_LOCKOUT_MINUTES", 15),
            invitation_hours=_positive(env, "CROSSDOCK_INVITATION_HOURS", 72),
            redelivery_after_seconds=_positive(env, "CROSSDOCK_REDELIVERY_AFTER_SECONDS", 600),
        )


def _flag(value: str | None) -> bool:
    """An on/off variable: 1, true, yes or on (any case) is on; anything else is off."""
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _choice(name: str, value: str | None, choices: tuple[str, ...]) -> str:
    """One of `choices` (any case; the first when unset); anything else stops the start."""
    chosen = (value or choices[0]).strip().lower()
    if chosen not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return chosen


def _at_least(name: str, value: str | None, default: int, minimum: int) -> int:
    """An integer variable of at least `minimum`; anything else stops the start with its name."""
    number = default if not value else int(value) if value.strip().isdigit() else -1
    if number < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return number


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    return _at_least(name, env.get(name), default, 1)


def _redis(url: str | None) -> str | None:
    return url if url and url.startswith(("redis://", "rediss://", "unix://")) else None


def sqlite_url(path: Path) -> str:
    """A SQLAlchemy URL for a SQLite file."""
    return f"sqlite:///{path}"
