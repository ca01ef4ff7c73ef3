"""The web app's own checks, inside `./dev test`: component tests, types against the SDL, and
the size of what a first visit downloads."""

from __future__ import annotations

import os
import re

import pytest

from crossdock import web_build
from crossdock.web_build import SCHEMA
from tests.web.node_tools import ensure_built, npm

pytestmark = pytest.mark.timeout(600)  # the first one may run npm ci


def test_component_tests_pass():
    # `npm test` generates the typed documents first: a fresh clone has no src/gql
    done = npm("run", "test")

    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"Tests\s+\d+ passed", done.stdout)


def test_pages_type_check_against_the_committed_schema():
    done = npm("run", "typecheck")

    assert done.returncode == 0, done.stdout + done.stderr


def test_a_schema_change_that_breaks_a_page_fails_the_type_check(tmp_path):
    # given the committed schema without Order.externalReference, which the pages read
    sdl = SCHEMA.read_text()
    broken, removed = re.subn(
        r'(type Order implements Node \{.*?)\n  """[^"]*"""\n  externalReference: String!',
        r"\1",
        sdl,
        count=1,
        flags=re.S,
    )
    assert removed == 1
    (tmp_path / "schema.graphql").write_text(broken)
    env = dict(
        os.environ,
        CROSSDOCK_SCHEMA=str(tmp_path / "schema.graphql"),
        CROSSDOCK_GQL_OUT=str(tmp_path / "gql") + "/",
    )
    # when
    done = npm("run", "codegen", env=env)
    # then
    assert done.returncode != 0
    assert "externalReference" in done.stdout + done.stderr


def test_a_first_visit_downloads_less_than_the_budget():
    # the size is deterministic for the sources, so the budget is a test, not a benchmark
    ensure_built()

    raw, gzipped = web_build.first_visit_bytes()

    assert raw > gzipped > 10_000  # index.html and at least its script were found
    assert gzipped <= web_build.BUNDLE_BUDGET_GZIP_BYTES, (
        f"a first visit downloads {gzipped / 1024:.0f} KB gzip, over the budget of "
        f"{web_build.BUNDLE_BUDGET_GZIP_BYTES // 1024} KB"
    )
