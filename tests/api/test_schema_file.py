"""The committed SDL and docs/api.md's reference stay what the code serves."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

from crossdock.api_reference import DOC_FILE, reference, splice
from crossdock.sdl import REGENERATE, SCHEMA_FILE, code_sdl

ROOT = Path(__file__).resolve().parents[2]
STALE = (
    "{what} is not what the code serves. Whoever changes the schema regenerates it: "
    f"run `{REGENERATE}` and commit api/schema.graphql and docs/api.md. Differences:\n"
)


def _diff(committed: str, generated: str) -> str:
    lines = difflib.unified_diff(
        committed.splitlines(), generated.splitlines(), "committed", "code", lineterm="", n=1
    )
    return "\n".join(list(lines)[:60])


def crossdock(*args: str) -> subprocess.CompletedProcess[str]:
    """`crossdock ARGS` as a process, from the repository root."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CROSSDOCK_")}
    return subprocess.run(
        [sys.executable, "-m", "crossdock.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_committed_sdl_is_the_schema_the_code_serves():
    committed, generated = SCHEMA_FILE.read_text(), code_sdl()
    assert committed == generated, STALE.format(what="api/schema.graphql") + _diff(
        committed, generated
    )


def test_the_reference_in_docs_api_md_is_generated_from_the_current_schema():
    page = DOC_FILE.read_text()
    regenerated = splice(page, reference(code_sdl()))
    assert page == regenerated, STALE.format(what="The reference in docs/api.md") + _diff(
        page, regenerated
    )


def test_crossdock_schema_prints_the_committed_sdl():
    done = crossdock("schema")
    assert done.returncode == 0, done.stderr
    assert done.stdout == SCHEMA_FILE.read_text()
