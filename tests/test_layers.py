"""Dependencies point inward: each layer imports only what lies beneath it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "domain": {
        "api", "workers", "crossdock", "services", "adapters",
        "strawberry", "starlette", "dramatiq", "httpx", "fpdf", "prometheus_client",
    },
    "tenants": {"domain", "api", "workers", "crossdock", "services", "adapters"},
    "persistence": {"tenants", "domain", "api", "workers", "services", "adapters"},
    "services": {
        "api", "workers", "crossdock", "adapters",
        "strawberry", "starlette", "dramatiq", "httpx", "fpdf",
    },
    "adapters": {"api", "workers", "services", "crossdock", "strawberry", "starlette", "dramatiq"},
    "api": {"persistence", "workers", "adapters"},
    "workers": {"api", "crossdock", "adapters", "strawberry", "starlette"},
    "caching": {
        "api", "workers", "crossdock", "services", "adapters", "domain", "tenants",
        "persistence", "strawberry", "starlette", "dramatiq", "sqlalchemy", "redis",
    },
    "telemetry": {
        "api", "workers", "crossdock", "services", "adapters", "domain", "tenants",
        "persistence", "strawberry", "starlette", "dramatiq", "sqlalchemy",
    },
}  # fmt: skip
"""What each layer may not import: domain does no I/O itself (adapters do, behind the
interfaces it defines, installed by the composition root), and the API reaches the
database only through units of work."""


def imported_packages(path: Path) -> set[str]:
    """The top-level package of every absolute import in a file, wherever in it the import is.

    Relative imports are left out: they cannot leave the layer's own top-level package.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_nothing_above_it(layer):
    # given
    files = sorted((ROOT / layer).rglob("*.py"))
    # when
    breaches = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[layer])
        for path in files
    }
    # then
    assert files
    assert {path: bad for path, bad in breaches.items() if bad} == {}


def test_the_checker_sees_nested_and_dotted_imports(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "import strawberry.relay, json\n"
        "from api.context import Context\n"
        "from . import sibling\n"
        "def late():\n"
        "    import dramatiq\n"
    )
    assert imported_packages(source) == {"strawberry", "json", "api", "dramatiq"}


def test_inventory_does_not_reach_into_orders():
    # given: serving backorders when stock is freed is a service (services.stock), so the
    # inventory area needs nothing of the orders area that depends on it
    files = sorted((ROOT / "domain" / "inventory").rglob("*.py"))
    # when
    reaching = {
        str(path.relative_to(ROOT))
        for path in files
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("domain.orders")
    }
    # then
    assert files
    assert reaching == set()
