"""What a scrape of ``/metrics`` answers: the recorded instruments plus what is read live."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from telemetry.metrics import instruments, multiprocess_dir

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Scrape:
    """The instruments of this process (or of every process sharing its directory) and
    `live` collectors that read their values at scrape time (outbox, queues)."""

    def __init__(self, live: Sequence[Collector] = ()):
        self.live = list(live)

    def collect(self) -> Iterator[Metric]:
        """Every family, recorded then live."""
        yield from self._recorded()
        for collector in self.live:
            yield from collector.collect()

    def _recorded(self) -> Iterable[Metric]:
        directory = multiprocess_dir()
        if directory is not None:
            return MultiProcessCollector(None, path=str(directory)).collect()
        return instruments().registry.collect()

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self)  # type: ignore[arg-type]
