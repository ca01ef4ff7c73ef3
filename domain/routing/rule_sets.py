"""A client's routing rules: the version in force, and saving a new one."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func

from domain.clients import owning_client
from domain.errors import DomainError, DomainErrorCode
from domain.routing.models import RoutingRuleSet
from domain.routing.rules import Rule, RuleSet, rules_from_json, rules_to_json
from domain.routing.validation import clean_rules
from persistence.base import new_id
from tenants.models import Client
from tenants.unit_of_work import TenantUnitOfWork


def rule_set_row(
    uow: TenantUnitOfWork, client_id: uuid.UUID, version: int | None = None
) -> RoutingRuleSet | None:
    """The stored version (the latest unless `version` is given), or None."""
    stmt = uow.select(RoutingRuleSet).where(RoutingRuleSet.client_id == client_id)
    if version is not None:
        stmt = stmt.where(RoutingRuleSet.version == version)
    return uow.scalar(stmt.order_by(RoutingRuleSet.version.desc()).limit(1))


def active_rule_set(uow: TenantUnitOfWork, client_id: uuid.UUID) -> RuleSet:
    """The client's rules in force (version 0 and no rules when none were ever saved)."""
    return as_rule_set(rule_set_row(uow, client_id))


def active_rule_sets(
    uow: TenantUnitOfWork, client_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, RuleSet]:
    """The rules in force for several clients, in one query."""
    clients = sorted(set(client_ids))
    if not clients:
        return {}
    latest = (
        uow.select(
            RoutingRuleSet,
            RoutingRuleSet.client_id,
            func.max(RoutingRuleSet.version).label("latest"),
        )
        .where(RoutingRuleSet.client_id.in_(clients))
        .group_by(RoutingRuleSet.client_id)
        .subquery()
    )
    rows = uow.scalars(
        uow.select(RoutingRuleSet).join(
            latest,
            (RoutingRuleSet.client_id == latest.c.client_id)
            & (RoutingRuleSet.version == latest.c.latest),
        )
    )
    found = {row.client_id: as_rule_set(row) for row in rows}
    return {client: found.get(client, RuleSet()) for client in clients}


def as_rule_set(row: RoutingRuleSet | None) -> RuleSet:
    """The domain value of a stored version."""
    if row is None:
        return RuleSet()
    return RuleSet(version=row.version, rules=rules_from_json(row.rules))


def save_rules(
    uow: TenantUnitOfWork, client_id: uuid.UUID | None, rules: tuple[Rule, ...]
) -> RoutingRuleSet:
    """Check the rules and store them whole as the client's next version (provider only)."""
    if not uow.scope.is_provider:
        raise DomainError(
            DomainErrorCode.FORBIDDEN, "Only the provider sets routing rules.", "clientId"
        )
    client_id = owning_client(uow, client_id)
    # Saves for one client queue on its row, so versions never collide.
    uow.get(Client, client_id, lock=True)
    cleaned = clean_rules(uow, client_id, rules)
    current = rule_set_row(uow, client_id)
    row = RoutingRuleSet(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        client_id=client_id,
        version=(current.version if current else 0) + 1,
        rules=rules_to_json(cleaned),
        created_by=uow.scope.actor,
    )
    uow.add(row)
    uow.flush()
    return row
