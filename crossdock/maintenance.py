"""Operator maintenance commands: `crossdock audit prune` (and `crossdock secrets rotate`)."""

from __future__ import annotations

import argparse
import uuid
from datetime import timedelta
from typing import Any

from crossdock.database import make_engine, make_session_factory
from crossdock.settings import Settings
from persistence.base import utcnow
from persistence.unit_of_work import UnitOfWork


def add_audit_commands(commands: Any) -> None:
    """`crossdock audit prune [--days N]`."""
    audit = commands.add_parser("audit", help="the audit trail").add_subparsers(
        required=True, metavar="ACTION"
    )
    prune = audit.add_parser(
        "prune", help="delete audit events older than the retention (the daily job, by hand)"
    )
    prune.add_argument(
        "--days", type=int, help="keep this many days (default: CROSSDOCK_AUDIT_RETENTION_DAYS)"
    )
    prune.set_defaults(run=_prune_audit)


def _prune_audit(settings: Settings, args: argparse.Namespace) -> int:
    from domain.audit.retention import prune_all
    from workers import runtime
    from workers.scheduler import provider_ids

    kept = timedelta(days=settings.audit_retention_days if args.days is None else args.days)
    engine = make_engine(settings.database_url)
    try:
        factory = make_session_factory(engine)
        runtime.configure(factory)

        def unit_of_work(provider_id: uuid.UUID) -> UnitOfWork:
            return UnitOfWork(factory, provider_id)

        total = prune_all(unit_of_work, provider_ids(), kept, utcnow())
    finally:
        engine.dispose()
    print(f"{total} audit events older than {kept.days} days deleted")
    return 0
