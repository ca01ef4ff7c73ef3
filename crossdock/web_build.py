"""Build the web app (web/) into api/static/app when Node.js 20+ is here and the build is stale.

`./dev serve` runs this before serving (`python -m crossdock.web_build`), and the browser
tests call `build_if_stale()`. A build is stale when any input — web/'s sources and
configuration, its lock file, or the committed GraphQL schema the types come from — differs
from the one the build was made from (a hash in api/static/app/.source-hash). A lock on
a file serialises concurrent builders (parallel test workers).
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
BUILD = ROOT / "api" / "static" / "app"
SCHEMA = ROOT / "api" / "schema.graphql"
MIN_NODE_MAJOR = 20
BUNDLE_BUDGET_GZIP_BYTES = 300 * 1024
"""What a first visit may download (index.html, its scripts and stylesheets), gzip."""
_SKIPPED_DIRS = {"node_modules", "gql"}
HOW_TO_GET_THE_APP = (
    "install Node.js 20 or newer (https://nodejs.org or your package manager) and run "
    "`./dev serve --demo` again, or build by hand: cd web && npm ci && npm run build"
)


@dataclass(frozen=True)
class BuildOutcome:
    """What `build_if_stale` did: `built`, `fresh` (nothing to do) or `unavailable`."""

    state: str
    detail: str = ""


def node_problem() -> str | None:
    """Why the app cannot be built here (no Node.js 20+, no npm), or None when it can."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        return "Node.js (node and npm) is not installed"
    version = subprocess.run(  # noqa: S603 (the node found on PATH, no input)
        [node, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    found = re.match(r"v(\d+)\.", version)
    if found is None or int(found.group(1)) < MIN_NODE_MAJOR:
        return f"Node.js {version or '(unknown version)'} is older than {MIN_NODE_MAJOR}"
    return None


def source_hash() -> str:
    """A digest of everything the build is made from."""
    digest = hashlib.sha256()
    files = [SCHEMA, *sorted(_web_sources())]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _web_sources() -> list[Path]:
    found = []
    for folder, subfolders, names in os.walk(WEB):
        subfolders[:] = [name for name in subfolders if name not in _SKIPPED_DIRS]
        found += [Path(folder) / name for name in names if name != ".build.lock"]
    return found


def is_stale() -> bool:
    """Whether api/static/app is missing or was built from other sources."""
    stamp = BUILD / ".source-hash"
    return not stamp.is_file() or stamp.read_text().strip() != source_hash()


def first_visit_bytes(build: Path = BUILD) -> tuple[int, int]:
    """Raw and gzip bytes of the built index.html and every script and stylesheet it names."""
    index = (build / "index.html").read_bytes()
    names = re.findall(rb'(?:src|href)="/(?:app/)?([^"]+\.(?:js|css))"', index)
    bodies = [index] + [(build / name.decode()).read_bytes() for name in names]
    return sum(map(len, bodies)), sum(len(gzip.compress(body, 9)) for body in bodies)


def build_if_stale(*, quiet: bool = True) -> BuildOutcome:
    """Install web/'s locked packages when they changed, then build when the build is stale."""
    problem = node_problem()
    if problem is not None:
        return BuildOutcome("unavailable", problem)
    with build_lock():
        if not is_stale():
            return BuildOutcome("fresh")
        wanted = source_hash()
        install_packages(quiet=quiet)
        _npm("run", "build", quiet=quiet)
        (BUILD / ".source-hash").write_text(wanted + "\n")
        return BuildOutcome("built")


@contextmanager
def build_lock() -> Iterator[None]:
    """Held while web/ is installed, generated or built: one builder at a time."""
    with (WEB / ".build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def install_packages(*, quiet: bool = True) -> None:
    """`npm ci` in web/ unless node_modules already holds what package-lock.json names."""
    lock_file = WEB / "package-lock.json"
    stamp = WEB / "node_modules" / ".crossdock-lock-hash"
    wanted = hashlib.sha256(lock_file.read_bytes()).hexdigest()
    if stamp.is_file() and stamp.read_text().strip() == wanted:
        return
    _npm("ci", "--no-audit", "--no-fund", "--loglevel=error", quiet=quiet)
    stamp.write_text(wanted + "\n")


def _npm(*args: str, quiet: bool) -> None:
    npm = shutil.which("npm") or "npm"
    done = subprocess.run(  # noqa: S603 (fixed npm commands)
        [npm, *args], cwd=WEB, capture_output=quiet, text=True, check=False
    )
    if done.returncode != 0:
        output = (done.stdout or "") + (done.stderr or "") if quiet else ""
        raise RuntimeError(f"npm {' '.join(args)} failed in web/:\n{output[-4000:]}")


def main() -> int:
    """`python -m crossdock.web_build`: build when needed, or say how to get the app."""
    print("web app: checking the build in api/static/app", file=sys.stderr, flush=True)
    try:
        outcome = build_if_stale(quiet=False)
    except RuntimeError as failure:
        print(f"web app: the build failed; serving the API only.\n{failure}", file=sys.stderr)
        return 0
    if outcome.state == "unavailable":
        if (BUILD / "index.html").is_file():
            print(f"web app: {outcome.detail}; serving the existing (maybe stale) build")
        else:
            print(
                f"web app: not built ({outcome.detail}); serving the API only. "
                f"To get the console and portals, {HOW_TO_GET_THE_APP}",
                file=sys.stderr,
            )
    elif outcome.state == "built":
        print("web app: built into api/static/app", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
