"""`crossdock schema`: print or write the SDL and its reference, and check breaking changes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from crossdock import sdl
from crossdock.settings import Settings

HELP = """\
print the GraphQL schema (SDL); --write updates api/schema.graphql and docs/api.md;
--check lists breaking and dangerous changes against a committed SDL"""


def add_schema_command(commands: Any) -> None:
    """Register `crossdock schema` on the CLI's subcommands."""
    schema = commands.add_parser("schema", help=HELP.replace("\n", " "), description=HELP)
    action = schema.add_mutually_exclusive_group()
    action.add_argument(
        "--write", action="store_true", help="write api/schema.graphql and docs/api.md"
    )
    action.add_argument("--markdown", action="store_true", help="print the API reference")
    action.add_argument(
        "--check",
        action="store_true",
        help="list changes from --against to the code's schema; exit 1 on a breaking change "
        "that --allow-file does not acknowledge",
    )
    schema.add_argument(
        "--against",
        type=Path,
        default=sdl.SCHEMA_FILE,
        help="the older SDL for --check (default: the committed api/schema.graphql)",
    )
    schema.add_argument(
        "--allow-file",
        type=Path,
        default=sdl.ALLOW_FILE,
        help=f"acknowledged breaking changes (default: {_shown(sdl.ALLOW_FILE)})",
    )
    schema.add_argument(
        "--acknowledge",
        metavar="REASON",
        help="with --check: add the breaking changes to the allow file under this reason",
    )
    schema.set_defaults(run=run_schema_command)


def run_schema_command(settings: Settings, args: argparse.Namespace) -> int:
    """Do what the flags ask; the exit status is non-zero only for --check's findings."""
    if args.acknowledge is not None and not (args.check and args.acknowledge.strip()):
        print("error: --acknowledge takes a reason and goes with --check", file=sys.stderr)
        return 2
    current = sdl.code_sdl()
    if args.check:
        return _check(args.against, args.allow_file, current, args.acknowledge)
    if args.markdown:
        from crossdock.api_reference import reference

        sys.stdout.write(reference(current))
        return 0
    if args.write:
        from crossdock.api_reference import DOC_FILE, write_reference

        sdl.SCHEMA_FILE.write_text(current)
        write_reference(current)
        print(f"wrote {_shown(sdl.SCHEMA_FILE)} and the reference in {_shown(DOC_FILE)}")
        return 0
    sys.stdout.write(current)
    return 0


def _check(against: Path, allow_file: Path, current: str, reason: str | None) -> int:
    if not against.is_file():
        print(f"error: no SDL at {against}", file=sys.stderr)
        return 2
    changes = sdl.compare(against.read_text(), current)
    allowed = sdl.allowed_lines(allow_file.read_text()) if allow_file.is_file() else set()
    for change in changes:
        if not change.breaking:
            label = "dangerous"
        elif change.line in allowed:
            label = "breaking, acknowledged"
        else:
            label = "BREAKING"
        print(f"{label}: {change.line}")
    missing = sdl.unacknowledged(changes, allowed)
    if missing and reason is not None:
        with allow_file.open("a") as allow:
            allow.write(sdl.acknowledgement(missing, reason))
        print(f"acknowledged {len(missing)} breaking change(s) in {_shown(allow_file)}")
        return 0
    if missing:
        print(
            f"{len(missing)} breaking change(s) against {against} are not acknowledged in "
            f"{_shown(allow_file)}. If they are intended, rerun with "
            '--acknowledge "why clients must change" and commit the allow file, so that '
            "the decision is part of the change.",
            file=sys.stderr,
        )
        return 1
    print(f"no unacknowledged breaking changes against {against}", file=sys.stderr)
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(sdl.SCHEMA_FILE.parent.parent))
    except ValueError:
        return str(path)
