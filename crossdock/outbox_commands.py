"""`crossdock outbox replay`: send published events to their consumers again, safely.

Consumers mark what they processed (domain.outbox.consumption), so a replayed event is
skipped by every consumer that already did its work, and done by the ones that did not.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from crossdock.settings import Settings
from persistence.base import utcnow

DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def add_outbox_commands(commands: Any) -> None:
    """`crossdock outbox replay --since WHEN [--consumer NAME]`."""
    outbox = commands.add_parser("outbox", help="the outbox of events").add_subparsers(
        required=True, metavar="ACTION"
    )
    replay = outbox.add_parser(
        "replay",
        help="send published events to their consumers again (each skips what it processed)",
    )
    replay.add_argument(
        "--since",
        required=True,
        type=since_time,
        help="an ISO time (2026-12-01T02:00:00Z) or a duration back from now (90m, 2h, 1d)",
    )
    replay.add_argument(
        "--consumer",
        action="append",
        dest="consumers",
        default=[],
        help="only this consumer actor (repeatable; default: every consumer)",
    )
    replay.add_argument("--json", action="store_true", help="print JSON for scripts")
    replay.set_defaults(run=_replay)


def since_time(value: str, now: datetime | None = None) -> datetime:
    """`value` as an aware UTC time: ISO 8601 (naive means UTC) or a duration ago."""
    if match := DURATION.match(value):
        amount, unit = match.groups()
        return (now or utcnow()) - timedelta(**{UNITS[unit]: int(amount)})
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is neither an ISO time (2026-12-01T02:00:00Z) nor a duration (90m, 2h, 1d)"
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _replay(settings: Settings, args: argparse.Namespace) -> int:
    from crossdock.worker_main import BrokerNotConfigured, prepare
    from services.redelivery import replay
    from workers import runtime
    from workers.redelivery import send
    from workers.relay import event_message
    from workers.routing import ROUTES, matching_routes
    from workers.scheduler import provider_ids

    try:
        broker = prepare(settings)
    except BrokerNotConfigured as error:
        _print_error(args, "CONFIGURATION", str(error))
        return 2
    try:
        known = sorted({route.actor_name for route in ROUTES})
        unknown = sorted(set(args.consumers) - set(known))
        if unknown:
            message = f"no consumer {', '.join(unknown)}; consumers: {', '.join(known)}"
            _print_error(args, "NOT_FOUND", message)
            return 1
        routes = [r for r in ROUTES if not args.consumers or r.actor_name in args.consumers]
        by_name = {route.actor_name: route for route in routes}
        sent: Counter[str] = Counter()
        for provider_id in provider_ids():
            sent += replay(
                lambda provider_id=provider_id: runtime.unit_of_work(provider_id),
                args.since,
                lambda topic: [route.actor_name for route in matching_routes(topic, routes)],
                lambda event, consumer: send(broker, event_message(event, by_name[consumer])),
            )
    finally:
        broker.close()
    _print_sent(args, sent)
    return 0


def _print_sent(args: argparse.Namespace, sent: Counter[str]) -> None:
    total = sum(sent.values())
    if args.json:
        print(json.dumps({"since": args.since.isoformat(), "sent": total, "byConsumer": sent}))
        return
    detail = ", ".join(f"{name} {count}" for name, count in sorted(sent.items()))
    suffix = f" ({detail})" if detail else ""
    print(f"{total} messages sent since {args.since.isoformat()}{suffix}")


def _print_error(args: argparse.Namespace, code: str, message: str) -> None:
    if args.json:
        print(json.dumps({"error": {"code": code, "message": message}}))
    else:
        print(f"error: {message}", file=sys.stderr)
