"""Dependencies point inward: each layer imports only what lies beneath it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "domain": {"api", "workers", "crossdock", "strawberry", "starlette", "dramatiq"},
    "tenants": {"domain", "api", "workers", "crossdock"},
    "persistence": {"tenants", "domain", "api", "workers"},
    "workers": {"api", "crossdock", "strawberry", "starlette"},
}


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
