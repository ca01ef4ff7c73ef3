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


def serve(settings: Settings, host: str, port: int, *, demo: bool, reset: bool) -> int:
    """Run the API until stopped; refuse, with one line and exit 1, what cannot work."""
    import uvicorn

    from crossdock.app import create_app
    from crossdock.gc_tuning import tune_for_serving
    from crossdock.migrate import upgrade
    from crossdock.secret_keys import load_secret_box

    if reset and not demo:
        return _refuse("--reset only goes with --demo: it deletes the demo's SQLite file")
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
    app = create_app(settings)  # before the demo: it installs the key ring the demo seals with
    if demo:
        print(seed_or_find_demo(settings).describe(f"http://{host}:{port}/graphql"), flush=True)
    tune_for_serving()
    # log_config=None: uvicorn's loggers go through ours (JSON or text, with request ids)
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level, log_config=None)
    return 0


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
