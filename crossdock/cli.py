"""The `crossdock` command: serve, migrate, run background workers, and the operator's tools."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.exc import DBAPIError

from adapters.secrets import SecretKeyError
from crossdock.database import make_engine, make_session_factory
from crossdock.failures import database_url_problem, describe_database_failure
from crossdock.invalidations import invalidations_shared
from crossdock.maintenance import add_audit_commands, add_secrets_commands
from crossdock.outbox_commands import add_outbox_commands
from crossdock.schema_command import add_schema_command
from crossdock.settings import Settings
from crossdock.user_commands import add_user_commands
from domain.audit.trail import Actor, Change
from domain.audit.trail import record as record_audit
from persistence.unit_of_work import UnitOfWork
from telemetry import logs
from tenants import service
from tenants.errors import TenantError, TenantErrorCode, UserFacingError
from tenants.models import ApiKey, Client, KeyKind, Provider, Supplier
from tenants.scope import TenantScope
from tenants.scopes import SCOPES
from tenants.unit_of_work import TenantUnitOfWork
from workers import queues


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `crossdock` console script."""
    settings = Settings.from_env()
    logs.configure(settings.log_level, settings.log_format)
    args = _parser(settings).parse_args(argv)
    for variable, url in (
        ("CROSSDOCK_DATABASE_URL", settings.database_url),
        ("CROSSDOCK_MIGRATION_DATABASE_URL", settings.migration_database_url),
    ):
        if problem := database_url_problem(variable, url):
            _fail(args, "CONFIGURATION", problem)
            return 2
    try:
        return args.run(settings, args)
    except UserFacingError as error:
        _fail(args, error.code.value, error.message)
        return 1
    except SecretKeyError as error:
        _fail(args, "SECRET_KEY", str(error))
        return 1
    except DBAPIError as error:
        # an operator needs one line; the traceback is for --debug or log level DEBUG
        debug = args.debug or settings.log_level == "debug"
        if debug:
            traceback.print_exc()
        url = settings.migration_database_url if args.migrates else settings.database_url
        line = describe_database_failure(error, url)
        _fail(args, "DATABASE", line if debug else f"{line} (--debug shows the traceback)")
        return 1


def _parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crossdock", description=__doc__)
    parser.add_argument(
        "--debug", action="store_true", help="print the traceback of a failure, not one line"
    )
    parser.set_defaults(migrates=False)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the API (migrates an embedded SQLite first)")
    serve.add_argument("--host", default=settings.host)
    serve.add_argument("--port", type=int, default=settings.port)
    serve.add_argument(
        "--demo",
        action="store_true",
        help="seed demo data and print its keys (once: a re-run finds the demo and adds nothing)",
    )
    serve.add_argument(
        "--reset", action="store_true", help="with --demo: delete the SQLite file and seed afresh"
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=settings.web_workers,
        help="API processes sharing the port (needs a broker, and Redis for rate limits; "
        "CROSSDOCK_WEB_WORKERS)",
    )
    serve.set_defaults(run=_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(run=_migrate, migrates=True)

    worker = commands.add_parser(
        "worker", help="run Dramatiq worker processes and the outbox relay (needs a broker)"
    )
    worker.add_argument("--processes", "-p", type=int, default=1, help="worker processes")
    worker.add_argument("--threads", "-t", type=int, default=4, help="threads per process")
    worker.add_argument(
        "--queues",
        type=_queue_list,
        default=None,
        help="comma-separated queues these processes take (default: all): " + ", ".join(queues.ALL),
    )
    _module_flag(worker)
    _metrics_port_flag(worker, settings)
    worker.set_defaults(run=_worker)

    relay = commands.add_parser("relay", help="run only the outbox relay (needs a broker)")
    relay.add_argument("--interval", type=float, default=0.5, help="seconds between polls")
    _module_flag(relay)
    _metrics_port_flag(relay, settings)
    relay.set_defaults(run=_relay)

    scheduler = commands.add_parser(
        "scheduler", help="enqueue periodic jobs: billing, webhook sweep (one per deployment)"
    )
    _module_flag(scheduler)
    scheduler.set_defaults(run=_scheduler)

    provider = commands.add_parser("provider", help="manage providers").add_subparsers(
        required=True, metavar="ACTION"
    )
    create_provider = provider.add_parser("create", help="create a provider and its admin key")
    create_provider.add_argument("name")
    _json_flag(create_provider)
    create_provider.set_defaults(run=_create_provider)

    key = commands.add_parser("key", help="manage API keys").add_subparsers(
        required=True, metavar="ACTION"
    )
    create_key = key.add_parser("create", help="create an API key")
    create_key.add_argument("--provider", required=True, help="provider id")
    create_key.add_argument("--kind", choices=[k.value for k in KeyKind], default="provider")
    create_key.add_argument("--client", help="client code, for a client key")
    create_key.add_argument("--supplier", help="supplier code, for a supplier key")
    create_key.add_argument(
        "--scope", action="append", dest="scopes", choices=sorted(SCOPES), help="repeatable"
    )
    create_key.add_argument("--name", default="operator key")
    _json_flag(create_key)
    create_key.set_defaults(run=_create_key)

    revoke_key = key.add_parser("revoke", help="revoke an API key by its prefix")
    revoke_key.add_argument("prefix")
    _json_flag(revoke_key)
    revoke_key.set_defaults(run=_revoke_key)

    add_schema_command(commands)
    add_audit_commands(commands)
    add_secrets_commands(commands)
    add_user_commands(commands)
    add_outbox_commands(commands)
    return parser


def _module_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--module",
        action="append",
        dest="modules",
        default=[],
        help="another actor module to load (repeatable)",
    )


def _metrics_port_flag(parser: argparse.ArgumentParser, settings: Settings) -> None:
    parser.add_argument(
        "--metrics-port",
        type=int,
        default=settings.worker_metrics_port,
        help="serve Prometheus /metrics on this port (0: off; CROSSDOCK_WORKER_METRICS_PORT)",
    )


def _queue_list(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("name at least one queue")
    return names


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from crossdock.serve import serve

    return serve(
        settings, args.host, args.port, demo=args.demo, reset=args.reset, workers=args.workers
    )


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from crossdock.migrate import upgrade
    from crossdock.secret_keys import load_secret_box

    upgrade(settings.migration_database_url, secret_box=lambda: load_secret_box(settings))
    print("database is at the latest migration")
    return 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from crossdock.supervisor import run_workers

    return run_workers(
        settings, args.processes, args.threads, args.modules, args.metrics_port, args.queues
    )


def _scheduler(settings: Settings, args: argparse.Namespace) -> int:
    from crossdock.supervisor import run_scheduler_only

    return run_scheduler_only(settings, args.modules)


def _relay(settings: Settings, args: argparse.Namespace) -> int:
    from crossdock.supervisor import run_relay_only

    return run_relay_only(settings, args.interval, args.modules, args.metrics_port)


def _create_provider(settings: Settings, args: argparse.Namespace) -> int:
    def work(uow: UnitOfWork) -> tuple[Provider, service.CreatedKey]:
        provider, key = service.create_provider(uow, args.name)
        _audit(uow, provider.id, "createProvider", {"name": args.name}, "Provider", provider.id)
        return provider, key

    provider, key = _in_unit_of_work(settings, work)
    _report(
        args,
        {
            "provider_id": str(provider.id),
            "name": provider.name,
            "api_key": key.plaintext,
            "key_prefix": key.key.prefix,
        },
        f"provider {provider.name} created: {provider.id}\n"
        f"admin API key (shown once): {key.plaintext}",
    )
    return 0


def _create_key(settings: Settings, args: argparse.Namespace) -> int:
    import uuid

    try:
        provider_id = uuid.UUID(args.provider)
    except ValueError:
        _fail(args, "INVALID", f"--provider must be a provider id, not {args.provider!r}")
        return 2

    def work(uow: TenantUnitOfWork) -> service.CreatedKey:
        if uow.scalar(uow.select(Provider, Provider.id)) is None:
            # without this check an unknown id fails on the foreign key, with a traceback
            raise TenantError(
                TenantErrorCode.NOT_FOUND, f"No provider has id {provider_id}.", "provider"
            )
        client_id = _id_by_code(uow, Client, args.client, "client")
        supplier_id = _id_by_code(uow, Supplier, args.supplier, "supplier")
        created = service.create_api_key(
            uow,
            name=args.name,
            kind=KeyKind(args.kind),
            client_id=client_id,
            supplier_id=supplier_id,
            scopes=args.scopes,
        )
        options = ("name", "kind", "client", "supplier", "scopes")
        change = {name: getattr(args, name) for name in options}
        _audit(uow, provider_id, "createApiKey", change, "ApiKey", created.key.id)
        return created

    created = _in_unit_of_work(settings, work, provider_id)
    _report(
        args,
        {
            "key_prefix": created.key.prefix,
            "kind": created.key.kind.value,
            "scopes": created.key.scopes,
            "api_key": created.plaintext,
        },
        f"{created.key.kind.value} key {created.key.prefix} (shown once): {created.plaintext}",
    )
    return 0


def _revoke_key(settings: Settings, args: argparse.Namespace) -> int:
    def work(uow: UnitOfWork) -> ApiKey:
        key = service.revoke_api_key_by_prefix(uow, args.prefix)
        _audit(uow, key.provider_id, "revokeApiKey", {"prefix": args.prefix}, "ApiKey", key.id)
        return key

    key = _in_unit_of_work(settings, work)
    _report(
        args,
        {
            "key_prefix": key.prefix,
            "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
        },
        f"key {key.prefix} revoked at {key.revoked_at}",
    )
    return 0


def _audit(
    uow: UnitOfWork,
    provider_id: Any,
    mutation: str,
    arguments: dict[str, Any],
    object_type: str,
    object_id: Any,
) -> None:
    """The operator's change, in the audit trail of the provider it touched."""
    change = Change(mutation, arguments, object_type, object_id)
    record_audit(uow.session, provider_id, Actor.of(TenantScope.operator(provider_id)), change)


def _id_by_code(uow: TenantUnitOfWork, model: Any, code: str | None, what: str) -> Any:
    if code is None:
        return None
    found = uow.scalar(uow.select(model, model.id).where(model.code == code))
    if found is None:
        raise TenantError(TenantErrorCode.NOT_FOUND, f"No {what} has code {code!r}.", what)
    return found


def _in_unit_of_work(
    settings: Settings, work: Callable[[Any], Any], provider_id: Any = None
) -> Any:
    """`work(uow)` committed: the operator inside `provider_id`, or before any tenant exists."""
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    try:
        with (
            invalidations_shared(settings, listen=False),  # a revocation reaches the servers
            TenantUnitOfWork.operator(factory, provider_id)
            if provider_id is not None
            else UnitOfWork(factory) as uow,
        ):
            result = work(uow)
            uow.commit()
            return result
    finally:
        engine.dispose()


def _report(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(json.dumps(data) if args.json else text)


def _fail(args: argparse.Namespace, code: str, message: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps({"error": {"code": code, "message": message}}))
    else:
        print(f"error: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
