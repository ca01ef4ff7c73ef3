"""A month of activity for two clients with different rate cards, and its hand computation."""

from __future__ import annotations

from decimal import Decimal

from domain.billing.charges import ManualCharge, add_manual_charge
from domain.billing.models import ChargeType
from tests.billing_factories import Books, utc

# Client A bills at the provider default; client B has its own card with 19 % tax.
DEFAULT_CARD = {
    "receiving_per_unit": "0.25",
    "receiving_per_asn": "10.00",
    "storage_per_unit_day": "0.01",
    "pick_per_order": "1.50",
    "pick_per_additional_unit": "0.30",
    "packaging_per_order": "0.45",
    "shipping_markup_percent": "10",
    "monthly_minimum": "150.00",
}
B_CARD = {
    "receiving_per_unit": "0.20",
    "receiving_per_receipt": "5.00",
    "storage_per_unit_day": "0.02",
    "pick_per_order": "2.00",
    "pick_per_additional_unit": "0.25",
    "shipping_flat_fee": "3.50",
    "tax_rate_percent": "19",
}

# Hand computation, March 2026 (warehouse in Europe/Berlin):
A_LINES = {
    ChargeType.RECEIVING_UNIT: Decimal("30.00"),  # (100 + 20) units x 0.25
    ChargeType.RECEIVING_ASN: Decimal("10.00"),  # one ASN, received twice, billed once
    ChargeType.STORAGE_UNIT_DAY: Decimal("34.40"),  # 14 days x 100 + 17 days x 120 = 3440 x 0.01
    ChargeType.PICK_ORDER: Decimal("3.00"),  # 2 orders x 1.50
    ChargeType.PICK_ADDITIONAL_UNIT: Decimal("0.60"),  # (3 - 1) + (1 - 1) units x 0.30
    ChargeType.PACKAGING: Decimal("0.90"),  # 2 orders x 0.45
    ChargeType.SHIPPING: Decimal(
        "21.78"
    ),  # 12.35 x 1.1 = 13.585 -> 13.58 (half-even) + 8.195 -> 8.20
}
A_SUBTOTAL = Decimal("100.68")
A_TOP_UP = Decimal("49.32")  # monthly minimum 150.00
A_TOTAL = Decimal("150.00")
B_LINES = {
    ChargeType.RECEIVING_UNIT: Decimal("8.00"),  # 40 x 0.20
    ChargeType.RECEIVING_RECEIPT: Decimal("5.00"),
    ChargeType.STORAGE_UNIT_DAY: Decimal("17.60"),  # 40 units x 22 days (10th to 31st) x 0.02
    ChargeType.PICK_ORDER: Decimal("6.00"),  # 3 orders x 2.00
    ChargeType.PICK_ADDITIONAL_UNIT: Decimal("1.25"),  # (4 + 1 + 0) x 0.25
    ChargeType.SHIPPING: Decimal("13.49"),  # 9.99 + 3.50 flat
    ChargeType.SPECIAL_HANDLING: Decimal("12.50"),  # manual: kitting
    ChargeType.CREDIT: Decimal("-4.00"),  # manual: damaged carton
}
B_SUBTOTAL = Decimal("59.84")
B_TAX = Decimal("11.37")  # 59.84 x 0.19 = 11.3696
B_TOTAL = Decimal("71.21")


def set_up_cards(books: Books) -> None:
    """The provider default and client B's own card, both in force before March."""
    books.rate_card(None, utc(2026, 1, 1), **DEFAULT_CARD)
    books.rate_card("B", utc(2026, 1, 1), **B_CARD)


def live_the_month(books: Books) -> None:
    """Stock, receipts, shipped orders, shipments and manual entries of March 2026."""
    books.stock("A", 100, utc(2026, 3, 1, 0, 30))
    books.receipt("A", utc(2026, 3, 1, 0, 30), 100, asn="asn-1", receipt="rcpt-1")
    books.stock("A", 20, utc(2026, 3, 15, 9))
    books.receipt("A", utc(2026, 3, 15, 9), 20, asn="asn-1", receipt="rcpt-2")
    books.shipped("A", utc(2026, 3, 5, 10), "order-1", units=3)
    books.shipment("A", utc(2026, 3, 5, 11), "ship-1", cost="12.35")
    books.shipped("A", utc(2026, 3, 20, 10), "order-2", units=1)
    books.shipment("A", utc(2026, 3, 20, 11), "ship-2", cost="7.45")
    books.stock("B", 40, utc(2026, 3, 10, 12))
    books.receipt("B", utc(2026, 3, 10, 12), 40, asn="asn-2", receipt="rcpt-3")
    books.shipped("B", utc(2026, 3, 12, 8), "order-3", units=5)
    books.shipped("B", utc(2026, 3, 25, 8), "order-4", units=2)
    books.shipped("B", utc(2026, 3, 31, 23, 30), "order-5", units=1)
    books.shipment("B", utc(2026, 3, 25, 9), "ship-3", cost="9.99")
    # April: belongs to the next invoice.
    books.shipped("A", utc(2026, 4, 1, 0, 30), "order-6", units=2)
    for entry in (
        ManualCharge(
            books.client_id("B"),
            Decimal("12.50"),
            "25 kits assembled",
            "Kitting",
            charge_type=ChargeType.SPECIAL_HANDLING,
            reference="kit-1",
            occurred_at=utc(2026, 3, 18),
        ),
        ManualCharge(
            books.client_id("B"),
            Decimal("4.00"),
            "damaged carton",
            "Credit",
            credit=True,
            reference="credit-1",
            occurred_at=utc(2026, 3, 19),
        ),
    ):
        with books.unit() as uow:
            add_manual_charge(uow, entry)
            uow.commit()
