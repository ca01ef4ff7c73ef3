"""The `explainRouting` dry run: the decision creation would make now, writing nothing."""

from __future__ import annotations

from domain.orders.commands import CreateOrder
from domain.orders.validation import clean_order, products_of
from domain.routing.decision import Decision
from domain.routing.preparation import prepare_routing
from domain.routing.route import route
from tenants.unit_of_work import TenantUnitOfWork


def explain_routing(uow: TenantUnitOfWork, command: CreateOrder) -> Decision:
    """Validate the draft as creation would, then decide with current stock; nothing is locked
    or written."""
    command = clean_order(uow, command)
    assert command.client_id is not None
    products = products_of(uow, command.client_id, command.lines)
    prepared = prepare_routing(uow, command.client_id, products, lock=False)
    return route(prepared.facts(command, products), prepared.rule_set, prepared.network)
