"""`crossdock serve`: check the port, migrate an embedded SQLite, seed the demo, run uvicorn."""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import make_url

from crossdock.database import make_engine, make_session_factory
from crossdock.settings import Settings
from persistence.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from crossdock.demo import Demo, ExistingDemo


def serve(
    settings: Settings, host: str, port: int, *, demo: bool, reset: bool, workers: int = 1
) -> int:
    """Run the API until stopped; refuse, with one line and exit 1, what cannot work."""
    from crossdock.app import create_app
    from crossdock.migrate import upgrade
    from crossdock.secret_keys import install_secret_box, load_secret_box

    if reset and not demo:
        return _refuse("--reset only goes with --demo: it deletes the demo's SQLite file")
    if problem := workers_problem(settings, workers):
        return _refuse(problem)
    if caveat := workers_caveat(settings, workers):
        print(f"warning: {caveat}", file=sys.stderr, flush=True)
    if not port_is_free(host, port):
        return _refuse(
            f"port {port} on {host} is already in use (another crossdock serve?); "
            "stop that process or choose another port with --port"
        )
    sqlite_file = _sqlite_file(settings.database_url)
    if reset:
        if sqlite_file is None:
            return _refuse(
                "--reset deletes the embedded SQLite file; with PostgreSQL, drop and "
                "re-create the database yourself, then `crossdock migrate`"
            )
        _delete_sqlite(sqlite_file)
        print(f"deleted {sqlite_file} to start a fresh demo", flush=True)
    if sqlite_file is not None:
        upgrade(settings.migration_database_url, secret_box=lambda: load_secret_box(settings))
    # a database the app cannot use fails here, in one line (cli.main), not on every request
    _connect_once(settings.database_url)
    if workers > 1:
        if demo:  # the key ring the demo seals with, as create_app would install it
            install_secret_box(settings, make_session_factory(make_engine(settings.database_url)))
            print(seed_or_find_demo(settings).describe(f"http://{host}:{port}/graphql"), flush=True)
        return _serve_processes(settings, host, port, workers)
    app = create_app(settings)  # before the demo: it installs the key ring the demo seals with
    if demo:
        print(seed_or_find_demo(settings).describe(f"http://{host}:{port}/graphql"), flush=True)
    _run_uvicorn(app, host, port, settings.log_level)
    return 0


def workers_problem(settings: Settings, workers: int) -> str | None:
    """Why `workers` API processes cannot share this configuration, or None.

    Each process would otherwise run its own in-process worker and relay (no broker), or
    grant every key its whole rate-limit budget on its own (budgets in memory).
    """
    if workers < 1:
        return "--workers must be at least 1"
    if workers == 1:
        return None
    if settings.broker_url is None:
        return (
            "--workers needs a broker (CROSSDOCK_BROKER_URL): without one each process would "
            "run its own background worker and relay; run `crossdock worker` beside the API"
        )
    if settings.rate_limit_points > 0 and not settings.rate_limit_redis_url:
        return (
            "--workers needs the rate-limit budgets in Redis (a Redis broker, or "
            "CROSSDOCK_RATE_LIMIT_REDIS_URL), else each process grants the whole budget; "
            "or turn the limit off with CROSSDOCK_RATE_LIMIT_POINTS=0"
        )
    return None


def workers_caveat(settings: Settings, workers: int) -> str | None:
    """What `workers` API processes can do with this configuration, but only weakly."""
    if workers > 1 and settings.invalidation_redis_url is None:
        return (
            "no Redis for cache invalidations (CROSSDOCK_INVALIDATION_REDIS_URL): a key "
            "revoked or routing rules saved through one process take up to 5 s to reach "
            "the others"
        )
    return None


def _serve_processes(settings: Settings, host: str, port: int, workers: int) -> int:
    """uvicorn's supervisor and `workers` processes, each building the app from the
    environment (crossdock.app:from_env), sharing one metrics directory."""
    import os

    from crossdock.supervisor import shared_metrics

    with shared_metrics(settings) as directory:
        # the processes are spawned: they read the directory from the environment
        os.environ["CROSSDOCK_METRICS_DIR"] = str(directory)
        _run_uvicorn(
            "crossdock.app:from_env",
            host,
            port,
            settings.log_level,
            workers=workers,
            healthcheck_seconds=settings.web_worker_healthcheck_seconds,
        )
    return 0


def _run_uvicorn(
    app: object,
    host: str,
    port: int,
    log_level: str,
    workers: int = 1,
    healthcheck_seconds: int = 5,
) -> None:
    import uvicorn

    from crossdock.gc_tuning import tune_for_serving

    if workers == 1:
        tune_for_serving()  # from_env tunes each process of several itself
    # log_config=None: uvicorn's loggers go through ours (JSON or text, with request ids).
    # access_log=False: crossdock.http already writes the request's line (with its id and
    # duration); uvicorn's was a second one per request, about 1% of createOrder's CPU.
    uvicorn.run(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        log_level=log_level,
        log_config=None,
        access_log=False,
        factory=workers > 1,
        workers=workers if workers > 1 else None,
        timeout_worker_healthcheck=healthcheck_seconds,
    )


def seed_or_find_demo(settings: Settings) -> Demo | ExistingDemo:
    """The demo tenant, seeded now or found from an earlier run."""
    from crossdock.demo import ensure_demo

    engine = make_engine(settings.database_url)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            demo = ensure_demo(uow)
            uow.commit()
            return demo
    finally:
        engine.dispose()


def _connect_once(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on `host`:`port` now (probed as uvicorn binds)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return True  # a bad host is uvicorn's to report, in its own words
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            return False
    return True


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _delete_sqlite(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)


def _refuse(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1
