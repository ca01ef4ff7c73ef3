"""Claims on shipment reports: a shop hears of one shipment at most once, however many
workers hold its event at the same moment (a retry, the redelivery sweep, a re-send).

A worker claims the report in a short transaction (the channel order's row locked, the
report checked and claimed, committed), calls the shop with no transaction open, then
records the report, or gives its claim back when the shop failed, so that a retry may take
it. A claim older than its expiry (longer than the reporting actor may run) was left by a
worker that died: the next worker takes it over.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.channels.adapter import TransientChannelError
from domain.channels.models import ChannelOrder
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork

CLAIM_EXPIRES = timedelta(minutes=3)
"""How long a claim stops other workers; longer than the reporting actor may run."""


class ReportInFlight(TransientChannelError):
    """Another worker is telling the shop of this shipment now: try again once its claim
    has expired (`retry_after`), by when it has either recorded the report or died."""


@dataclass(frozen=True)
class ReportClaim:
    """One worker's claim on telling the shop of one shipment."""

    channel_order_id: uuid.UUID
    connection_id: uuid.UUID
    fulfillment_order_id: str
    claimed_at: str
    """As stored (ISO, UTC): a claim is given back only by the worker whose stamp it holds."""


def claim_report(
    uow: TenantUnitOfWork,
    order_id: uuid.UUID,
    fulfillment_order_id: str,
    now: datetime,
    expires: timedelta = CLAIM_EXPIRES,
) -> tuple[ChannelOrder, ReportClaim] | None:
    """Claim telling the shop that the order's fulfillment order shipped: the channel order
    (locked) and the claim, written but not committed; None when no shop sent the order or
    the shop has been told. Raises ReportInFlight while another worker's claim holds."""
    row = uow.scalar(
        uow.select(ChannelOrder)
        .where(ChannelOrder.order_id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if row is None or fulfillment_order_id in (row.reported or []):
        return None
    claims = dict(row.report_claims or {})
    held = claims.get(fulfillment_order_id)
    if held is not None:
        until = datetime.fromisoformat(held) + expires
        if until > now:
            raise ReportInFlight(
                "another worker is reporting this shipment to the shop",
                retry_after=(until - now).total_seconds(),
            )
    stamp = now.isoformat()
    row.report_claims = {**claims, fulfillment_order_id: stamp}  # a new dict: JSON is not tracked
    uow.flush()
    return row, ReportClaim(row.id, row.connection_id, fulfillment_order_id, stamp)


def report_made(uow: TenantUnitOfWork, claim: ReportClaim) -> ChannelOrder | None:
    """Record that the shop was told (the claim goes): the channel order, locked, when this
    records it; None when it was recorded already (a worker that took over a stale claim)."""
    row = _locked(uow, claim)
    if row is None:
        return None
    _drop(row, claim, only_own=False)
    if claim.fulfillment_order_id in (row.reported or []):
        uow.flush()
        return None
    row.reported = [*(row.reported or []), claim.fulfillment_order_id]
    row.updated_at = utcnow()
    uow.flush()
    return row


def give_back(uow: TenantUnitOfWork, claim: ReportClaim) -> bool:
    """Release a claim after the shop failed, so that a retry may take it at once; whether it
    was still this worker's (a claim taken over since is left to its new worker)."""
    row = _locked(uow, claim)
    if row is None:
        return False
    released = _drop(row, claim, only_own=True)
    uow.flush()
    return released


def _locked(uow: TenantUnitOfWork, claim: ReportClaim) -> ChannelOrder | None:
    return uow.get(ChannelOrder, claim.channel_order_id, lock=True)


def _drop(row: ChannelOrder, claim: ReportClaim, *, only_own: bool) -> bool:
    claims = dict(row.report_claims or {})
    held = claims.get(claim.fulfillment_order_id)
    if held is None or (only_own and held != claim.claimed_at):
        return False
    del claims[claim.fulfillment_order_id]
    row.report_claims = claims
    return True
