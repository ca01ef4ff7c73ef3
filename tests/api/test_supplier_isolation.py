"""A supplier's key, against every query, node and mutation the schema has (generated from
it): it reads its own work and nothing foreign, and changes nothing that is not its own.

The world: Northwind with client A's order drop-shipped by ACME (the caller), client B's
order shipped from a warehouse, BOLT's drop-shipped order, endpoints and a rate card; and
Southwind with its own supplier work. Every id the providers' keys can see is collected by
the same generated queries; the caller may see exactly its own.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    get_named_type,
)
from sqlalchemy import select
from starlette.testclient import TestClient

from crossdock.app import create_app
from crossdock.database import make_engine
from crossdock.models import metadata
from crossdock.settings import Settings
from domain.billing.rate_cards import NewRateCard, create_rate_card
from domain.suppliers.models import SupplierProduct, SupplierStockMovement
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork
from tests.api.hostile.schema_inputs import id_arguments, request_for
from tests.api.order_documents import CREATE
from tests.conftest import TEST_SECRET_KEY, GraphQLClient
from tests.factories import global_id, key_row
from tests.factories_orders import make_product, order_input, put_stock
from tests.factories_webhooks import make_endpoint
from tests.supplier_factories import DropShip, link, make_drop_ship, route_to_supplier

DEPTH = 3
IGNORED_TABLES = {"audit_events", "api_keys"}
"""Refusals are audited and every request stamps its key's last use: the rest must not move."""
MARKERS = ("WH-A", "BOLT", "Client A", "Client B", "B-SECRET", "7.7700", "Southwind")
"""Text of other suppliers, clients, warehouses and prices that must never reach the caller."""


def test_a_supplier_key_sees_only_its_own_work_everywhere(database, gql, schema):
    world = _world(database, gql)
    own = _own_ids(database, world)
    before = _digest(database)
    # queries: everything ACME reads is its own, and no foreign text leaks
    seen, texts = _sweep(gql, schema, world.acme_key)
    assert seen, "the generated queries found nothing at all"
    assert seen <= own, sorted(seen - own)
    for marker in MARKERS:
        assert marker not in texts, marker
    assert {_type(i) for i in seen} >= {"FulfillmentOrder", "Supplier", "SupplierProduct"}
    # nodes: every id the providers see answers null unless it is ACME's own
    everything = set()
    for key in (world.tenant.key, world.south.tenant.key):
        everything |= _sweep(gql, schema, key)[0]
    foreign = sorted(everything - own)
    assert len(foreign) > 30
    answer = gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": foreign}, key=world.acme_key
    )
    assert answer == {"data": {"nodes": [None] * len(foreign)}}
    for node_id in foreign:
        single = gql(
            "query($id: ID!) { node(id: $id) { id } }", {"id": node_id}, key=world.acme_key
        )
        assert single == {"data": {"node": None}}, node_id
    # mutations: every id argument given every foreign id of a fitting type is refused
    # (ACME may name the product it carries, though it cannot read it: not a candidate)
    carried = global_id("Product", world.north.product)
    by_type: dict[str, list[str]] = {}
    for node_id in (i for i in foreign if i != carried):
        by_type.setdefault(_type(node_id), []).append(node_id)
    for place in id_arguments(schema):
        if place.root != "Mutation":
            continue
        for candidate in _candidates(place.field, place.path[-1], by_type):
            document, variables = request_for(schema, place, candidate)
            answer = gql(document, variables, key=world.acme_key)
            _assert_refused(answer, place, candidate)
    # and: nothing anywhere changed
    assert _digest(database) == before


def _assert_refused(answer: dict[str, Any], place: Any, candidate: str) -> None:
    if answer.get("errors"):
        codes = {e["extensions"]["code"] for e in answer["errors"]}
        assert codes <= {"FORBIDDEN", "MISSING_SCOPE", "BAD_USER_INPUT", "INVALID_ID"}, (
            place,
            answer,
        )
        return
    payload = answer["data"][place.field]
    assert payload["userErrors"], (str(place), candidate, answer)
    assert json.dumps(answer).find("BOLT") < 0


def _candidates(field: str, argument: str, by_type: dict[str, list[str]]) -> list[str]:
    """Foreign ids of the types the argument plausibly takes: named by it, or by the field."""
    named = argument.removesuffix("Ids").removesuffix("Id").lower()
    fitting = [t for t in by_type if t.lower() == named or t.lower().endswith(named)]
    if not fitting or named in ("", "id"):
        fitting = [t for t in by_type if field.lower().endswith(t.lower())] or list(by_type)
    return [by_type[t][0] for t in sorted(fitting)]


def _sweep(gql: Any, schema: GraphQLSchema, key: str) -> tuple[set[str], str]:
    """Run every query root field that needs no argument, as deep as DEPTH; ids and text seen."""
    assert schema.query_type is not None
    ids: set[str] = set()
    texts = []
    for name, field in schema.query_type.fields.items():
        if _required(field) or name in ("node", "nodes"):
            continue
        document = f"{{ {name} {_selection(field, DEPTH)} }}"
        answer = gql(document, key=key)
        if "errors" in answer:
            codes = {e["extensions"]["code"] for e in answer["errors"]}
            assert codes <= {"FORBIDDEN", "MISSING_SCOPE", "BAD_USER_INPUT"}, (name, answer)
        data = answer.get("data") or {}
        texts.append(json.dumps(data))
        ids |= set(_ids(data))
    return ids, "\n".join(texts)


def _selection(field: GraphQLField, depth: int) -> str:
    target = get_named_type(field.type)
    if not isinstance(target, GraphQLObjectType):
        return ""
    if target.name.endswith("Connection") and "edges" in target.fields:
        node = target.fields["edges"].type
        edge = get_named_type(node)
        assert isinstance(edge, GraphQLObjectType)
        return f"{{ edges {{ node {_selection(edge.fields['node'], depth)} }} }}"
    parts = []
    for name, child in target.fields.items():
        if _required(child):
            continue
        named = get_named_type(child.type)
        if isinstance(named, GraphQLObjectType):
            if depth > 1:
                parts.append(f"{name} {_selection(child, depth - 1)}")
        else:
            parts.append(name)
    return "{ " + " ".join(parts or ["__typename"]) + " }"


def _required(field: GraphQLField) -> bool:
    return any(
        isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
        for arg in field.args.values()
    )


def _ids(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "id" and isinstance(inner, str) and _type(inner):
                yield inner
            else:
                yield from _ids(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _ids(inner)


def _type(global_id_: str) -> str:
    try:
        return base64.b64decode(global_id_).decode().split(":", 1)[0]
    except (ValueError, UnicodeDecodeError):
        return ""


class _World:
    def __init__(self, north: DropShip, south: DropShip, acme_fo: uuid.UUID):
        self.tenant, self.south, self.acme_fo = north.tenant, south, acme_fo
        self.north = north
        self.acme_key = north.acme_key


def _world(database: Any, gql: Any) -> _World:
    north = make_drop_ship(database)
    south = make_drop_ship(database, "Southwind")
    client_a, client_b = north.tenant.clients["A"], north.tenant.clients["B"]
    # ACME's work: A's GADGET order
    acme_fo = _routed(database, gql, north, client_a.key, "A-1", "GADGET", north.acme)
    # BOLT's work: a product only BOLT carries, at a price no one else should read
    bolt_only = make_product(database, north.tenant, "A", "B-SECRET")
    link(
        database,
        north.tenant,
        north.bolt,
        bolt_only,
        4,
        supplier_sku="BOLT-1",
        unit_cost=Decimal("7.77"),
    )
    _routed(database, gql, north, client_a.key, "A-2", "B-SECRET", north.bolt)
    # a warehouse order of client B
    b_product = make_product(database, north.tenant, "B", "B-WARE")
    put_stock(database, north.tenant, "B", b_product, north.warehouse, 5)
    gql(CREATE, {"input": order_input("B-1", (("B-WARE", 1),))}, key=client_b.key)
    # Southwind's supplier work
    _routed(database, gql, south, south.tenant.clients["A"].key, "S-1", "GADGET", south.acme)
    # endpoints and a rate card
    make_endpoint(database, north.tenant, "https://hooks.example.com/provider")
    make_endpoint(database, north.tenant, "https://hooks.example.com/a", client="A")
    with TenantUnitOfWork(database.session_factory, north.tenant.scope) as uow:
        create_rate_card(
            uow,
            NewRateCard(
                client_id=client_a.id,
                effective_from=utcnow(),
                currency="EUR",
                rates={"drop_ship_per_order": Decimal("7.77")},
            ),
        )
        uow.commit()
    return _World(north, south, acme_fo)


def _routed(database, gql, world: DropShip, key: str, reference: str, sku: str, supplier) -> Any:
    answer = gql(CREATE, {"input": order_input(reference, ((sku, 1),))}, key=key)
    order_id = answer["data"]["createOrder"]["order"]["id"]
    raw = uuid.UUID(base64.b64decode(order_id).decode().split(":", 1)[1])
    return route_to_supplier(database, world.tenant, raw, supplier)


def _own_ids(database: Any, world: _World) -> set[str]:
    north = world.north
    engine = make_engine(database.admin_url)
    try:
        with engine.connect() as connection:
            links = connection.execute(
                select(SupplierProduct.id).where(SupplierProduct.supplier_id == north.acme)
            ).scalars()
            own = {global_id("SupplierProduct", i) for i in links}
            movements = connection.execute(
                select(SupplierStockMovement.id).where(
                    SupplierStockMovement.supplier_id == north.acme
                )
            ).scalars()
            own |= {global_id("SupplierStockMovement", i) for i in movements}
    finally:
        engine.dispose()
    return own | {
        global_id("FulfillmentOrder", world.acme_fo),
        global_id("Supplier", north.acme),
        global_id("Provider", north.tenant.provider_id),
        global_id("ApiKey", key_row(database, north.acme_key).id),
    }


def _digest(database: Any) -> str:
    """A hash of every row of every table but the ignored ones, read as the owner."""
    digest = hashlib.sha256()
    engine = make_engine(database.admin_url)
    try:
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                if table.name in IGNORED_TABLES:
                    continue
                rows = connection.execute(table.select()).all()
                digest.update(table.name.encode())
                for row in sorted(repr(tuple(row)) for row in rows):
                    digest.update(row.encode())
    finally:
        engine.dispose()
    return digest.hexdigest()


@pytest.fixture
def gql(database) -> Iterator[GraphQLClient]:
    """The app without cost and rate limits: deep generated queries are expensive by design,
    and the limits have tests of their own."""
    settings = Settings.from_env(
        {
            "CROSSDOCK_DATABASE_URL": database.url,
            "CROSSDOCK_MIGRATION_DATABASE_URL": database.admin_url,
            "CROSSDOCK_SECRET_KEYS": TEST_SECRET_KEY,
            "CROSSDOCK_MAX_QUERY_COST": "100000000",
            "CROSSDOCK_RATE_LIMIT_POINTS": "0",
        }
    )
    with TestClient(create_app(settings, background=False)) as client:
        yield GraphQLClient(client)
