"""Draft invoices of many clients at once, from one aggregate of their month.

A billing run drafts its clients in batches, one transaction each: the batch's invoices
locked in one statement, its rate cards read in one, new drafts inserted in one, the
drafts' totals updated in one, lines of a type no longer billed
deleted in one and every line upserted in one. An issued (paid, void) invoice is left
as it is; the unique (client, period) of invoices keeps a client to one invoice a month,
so a rerun refreshes what an earlier run drafted and creates nothing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import insert

from domain.billing.invoice_models import Invoice, InvoiceStatus
from domain.billing.invoice_totals import Sums, Totals, totals_of, write_lines
from domain.billing.periods import Period
from domain.billing.rate_cards import cards_in_force
from persistence.base import new_id
from persistence.row_sets import row_set
from tenants.models import Client
from tenants.unit_of_work import TenantUnitOfWork


def draft_invoices(
    uow: TenantUnitOfWork,
    client_ids: Iterable[uuid.UUID],
    period: Period,
    sums: dict[uuid.UUID, Sums],
) -> list[uuid.UUID]:
    """Create or refresh the `period` drafts of `client_ids` from a run's `month_sums`; the
    ids of their invoices (issued ones untouched), in client order.

    A draft may trail charges that arrived after `sums` were read: the next run, and
    issuing, sum again. A client with neither a rate card nor charges gets no invoice.
    """
    clients = sorted(set(client_ids))
    if not clients:
        return []
    found = {
        row.client_id: row
        for row in uow.execute(
            uow.select(Invoice, Invoice.client_id, Invoice.id, Invoice.status, Invoice.currency)
            .where(Invoice.client_id.in_(clients), Invoice.period_start == period.start)
            .order_by(Invoice.client_id)
            .with_for_update()
        )
    }
    drafting = [c for c in clients if c not in found or found[c].status is InvoiceStatus.DRAFT]
    cards = cards_in_force(uow, drafting, period.closes_at - timedelta(microseconds=1))
    refreshed: list[tuple[uuid.UUID, uuid.UUID, Totals]] = []
    created: list[tuple[uuid.UUID, uuid.UUID, Totals, str]] = []
    for client_id in drafting:
        month, card, invoice = sums.get(client_id, []), cards.get(client_id), found.get(client_id)
        if invoice is not None:
            refreshed.append((invoice.id, client_id, totals_of(month, card, invoice.currency)))
            continue
        currency = card.currency if card is not None else (month[0][4] if month else None)
        if currency is not None:
            created.append((new_id(), client_id, totals_of(month, card, currency), currency))
    _insert_drafts(uow, period, created)
    _refresh_drafts(uow, refreshed)
    write_lines(
        uow,
        [*refreshed, *((i, c, t) for i, c, t, _ in created)],
        replacing=[invoice_id for invoice_id, _, _ in refreshed],
    )
    made = {client_id: invoice_id for invoice_id, client_id, _, _ in created}
    return [found[c].id if c in found else made[c] for c in clients if c in found or c in made]


def _insert_drafts(
    uow: TenantUnitOfWork, period: Period, created: list[tuple[uuid.UUID, uuid.UUID, Totals, str]]
) -> None:
    if not created:
        return
    codes = dict(
        uow.execute(
            uow.select(Client, Client.id, Client.code).where(
                Client.id.in_([client_id for _, client_id, _, _ in created])
            )
        ).all()
    )
    uow.execute(
        insert(Invoice),
        [
            {
                "provider_id": uow.scope.provider_id,
                "id": invoice_id,
                "client_id": client_id,
                "number": f"{codes[client_id]}-{period.name}",
                "period_start": period.start,
                "period_end": period.end,
                "currency": currency,
                "status": InvoiceStatus.DRAFT,
                **totals.columns(),
            }
            for invoice_id, client_id, totals, currency in created
        ],
    )


def _refresh_drafts(
    uow: TenantUnitOfWork, refreshed: list[tuple[uuid.UUID, uuid.UUID, Totals]]
) -> None:
    """Set the drafts' totals in one UPDATE ... FROM a row set."""
    if not refreshed:
        return
    rows = [{"id": invoice_id, **totals.columns()} for invoice_id, _, totals in refreshed]
    names = [name for name in rows[0] if name != "updated_at"]
    given = row_set(
        uow.session,
        Invoice.__table__,
        "given",
        names,
        [[row[name] for name in names] for row in rows],
    )
    uow.execute(
        uow.update(Invoice)
        .where(Invoice.id == given.c.id)
        .values({name: given.c[name] for name in names[1:]} | {"updated_at": rows[0]["updated_at"]})
    )
