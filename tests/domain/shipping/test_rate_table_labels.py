"""Labels of the rate-table carrier: real ZPL and PDF files, idempotent by key, and tracking."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.shipping.carriers.base import LabelFormat, PermanentCarrierError, TrackingStatus
from domain.shipping.carriers.rate_table import RateTableCarrier
from domain.shipping.carriers.rate_table_tracking import is_tracking_number, tracking_number
from tests.domain.shipping.conftest import CUSTOMER, SMALL_BOX, WAREHOUSE

BOUGHT_AT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def buy(carrier, key="order-1:label", service="ground", label_format=LabelFormat.ZPL, to=CUSTOMER):
    rate = next(r for r in carrier.rates(SMALL_BOX, WAREHOUSE, to) if r.service == service)
    return carrier.buy_label(rate, SMALL_BOX, WAREHOUSE, to, key, label_format)


def assert_valid_pdf(content: bytes) -> None:
    """Header, trailer, and every xref offset pointing at its object."""
    assert content.startswith(b"%PDF-1.4\n")
    assert content.endswith(b"%%EOF\n")
    xref_at = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", content).group(1))
    assert content[xref_at:].startswith(b"xref\n0 ")
    header, *entries = content[xref_at:].split(b"trailer")[0].splitlines()[1:]
    first, count = map(int, header.split())
    assert (first, count) == (0, len(entries))
    assert entries[0] == b"0000000000 65535 f "
    for number, entry in enumerate(entries[1:], start=1):
        offset = int(entry[:10])
        assert len(entry) == 19
        assert entry.endswith(b" 00000 n ")
        assert content[offset:].startswith(b"%d 0 obj\n" % number)
    assert b"/Size %d /Root 1 0 R" % count in content
    stream = re.search(rb"<< /Length (\d+) >>\nstream\n", content)
    length = int(stream.group(1))
    assert content[stream.end() + length :].startswith(b"\nendstream")


def test_zpl_label_holds_addresses_service_and_a_barcode_of_the_tracking_number():
    # when
    label = buy(RateTableCarrier())
    # then
    zpl = label.content.decode()
    assert label.label_format is LabelFormat.ZPL
    assert zpl.startswith("^XA")
    assert zpl.rstrip().endswith("^XZ")
    assert zpl.count("^XA") == zpl.count("^XZ") == 1
    assert f"^BCN,200,Y,N,N^FD{label.tracking_number}^FS" in zpl
    for text in ("Ada Lovelace", "12 Analytical Way", "Austin TX 78745", "Northwind", "GROUND"):
        assert text in zpl
    assert all(line.startswith("^") for line in zpl.splitlines())


def test_zpl_escapes_control_characters_in_field_data():
    label = buy(RateTableCarrier(), to=replace(CUSTOMER, name="A^B~C_D"))
    assert "^FDA_5EB_7EC_5FD^FS" in label.content.decode()


def test_pdf_label_is_a_valid_pdf_with_the_tracking_number():
    # when
    label = buy(
        RateTableCarrier(), label_format=LabelFormat.PDF, to=replace(CUSTOMER, name="O'Brien (Jr.)")
    )
    # then
    assert label.label_format is LabelFormat.PDF
    assert_valid_pdf(label.content)
    assert f"({label.tracking_number}) Tj".encode() in label.content
    assert rb"(O'Brien \(Jr.\)) Tj" in label.content


def test_tracking_number_is_derived_from_the_key_with_a_check_digit():
    number = tracking_number("ratetable", "order-1:label")
    assert re.fullmatch(r"CD\d{17}", number)
    assert is_tracking_number(number)
    tampered = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not is_tracking_number(tampered)
    assert tracking_number("ratetable", "order-2:label") != number


def test_same_key_same_label_and_another_key_another():
    # given
    carrier = RateTableCarrier()
    # when
    first, again = buy(carrier), buy(carrier)
    other = buy(carrier, key="order-2:label")
    # then
    assert again == first
    assert other.tracking_number != first.tracking_number


def test_same_key_gives_the_same_label_file_in_another_process():
    # given: two carriers, as two worker processes would have, at different times
    first = buy(RateTableCarrier(clock=Clock(BOUGHT_AT)))
    # when
    later = buy(RateTableCarrier(clock=Clock(BOUGHT_AT + timedelta(minutes=5))))
    # then
    assert (later.tracking_number, later.content, later.cost) == (
        first.tracking_number,
        first.content,
        first.cost,
    )


def test_key_reused_for_another_request_is_refused():
    carrier = RateTableCarrier()
    buy(carrier)
    with pytest.raises(PermanentCarrierError, match="Idempotency key"):
        buy(carrier, service="express")


def test_label_of_another_carriers_rate_is_refused():
    carrier = RateTableCarrier()
    rate = replace(carrier.rates(SMALL_BOX, WAREHOUSE, CUSTOMER)[0], carrier="ups")
    with pytest.raises(PermanentCarrierError, match="ups"):
        carrier.buy_label(rate, SMALL_BOX, WAREHOUSE, CUSTOMER, "k")


def test_tracking_follows_the_clock_from_purchase_to_delivery():
    # given: ground to zone 8 takes 5 days
    clock = Clock(BOUGHT_AT)
    label = buy(RateTableCarrier(clock=clock), to=replace(CUSTOMER, postal_code="10001"))
    # a fresh carrier, as in another process: only the reference is known
    carrier = RateTableCarrier(clock=clock)

    def statuses(after: timedelta) -> list[TrackingStatus]:
        clock.now = BOUGHT_AT + after
        return [u.status for u in carrier.track(label.tracking_number, label.carrier_reference)]

    # then
    assert statuses(timedelta(0)) == [TrackingStatus.PRE_TRANSIT]
    assert statuses(timedelta(hours=7))[-1] is TrackingStatus.IN_TRANSIT
    assert statuses(timedelta(days=3)).count(TrackingStatus.IN_TRANSIT) == 4
    assert statuses(timedelta(days=5, hours=-4))[-1] is TrackingStatus.OUT_FOR_DELIVERY
    delivered = statuses(timedelta(days=6))
    assert delivered[-1] is TrackingStatus.DELIVERED
    assert len(delivered) == 2 + 4 + 2
    updates = carrier.track(label.tracking_number, label.carrier_reference)
    assert [u.occurred_at for u in updates] == sorted(u.occurred_at for u in updates)
    assert updates[-1].occurred_at == BOUGHT_AT + timedelta(days=5)
    assert updates[-1].occurred_at.tzinfo is UTC
    assert (updates[0].location, updates[-1].location) == ("Austin, US", "Austin, US")


def test_tracking_without_reference_works_only_where_the_label_was_bought():
    carrier = RateTableCarrier()
    label = buy(carrier)
    assert carrier.track(label.tracking_number)[0].raw_status == "LABEL_CREATED"
    with pytest.raises(PermanentCarrierError, match="reference"):
        RateTableCarrier().track(label.tracking_number)
    with pytest.raises(PermanentCarrierError, match="not a tracking number"):
        carrier.track("CD123")
