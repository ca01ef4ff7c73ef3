"""Stored routing: a client's rule sets (one row per version) and each order's decisions."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, enum_column, new_id, utcnow
from tenants.models import client_fk


class RoutingRuleSet(Base):
    """One version of a client's routing rules; the highest version is in force."""

    __tablename__ = "routing_rule_sets"
    __table_args__ = (UniqueConstraint("provider_id", "client_id", "version"), client_fk())

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    version: Mapped[int]
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """`domain.routing.rules.rules_to_json` of the ordered rules."""
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DecisionKind(StrEnum):
    """What made a routing decision."""

    CREATION = "creation"
    """The order was created."""
    REROUTE = "reroute"
    """Stock changed (a receipt, a cancellation, a supplier's update or rejection)."""
    OVERRIDE = "override"
    """A person moved a fulfillment order to another source."""


class RoutingDecision(Base):
    """A decision routing (or a person) made for an order, with its explanation."""

    __tablename__ = "routing_decisions"
    __table_args__ = (
        ForeignKeyConstraint(["provider_id", "order_id"], ["orders.provider_id", "orders.id"]),
        client_fk(),
        Index("ix_routing_decisions_order", "provider_id", "order_id", "created_at"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    order_id: Mapped[uuid.UUID]
    kind: Mapped[DecisionKind] = mapped_column(enum_column(DecisionKind))
    rule_set_version: Mapped[int]
    rule_name: Mapped[str] = mapped_column(String(100))
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    """`domain.routing.decision.Decision.to_json`."""
    reason: Mapped[str | None] = mapped_column(String(500))
    """Why a person overrode the decision; null for automatic ones."""
    fulfillment_order_id: Mapped[uuid.UUID | None]
    """The fulfillment order an override moved."""
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
