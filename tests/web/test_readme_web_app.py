"""The README's web app section stays true: its demo people are the demo's, and each of its
screenshots exists and is made by a browser test."""

from __future__ import annotations

import re
from pathlib import Path

from crossdock.demo import DEMO_USERS

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    readme = (ROOT / "README.md").read_text()
    return readme.split("## The web app\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_signs_in_with_the_demo_people():
    listed = re.findall(r"^\| [^|]+ \| `([^`]+)` \| `([^`]+)` \|", _section(), flags=re.M)

    assert listed == [(email, password) for _, email, _, _, _, password in DEMO_USERS]


def test_every_screenshot_shown_is_made_by_a_browser_test():
    shown = re.findall(r"\]\(docs/screenshots/([\w-]+)\.png\)", (ROOT / "README.md").read_text())
    made = set()
    for test in (ROOT / "tests" / "web").glob("test_browser_*.py"):
        made |= set(re.findall(r'screenshot\(\w+, "([\w-]+)"\)', test.read_text()))

    assert shown
    assert set(shown) <= made, set(shown) - made
    for name in shown:
        assert (ROOT / "docs" / "screenshots" / f"{name}.png").is_file(), name
