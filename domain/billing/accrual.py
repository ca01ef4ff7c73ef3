"""Charges from outbox events: receipts, shipped orders and shipments, priced when they happened."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from domain.billing.charges import PricedAct, charge_rows, insert_charges
from domain.billing.models import ChargeType, RateCard, SourceType
from domain.billing.money import exact
from domain.billing.rate_cards import card_versions
from domain.outbox.events import Topic
from domain.outbox.models import OutboxEvent
from tenants.unit_of_work import TenantUnitOfWork

log = logging.getLogger("crossdock.billing")

BILLED_TOPICS = (
    Topic.INBOUND_RECEIVED,
    Topic.ORDER_SHIPPED,
    Topic.SHIPMENT_CREATED,
    Topic.FULFILLMENT_SHIPPED,
)
HUNDRED = Decimal(100)

Pricer = Callable[[OutboxEvent, RateCard, uuid.UUID], list[PricedAct]]


def accrue_event(uow: TenantUnitOfWork, event_id: uuid.UUID) -> int:
    """Bill one outbox event at the rate card in force when it happened; how many charges are new.

    Safe to repeat: each charge is unique on its source, so a replay adds nothing.
    """
    return accrue_events(uow, [event_id])


def accrue_events(uow: TenantUnitOfWork, event_ids: list[uuid.UUID]) -> int:
    """`accrue_event` for many events: how many charges are new.

    The events, their clients' rate card versions and open months are read once, and the
    charges inserted in one statement, so a batch costs what one event does.
    """
    if not event_ids:
        return 0
    events = uow.scalars(
        uow.select(OutboxEvent)
        .where(OutboxEvent.id.in_(set(event_ids)), OutboxEvent.topic.in_(list(_PRICERS)))
        .order_by(OutboxEvent.id)
    ).all()
    if not events:
        return 0
    clients = {
        event.id: uuid.UUID(str(event.payload.get("client_id") or event.client_id))
        for event in events
    }
    cards = card_versions(uow, clients.values(), max(event.created_at for event in events))
    rows: list[dict] = []
    for event in events:
        client_id = clients[event.id]
        card = cards.in_force(client_id, event.created_at)
        if card is None:
            # a missing card loses revenue silently unless someone sees this: hence a warning
            log.warning(
                "%s (event %s) of client %s of provider %s is not billed: no rate card is in"
                " force at %s. Create one for the client or the provider's default"
                " (createRateCard); charges start from its effectiveFrom.",
                event.topic,
                event.id,
                client_id,
                uow.scope.provider_id,
                event.created_at,
            )
            continue
        acts = [act for act in _PRICERS[event.topic](event, card, client_id) if act.quantity]
        rows += charge_rows(uow.scope, card, acts)
    return insert_charges(uow, rows)


def _act(
    event: OutboxEvent,
    client_id: uuid.UUID,
    charge_type: ChargeType,
    source: tuple[SourceType, Any],
    quantity: Decimal | int,
    unit_price: Decimal | None,
    description: str,
    warehouse_id: uuid.UUID | None = None,
) -> list[PricedAct]:
    if unit_price is None:
        return []
    return [
        PricedAct(
            client_id=client_id,
            charge_type=charge_type,
            source_type=source[0],
            source_id=str(source[1]),
            occurred_at=event.created_at,
            quantity=Decimal(quantity),
            unit_price=unit_price,
            description=description,
            event_id=event.id,
            warehouse_id=warehouse_id,
        )
    ]


def _receipt(event: OutboxEvent, card: RateCard, client_id: uuid.UUID) -> list[PricedAct]:
    payload = event.payload
    units = int(payload["units"])
    receipt = (SourceType.RECEIPT, payload["receipt_id"])
    asn = (SourceType.INBOUND_SHIPMENT, payload["inbound_shipment_id"])
    warehouse = uuid.UUID(str(payload["warehouse_id"]))
    return [
        *_act(
            event,
            client_id,
            ChargeType.RECEIVING_UNIT,
            receipt,
            units,
            card.receiving_per_unit,
            f"Received {units} units",
            warehouse,
        ),
        *_act(
            event,
            client_id,
            ChargeType.RECEIVING_RECEIPT,
            receipt,
            1,
            card.receiving_per_receipt,
            "Receipt handling",
            warehouse,
        ),
        *_act(
            event,
            client_id,
            ChargeType.RECEIVING_ASN,
            asn,
            1,
            card.receiving_per_asn,
            "Inbound shipment (ASN) handling",
            warehouse,
        ),
    ]


def _shipped_order(event: OutboxEvent, card: RateCard, client_id: uuid.UUID) -> list[PricedAct]:
    payload = event.payload
    # Only what the provider's warehouses picked: a supplier's or the client's own units are
    # not the 3PL's work (events from before `picked_units` existed count every unit).
    units = int(payload.get("picked_units", payload["units"]))
    if units == 0:
        return []
    order = (SourceType.ORDER, payload["order_id"])
    return [
        *_act(
            event,
            client_id,
            ChargeType.PICK_ORDER,
            order,
            1,
            card.pick_per_order,
            "Pick and pack, per order",
        ),
        *_act(
            event,
            client_id,
            ChargeType.PICK_ADDITIONAL_UNIT,
            order,
            max(units - 1, 0),
            card.pick_per_additional_unit,
            "Pick and pack, per additional unit",
        ),
        *_act(
            event,
            client_id,
            ChargeType.PACKAGING,
            order,
            1,
            card.packaging_per_order,
            "Packaging materials",
        ),
    ]


def _shipment(event: OutboxEvent, card: RateCard, client_id: uuid.UUID) -> list[PricedAct]:
    payload = event.payload
    if payload.get("currency", card.currency) != card.currency:
        log.error(
            "shipment %s costs %s, rate card bills %s; not billed",
            payload["shipment_id"],
            payload.get("currency"),
            card.currency,
        )
        return []
    if card.shipping_markup_percent is None and card.shipping_flat_fee is None:
        return []
    cost = exact(str(payload["cost"]), "cost")
    markup = card.shipping_markup_percent or Decimal(0)
    price = cost * (HUNDRED + markup) / HUNDRED + (card.shipping_flat_fee or Decimal(0))
    label = f"{payload.get('carrier', '')} {payload.get('service', '')}".strip()
    return _act(
        event,
        client_id,
        ChargeType.SHIPPING,
        (SourceType.SHIPMENT, payload["shipment_id"]),
        1,
        price,
        f"Shipping {label}: cost {cost} + {markup}% + fee",
    )


def _drop_shipped(event: OutboxEvent, card: RateCard, client_id: uuid.UUID) -> list[PricedAct]:
    payload = event.payload
    if not payload.get("supplier_id"):
        return []  # a warehouse's shipment is billed with its order
    units = int(payload["units"])
    source = (SourceType.FULFILLMENT_ORDER, payload["fulfillment_order_id"])
    return [
        *_act(
            event,
            client_id,
            ChargeType.DROP_SHIP_ORDER,
            source,
            1,
            card.drop_ship_per_order,
            "Drop-ship handling, per fulfillment order",
        ),
        *_act(
            event,
            client_id,
            ChargeType.DROP_SHIP_UNIT,
            source,
            units,
            card.drop_ship_per_unit,
            f"Drop-ship handling, {units} units",
        ),
    ]


_PRICERS: dict[str, Pricer] = {
    Topic.INBOUND_RECEIVED.value: _receipt,
    Topic.FULFILLMENT_SHIPPED.value: _drop_shipped,
    Topic.ORDER_SHIPPED.value: _shipped_order,
    Topic.SHIPMENT_CREATED.value: _shipment,
}
