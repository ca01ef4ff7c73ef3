"""The documentation keeps up with the code: every setting in both tables, the image as built."""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

from tests.serve_process import ENTRYPOINT, crossdock_env

ROOT = Path(__file__).resolve().parent.parent
VARIABLE = re.compile(r"\bCROSSDOCK_[A-Z0-9_]+\b")


def section(path: Path, heading: str) -> str:
    """The text under a `## heading`, up to the next heading of that level."""
    text = path.read_text()
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def table_variables(text: str) -> set[str]:
    """Variables named in the first column of a markdown table."""
    return {
        name
        for line in text.splitlines()
        if line.startswith("| `CROSSDOCK_")
        for name in VARIABLE.findall(line.split("|")[1])
    }


def read_variables() -> set[str]:
    """Every CROSSDOCK_* variable the settings and the image's entry point read."""
    settings = (ROOT / "crossdock" / "settings.py").read_text()
    entrypoint = (ROOT / "docker-entrypoint.sh").read_text()
    return set(VARIABLE.findall(settings)) | set(VARIABLE.findall(entrypoint))


def test_both_configuration_tables_list_every_variable_read():
    # given
    read = read_variables()
    # when
    readme = table_variables(section(ROOT / "README.md", "Configuration"))
    operations = table_variables(section(ROOT / "docs" / "operations.md", "Configuration"))
    # then
    assert sorted(read - readme) == []
    assert sorted(readme - read) == []
    assert sorted(read - operations) == []
    assert sorted(operations - read) == []


def test_the_docker_section_describes_the_build_the_dockerfile_does():
    # given
    dockerfile = (ROOT / "Dockerfile").read_text()
    docker = section(ROOT / "docs" / "operations.md", "Docker image")
    # then: the lock it installs, the user, the paths and the command line agree
    [lock] = re.findall(r"pip install --require-hashes -r (\S+)", dockerfile)
    assert f"`{lock}`" in docker
    for built in ("/opt/venv", "/app", "/var/lib/crossdock", "10001", "EXPOSE 8000"):
        assert built.removeprefix("EXPOSE ") in dockerfile
        assert built in docker
    assert 'CMD ["serve"]' in dockerfile
    assert "crossdock serve --host 0.0.0.0 --port 8000" in docker
    assert (
        "exec crossdock serve --host 0.0.0.0 --port 8000"
        in (ROOT / "docker-entrypoint.sh").read_text()
    )


def test_the_image_entrypoint_hands_every_cli_command_to_crossdock():
    # given
    from crossdock.cli import _parser
    from crossdock.settings import Settings

    parser = _parser(Settings.from_env({}))
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    entrypoint = (ROOT / "docker-entrypoint.sh").read_text()
    # when
    routed = re.search(r"^\s+migrate \|([^)]*)\)", entrypoint, re.MULTILINE)
    # then: `docker run crossdock worker` runs the CLI, not a program called `worker`
    assert routed is not None
    assert {"migrate", *(c.strip() for c in routed.group(1).split("|"))} == set(
        commands.choices
    ) - {"serve"}


def test_the_image_runs_a_cli_command_given_by_name(tmp_path):
    # when: `docker run crossdock worker`, without a broker
    done = subprocess.run(
        [*ENTRYPOINT, "worker"],
        cwd=tmp_path,
        env=crossdock_env(CROSSDOCK_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    # then: the CLI answered, not the shell
    assert done.returncode != 0
    assert "CROSSDOCK_BROKER_URL is not set" in done.stderr
