"""A trustworthy comparison of HTTP endpoints: interleaved rounds, medians, CPU per request.

Two (or more) servers answer the same work; each round drives every one of them in turn
(A, B, A, B, ...), so a neighbour's burst of load on a shared machine lands on both
rather than on whichever ran second. Each round records requests per second, p50 and
p99 latency, and the servers' own CPU time (user + system, read from /proc for the
server and every process it started), so CPU per request is measured beside throughput
and does not depend on what else the machine is doing. Tables report the median of
the rounds and each endpoint's ratio to the baseline.

The load driver speaks HTTP/1.1 over keep-alive sockets with a prepared request, so it
costs the machine far less than the servers it measures. Everything runs on loopback.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
START_TIMEOUT_S = 60.0


@dataclass
class Server:
    """A server process running on loopback; `cpu_seconds` covers it and its children."""

    name: str
    base_url: str
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server and every live descendant, in seconds."""
        return sum(_cpu_ticks(pid) for pid in _tree(self.process.pid)) / CLOCK_TICKS


@contextmanager
def serve(
    name: str,
    command: Sequence[str],
    port: int,
    env: dict[str, str],
    *,
    health: str = "/healthz",
    root: Path = ROOT,
) -> Iterator[Server]:
    """Run `command` (which must listen on `port`) from the checkout `root` (its code comes
    first on the path: an earlier revision's checkout runs that revision) until the block
    ends. Returns once `health` answers 200; the output is kept and shown if it fails."""
    environ = {**os.environ, **env}
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), environ.get("PYTHONPATH")]))
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(list(command), cwd=root, env=environ, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(name, process, base + health, log)
            yield Server(name, base, process)
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _wait_healthy(name: str, process: subprocess.Popen[bytes], url: str, log: IO[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            log.seek(0)
            raise RuntimeError(
                f"{name} did not start:\n{log.read().decode(errors='replace')[-3000:]}"
            )
        time.sleep(0.2)


def uvicorn_command(factory: str, port: int, workers: int = 1) -> list[str]:
    """`python -m uvicorn --factory FACTORY` on loopback, quiet, with `workers` processes."""
    return [
        sys.executable, "-m", "uvicorn", "--factory", factory,
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip


@dataclass(frozen=True)
class Endpoint:
    """What one contender answers: a POST of `body` to `path` on `server`."""

    server: Server
    path: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The server's name."""
        return self.server.name

    @property
    def url(self) -> str:
        """The full URL posted to."""
        return self.server.base_url + self.path


@dataclass(frozen=True)
class Round:
    """One endpoint's measurement in one round."""

    requests: int
    seconds: float
    cpu_seconds: float
    latencies: tuple[float, ...]

    @property
    def per_second(self) -> float:
        """Requests answered per wall-clock second."""
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        """Server CPU milliseconds per request."""
        return self.cpu_seconds * 1000 / self.requests

    def percentile_ms(self, fraction: float) -> float:
        """The latency below which `fraction` of the requests finished, in milliseconds."""
        ordered = self.latencies
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


@dataclass
class Comparison:
    """Rounds per endpoint, in the order run; the first endpoint named is the subject."""

    title: str
    concurrency: int
    rounds: dict[str, list[Round]]
    baseline: str

    def median(self, name: str, value: Callable[[Round], float]) -> float:
        """The median over the rounds of `value` for endpoint `name`."""
        return statistics.median(value(r) for r in self.rounds[name])

    def ratio(self, name: str, value: Callable[[Round], float]) -> float:
        """Median of per-round ratios of `name` to the baseline (rounds are paired in time)."""
        pairs = zip(self.rounds[name], self.rounds[self.baseline], strict=True)
        return statistics.median(value(ours) / value(theirs) for ours, theirs in pairs)


def compare(
    title: str,
    endpoints: Sequence[Endpoint],
    *,
    baseline: str,
    requests: int,
    concurrency: int,
    rounds: int = 3,
    warmup: int = 20,
) -> Comparison:
    """Drive every endpoint `rounds` times, interleaved, after `warmup` requests each."""
    for endpoint in endpoints:
        drive(endpoint, warmup, min(concurrency, warmup))
    results: dict[str, list[Round]] = {e.name: [] for e in endpoints}
    for number in range(rounds):
        # alternate who goes first, so neither always follows the other's after-effects
        ordered = endpoints if number % 2 == 0 else list(reversed(endpoints))
        for endpoint in ordered:
            results[endpoint.name].append(drive(endpoint, requests, concurrency))
    return Comparison(title, concurrency, results, baseline)


def drive(endpoint: Endpoint, requests: int, concurrency: int) -> Round:
    """POST the endpoint's body `requests` times over `concurrency` connections."""
    before = endpoint.server.cpu_seconds()
    started = time.perf_counter()
    latencies = asyncio.run(_drive(endpoint, requests, concurrency))
    seconds = time.perf_counter() - started
    cpu = endpoint.server.cpu_seconds() - before
    return Round(len(latencies), seconds, cpu, tuple(sorted(latencies)))


async def _drive(endpoint: Endpoint, requests: int, concurrency: int) -> list[float]:
    host, port = endpoint.server.base_url.removeprefix("http://").split(":")
    payload = json.dumps(endpoint.body).encode()
    head = [
        f"POST {endpoint.path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json",
        f"Content-Length: {len(payload)}",
        *(f"{k}: {v}" for k, v in endpoint.headers.items()),
    ]
    message = ("\r\n".join(head) + "\r\n\r\n").encode() + payload
    remaining = [requests]
    latencies: list[float] = []

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while remaining[0] > 0:
                remaining[0] -= 1
                started = time.perf_counter()
                writer.write(message)
                status, _ = await read_response(reader)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"{endpoint.name}: HTTP {status}")
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return latencies


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One HTTP/1.1 response with a Content-Length body: its status and body."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length is None:
        raise RuntimeError("the server answered without a Content-Length")
    return status, await reader.readexactly(length)


def same_json(endpoints: Sequence[Endpoint], *, ignore: Sequence[str] = ("extensions",)) -> Any:
    """Each endpoint's answer, parsed; raises unless all are equal (keys in `ignore` aside)."""
    answers = []
    for endpoint in endpoints:
        response = httpx.post(
            endpoint.url, json=endpoint.body, headers=endpoint.headers, timeout=60
        )
        response.raise_for_status()
        answer = response.json()
        for key in ignore:
            answer.pop(key, None)
        answers.append(answer)
    for endpoint, answer in zip(endpoints[1:], answers[1:], strict=True):
        if answer != answers[0]:
            raise RuntimeError(
                f"{endpoint.name} does not answer what {endpoints[0].name} does; fix the baseline"
            )
    return answers[0]


def comparison_table(comparison: Comparison) -> str:
    """Medians per endpoint (req/s, p50, p99, CPU ms per request) and ratios to the baseline."""
    header = [
        "endpoint", "req/s", "p50 ms", "p99 ms", "CPU ms/req",
        "req/s vs base", "CPU vs base", "p99 vs base", "req/s per round",
    ]  # fmt: skip
    rows = []
    for name, rounds in comparison.rounds.items():
        rows.append(
            [
                name,
                f"{comparison.median(name, lambda r: r.per_second):.0f}",
                f"{comparison.median(name, lambda r: r.percentile_ms(0.5)):.1f}",
                f"{comparison.median(name, lambda r: r.percentile_ms(0.99)):.1f}",
                f"{comparison.median(name, lambda r: r.cpu_ms):.1f}",
                f"{comparison.ratio(name, lambda r: r.per_second):.2f}",
                f"{comparison.ratio(name, lambda r: r.cpu_ms):.2f}",
                f"{comparison.ratio(name, lambda r: r.percentile_ms(0.99)):.2f}",
                " ".join(f"{r.per_second:.0f}" for r in rounds),
            ]
        )
    rounds = len(next(iter(comparison.rounds.values())))
    title = f"{comparison.title} (concurrency {comparison.concurrency}, median of {rounds} rounds)"
    return table(title, rows, header)


def table(title: str, rows: list[list[str]], header: list[str]) -> str:
    """A plain text table under its title."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    out = [title, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def _tree(root: int) -> list[int]:
    """`root` and its live descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None:
                children.setdefault(int(stat[1]), []).append(int(entry))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def _cpu_ticks(pid: int) -> int:
    stat = _stat(pid)
    return int(stat[11]) + int(stat[12]) if stat is not None else 0  # utime, stime


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (state first), or None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()
