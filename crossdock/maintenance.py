"""Operator maintenance commands: `crossdock audit prune`, `crossdock secrets rotate|new-key`."""

from __future__ import annotations

import argparse
import sys
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


def add_secrets_commands(commands: Any) -> None:
    """`crossdock secrets rotate` and `crossdock secrets new-key`."""
    secrets = commands.add_parser("secrets", help="the key sealing stored secrets").add_subparsers(
        required=True, metavar="ACTION"
    )
    rotate = secrets.add_parser(
        "rotate", help="re-seal every stored secret with the first of CROSSDOCK_SECRET_KEYS"
    )
    rotate.set_defaults(run=_rotate_secrets)
    new_key = secrets.add_parser("new-key", help="print a fresh key for CROSSDOCK_SECRET_KEYS")
    new_key.set_defaults(run=_new_secret_key)


def _rotate_secrets(settings: Settings, args: argparse.Namespace) -> int:
    from crossdock.secret_keys import check_stored_secrets, load_secret_box
    from crossdock.secret_rotation import rotate_secrets

    box = load_secret_box(settings)
    engine = make_engine(settings.database_url)
    try:
        factory = make_session_factory(engine)
        check_stored_secrets(factory, box)  # every old key must still be configured
        total = rotate_secrets(factory, box)
    finally:
        engine.dispose()
    print(f"{total} stored secrets re-sealed with key {box.current_key_id}")
    return 0


def _new_secret_key(settings: Settings, args: argparse.Namespace) -> int:
    from adapters.secrets import key_id, new_key

    key = new_key()
    print(key)
    print(f"key id {key_id(key)}: put it first in CROSSDOCK_SECRET_KEYS", file=sys.stderr)
    return 0
