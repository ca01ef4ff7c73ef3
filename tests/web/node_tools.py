"""Node.js for the web app's tests: skip with the reason when it is missing, build once."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from crossdock import web_build

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def require_node() -> None:
    """Skip (visibly; CI forbids skips) when Node.js 20+ is not installed."""
    problem = web_build.node_problem()
    if problem is not None:
        pytest.skip(f"the web app's tests need Node.js 20+: {problem}")


def require_browser() -> None:
    """Skip (visibly) without Debian's Chromium and chromedriver (.ci/run installs them)."""
    require_node()
    for needed in (CHROMIUM, CHROMEDRIVER):
        if not needed.exists():
            pytest.skip(f"browser tests need {needed} (apt-get install chromium chromium-driver)")


def ensure_built() -> None:
    """The app built from the current sources (npm ci and the build only when stale)."""
    require_node()
    outcome = web_build.build_if_stale()
    assert outcome.state in ("built", "fresh"), outcome


def npm(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run npm in web/ (packages installed first), under the build lock; output captured.

    Colour is switched off (a CI terminal may force it) and any escape left is stripped, so
    tests can match the tools' plain text.
    """
    require_node()
    env = {k: v for k, v in (env or os.environ).items() if k != "FORCE_COLOR"}
    env["NO_COLOR"] = "1"
    with web_build.build_lock():
        web_build.install_packages()
        done = subprocess.run(
            ["npm", *args],
            cwd=web_build.WEB,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    done.stdout = ANSI_ESCAPE.sub("", done.stdout)
    done.stderr = ANSI_ESCAPE.sub("", done.stderr)
    return done
