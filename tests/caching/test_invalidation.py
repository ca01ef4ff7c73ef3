"""Invalidations apply here at once, travel through the transport, and empty caches when lost."""

from __future__ import annotations

from caching.invalidation import Invalidations


class RecordingTransport:
    """A transport that keeps what was sent, and delivers what the test queues on catch-up."""

    def __init__(self, bus: Invalidations) -> None:
        self.bus, self.sent, self.inbox, self.closed = bus, [], [], False

    def send(self, topic: str, message: str) -> None:
        self.sent.append((topic, message))

    def catch_up(self) -> None:
        while self.inbox:
            self.bus.deliver(*self.inbox.pop(0))

    def close(self) -> None:
        self.closed = True


def test_a_publication_applies_here_and_goes_to_the_other_processes():
    # given
    bus, heard = Invalidations(), []
    bus.subscribe("keys", heard.append, lambda: heard.append("ALL"))
    bus.subscribe("other", lambda m: heard.append(f"other {m}"), lambda: None)
    transport = RecordingTransport(bus)
    bus.install(transport)
    # when
    bus.publish("keys", "k1")
    # then
    assert heard == ["k1"]
    assert transport.sent == [("keys", "k1")]


def test_with_no_transport_a_publication_applies_here_only():
    bus, heard = Invalidations(), []
    bus.subscribe("keys", heard.append, lambda: None)
    bus.publish("keys", "k1")
    bus.catch_up()
    assert heard == ["k1"]


def test_catch_up_delivers_what_other_processes_published():
    # given
    bus, heard = Invalidations(), []
    bus.subscribe("keys", heard.append, lambda: None)
    transport = RecordingTransport(bus)
    bus.install(transport)
    transport.inbox.append(("keys", "k2"))
    # when
    bus.catch_up()
    # then
    assert heard == ["k2"]
    assert transport.sent == []


def test_lost_news_empties_every_subscribed_cache():
    bus, emptied = Invalidations(), []
    bus.subscribe("keys", lambda _: None, lambda: emptied.append("keys"))
    bus.subscribe("routing", lambda _: None, lambda: emptied.append("routing"))
    bus.lost()
    assert emptied == ["keys", "routing"]


def test_a_replaced_transport_is_closed_and_an_uninstalled_one_no_longer_used():
    # given
    bus = Invalidations()
    first, second = RecordingTransport(bus), RecordingTransport(bus)
    bus.install(first)
    # when
    bus.install(second)
    bus.uninstall(second)
    bus.publish("keys", "k1")
    # then
    assert first.closed
    assert second.closed
    assert bus.transport is None
    assert first.sent == second.sent == []
