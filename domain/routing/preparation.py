"""Everything routing a new order needs, read once: rules, network and stock.

Creation locks the stock it reads (the decision is then carried out as made); the
`explainRouting` dry run reads the same rows without locking and writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from domain.catalog.models import Product
from domain.orders.commands import CreateOrder
from domain.routing import configuration
from domain.routing.facts import Network, OrderFacts
from domain.routing.network import Levels, lock_levels, network_for, read_levels
from domain.routing.orders import line_facts, order_facts, uses_suppliers
from domain.routing.rules import RuleSet
from tenants.unit_of_work import TenantUnitOfWork


@dataclass(frozen=True)
class Prepared:
    """The client's rules, its network and the levels of the ordered products."""

    rule_set: RuleSet
    network: Network
    levels: Levels
    locked: bool

    def facts(self, command: CreateOrder, products: Sequence[Product]) -> OrderFacts:
        """The command's order as routing sees it (every unit needs a source)."""
        lines = [
            line_facts(number, product, request.quantity, request.quantity)
            for number, (request, product) in enumerate(
                zip(command.lines, products, strict=True), start=1
            )
        ]
        return order_facts(command.ship_to, command.service_level, command.tags, lines)


def prepare_routing(
    uow: TenantUnitOfWork,
    client_id: uuid.UUID,
    products: Sequence[Product],
    *,
    lock: bool,
    late: bool = False,
    levels: Levels | None = None,
    config: configuration.Configuration | None = None,
) -> Prepared:
    """Read (and with `lock`, lock) what routing a new order of these products needs.

    With `late` too, on PostgreSQL and with no supplier in the rules, the levels are read
    without a lock (`Prepared.locked` is False): the caller reserves them with one
    conditional statement at the end of its transaction (`ledger.reserve`), so orders for
    the same stock do not queue for the whole request.

    The rules and the live places may be a few seconds old (domain/routing/configuration.py);
    the levels are read (or locked) here, unless `levels` holds the ones read without a
    lock already (they are used only when the levels need no lock), and from `config` the
    client's configuration if the caller has it already.
    """
    rule_set, cached_places = config or configuration.CONFIGURATIONS.of(uow, client_id)
    places = list(cached_places)
    product_ids = [product.id for product in products]
    if lock and late and reads_late(uow, rule_set):
        lock = False
    if lock or levels is None:
        levels = (lock_levels if lock else read_levels)(uow, product_ids, places)
    network = network_for(
        uow,
        client_id,
        places,
        levels,
        product_ids,
        with_suppliers=uses_suppliers(rule_set),
        lock=lock,
    )
    return Prepared(rule_set, network, levels, locked=lock)


def reads_late(uow: TenantUnitOfWork, rule_set: RuleSet) -> bool:
    """Whether `late` routing reads the levels without a lock: on PostgreSQL (the one
    conditional UPDATE reserves them), for rules that name no supplier."""
    return not uses_suppliers(rule_set) and uow.session.get_bind().dialect.name == "postgresql"
