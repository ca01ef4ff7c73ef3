"""The supplier's side through the API: catalog, stock reports, acknowledge, reject, ship."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from domain.outbox.models import OutboxEvent
from tenants.unit_of_work import TenantUnitOfWork
from tests.api.order_documents import CREATE
from tests.factories import count_rows, global_id
from tests.factories_orders import make_product, order_input, put_stock
from tests.supplier_factories import (
    DropShip,
    link,
    make_drop_ship,
    make_supplier,
    route_to_supplier,
    supplier_level,
    supplier_stock_matches_log,
)

ERRORS = "userErrors { field code message }"
LINK = f"""
mutation($input: LinkSupplierProductInput!) {{
  linkSupplierProduct(input: $input) {{
    supplierProduct {{ id supplierSku unitCost {{ amount currency }} minQuantity active }} {ERRORS}
  }}
}}
"""
REPORT = f"""
mutation($input: ReportSupplierStockInput!) {{
  reportSupplierStock(input: $input) {{
    supplierProducts {{ supplierSku stock {{ onHand allocated available }} }} {ERRORS}
  }}
}}
"""
UPLOAD = f"""
mutation($input: UploadSupplierStockCsvInput!) {{
  uploadSupplierStockCsv(input: $input) {{
    supplierProducts {{ supplierSku stock {{ available }} }} {ERRORS}
  }}
}}
"""
FO_FIELDS = """
  id status acknowledgedAt carrier trackingNumber rejectionReason exceptionReason overdueAt
  shipTo { name line1 city postalCode country }
  linesToShip { sku supplierSku quantity }
  supplier { code }
  warehouse { code }
  order { externalReference }
"""
WORK = f"""
query($filter: FulfillmentOrderFilterInput) {{
  fulfillmentOrders(filter: $filter) {{ edges {{ node {{ {FO_FIELDS} }} }} }}
}}
"""
ACK = f"""
mutation($id: ID!) {{
  acknowledgeFulfillmentOrder(input: {{id: $id}}) {{ fulfillmentOrder {{ status acknowledgedAt }} {ERRORS} }}
}}
"""
REJECT = f"""
mutation($id: ID!, $reason: RejectionReason!) {{
  rejectFulfillmentOrder(input: {{id: $id, reason: $reason, note: "none left"}}) {{
    fulfillmentOrder {{ status rejectionReason rejectionNote }} {ERRORS}
  }}
}}
"""
SHIP = f"""
mutation($id: ID!) {{
  shipSupplierFulfillmentOrder(input: {{id: $id, carrier: "DHL", trackingNumber: "JD0001"}}) {{
    fulfillmentOrder {{ status carrier trackingNumber }} {ERRORS}
  }}
}}
"""
CANCEL = f"""
mutation($id: ID!) {{ cancelOrder(input: {{id: $id}}) {{ order {{ status }} {ERRORS} }} }}
"""
RULES = f"""
mutation($input: SetRoutingRulesInput!) {{ setRoutingRules(input: $input) {{ {ERRORS} }} }}
"""
ORDER_STATUS = "query($id: ID!) { order(id: $id) { status fulfillmentOrders { status supplier { code } warehouse { code } } } }"


@pytest.fixture
def drop(database) -> DropShip:
    return make_drop_ship(database)


def _routed_order(database, gql, drop: DropShip, reference: str = "SO-1", quantity: int = 2):
    client = drop.tenant.clients["A"]
    order = gql(CREATE, {"input": order_input(reference, (("GADGET", quantity),))}, key=client.key)
    order_id = order["data"]["createOrder"]["order"]["id"]
    fo = route_to_supplier(database, drop.tenant, uuid.UUID(_raw(order_id)), drop.acme)
    return order_id, global_id("FulfillmentOrder", fo)


def _supplier_rule(gql, drop: DropShip, suppliers: list[uuid.UUID]) -> None:
    sources = [{"supplierId": global_id("Supplier", s)} for s in suppliers]
    rules = {"clientId": drop.tenant.clients["A"].global_id,
             "rules": [{"name": "drop-ship", "sources": sources}]}  # fmt: skip
    answer = gql(RULES, {"input": rules}, key=drop.tenant.key)["data"]["setRoutingRules"]
    assert answer["userErrors"] == [], answer


def _raw(gid: str) -> str:
    import base64

    return base64.b64decode(gid).decode().split(":", 1)[1]


def test_a_supplier_sees_its_work_with_ship_to_and_skus_and_nothing_else(database, gql, drop):
    # given
    order_id, fo = _routed_order(database, gql, drop)
    # when
    mine = gql(WORK, key=drop.acme_key)["data"]["fulfillmentOrders"]["edges"]
    theirs = gql(WORK, key=drop.bolt_key)["data"]["fulfillmentOrders"]["edges"]
    # then
    assert [edge["node"] for edge in mine] == [
        {
            "id": fo,
            "status": "ALLOCATED",
            "acknowledgedAt": None,
            "carrier": None,
            "trackingNumber": None,
            "rejectionReason": None,
            "exceptionReason": None,
            "overdueAt": None,
            "shipTo": {
                "name": "Ada Lovelace",
                "line1": "12 St James's Sq",
                "city": "London",
                "postalCode": "SW1Y 4JH",
                "country": "GB",
            },
            "linesToShip": [{"sku": "GADGET", "supplierSku": "AC-77", "quantity": 2}],
            "supplier": {"code": "ACME"},
            "warehouse": None,
            "order": None,
        }
    ]
    assert theirs == []
    assert gql(ORDER_STATUS, {"id": order_id}, key=drop.acme_key) == {"data": {"order": None}}


def test_acknowledge_then_ship_ships_the_order_and_shipping_twice_is_refused(database, gql, drop):
    # given
    order_id, fo = _routed_order(database, gql, drop)
    # when
    ack = gql(ACK, {"id": fo}, key=drop.acme_key)["data"]["acknowledgeFulfillmentOrder"]
    shipped = gql(SHIP, {"id": fo}, key=drop.acme_key)["data"]["shipSupplierFulfillmentOrder"]
    events_before = count_rows(database, "outbox_events")
    again = gql(SHIP, {"id": fo}, key=drop.acme_key)["data"]["shipSupplierFulfillmentOrder"]
    # then
    assert ack["userErrors"] == []
    assert ack["fulfillmentOrder"]["acknowledgedAt"]
    assert shipped == {
        "fulfillmentOrder": {"status": "SHIPPED", "carrier": "DHL", "trackingNumber": "JD0001"},
        "userErrors": [],
    }
    assert again == {
        "fulfillmentOrder": None,
        "userErrors": [
            {
                "field": ["id"],
                "code": "ILLEGAL_TRANSITION",
                "message": "A fulfillment order that is SHIPPED cannot be shipped.",
            }
        ],
    }
    assert count_rows(database, "outbox_events") == events_before
    order = gql(ORDER_STATUS, {"id": order_id}, key=drop.tenant.key)["data"]["order"]
    assert order["status"] == "SHIPPED"
    assert supplier_level(database, drop.acme, drop.product) == (3, 0)
    assert supplier_stock_matches_log(database)


def test_another_supplier_cannot_act_on_the_work_and_answers_like_an_unknown_id(
    database, gql, drop
):
    # given
    _, fo = _routed_order(database, gql, drop)
    unknown = global_id("FulfillmentOrder", uuid.uuid4())
    # when / then
    for document, name in (
        (ACK, "acknowledgeFulfillmentOrder"),
        (SHIP, "shipSupplierFulfillmentOrder"),
    ):
        foreign = gql(document, {"id": fo}, key=drop.bolt_key)["data"][name]
        missing = gql(document, {"id": unknown}, key=drop.bolt_key)["data"][name]
        assert foreign == missing
        assert foreign["userErrors"][0]["code"] == "NOT_FOUND"
    client = gql(SHIP, {"id": fo}, key=drop.tenant.clients["A"].key)
    assert client["data"]["shipSupplierFulfillmentOrder"]["userErrors"][0]["code"] == "FORBIDDEN"
    assert supplier_level(database, drop.acme, drop.product) == (5, 2)


def test_a_rejection_releases_the_units_and_routes_the_lines_on(database, gql, drop):
    # given: the warehouse now has 4 GADGETs
    order_id, fo = _routed_order(database, gql, drop)
    put_stock(database, drop.tenant, "A", drop.product, drop.warehouse, 4)
    # when
    rejected = gql(REJECT, {"id": fo, "reason": "OUT_OF_STOCK"}, key=drop.acme_key)["data"][
        "rejectFulfillmentOrder"
    ]
    # then
    assert rejected == {
        "fulfillmentOrder": {
            "status": "CANCELLED",
            "rejectionReason": "OUT_OF_STOCK",
            "rejectionNote": "none left",
        },
        "userErrors": [],
    }
    order = gql(ORDER_STATUS, {"id": order_id}, key=drop.tenant.key)["data"]["order"]
    assert order["status"] == "ALLOCATED"
    assert order["fulfillmentOrders"] == [
        {"status": "CANCELLED", "supplier": {"code": "ACME"}, "warehouse": None},
        {"status": "ALLOCATED", "supplier": None, "warehouse": {"code": "WH-A"}},
    ]
    assert supplier_level(database, drop.acme, drop.product) == (5, 0)
    assert supplier_stock_matches_log(database)
    with TenantUnitOfWork.operator(database.session_factory, drop.tenant.provider_id) as uow:
        topics = uow.session.scalars(
            select(OutboxEvent.topic).where(OutboxEvent.supplier_id == drop.acme)
        ).all()
    assert "fulfillment_order.rejected" in topics


def test_a_rejection_with_nowhere_else_to_go_puts_the_order_in_exception(database, gql, drop):
    # given
    order_id, fo = _routed_order(database, gql, drop)
    # when
    gql(REJECT, {"id": fo, "reason": "DISCONTINUED"}, key=drop.acme_key)
    # then: a person must look; ACME has its units back and cannot ship what it refused
    order = gql(ORDER_STATUS, {"id": order_id}, key=drop.tenant.key)["data"]["order"]
    assert order["status"] == "EXCEPTION"
    assert order["fulfillmentOrders"] == [
        {"status": "EXCEPTION", "supplier": {"code": "ACME"}, "warehouse": None}
    ]
    assert supplier_level(database, drop.acme, drop.product) == (5, 0)
    for document, name, done in ((SHIP, "shipSupplierFulfillmentOrder", "shipped"),
                                 (ACK, "acknowledgeFulfillmentOrder", "acknowledged")):  # fmt: skip
        refused = gql(document, {"id": fo}, key=drop.acme_key)["data"][name]
        assert refused["userErrors"] == [
            {
                "field": ["id"],
                "code": "ILLEGAL_TRANSITION",
                "message": f"A fulfillment order that is REJECTED cannot be {done}.",
            }
        ]
    # when: the order is cancelled, the refused units are not given back a second time
    cancelled = gql(CANCEL, {"id": order_id}, key=drop.tenant.key)["data"]["cancelOrder"]
    assert cancelled["userErrors"] == []
    assert supplier_level(database, drop.acme, drop.product) == (5, 0)
    assert supplier_stock_matches_log(database)


def test_a_rejection_never_routes_back_to_the_supplier_that_refused(database, gql, drop):
    # given: BOLT carries GADGET too (1 left); the rule sends GADGET to ACME first, then BOLT
    link(database, drop.tenant, drop.bolt, drop.product, 1, supplier_sku="BT-1")
    _supplier_rule(gql, drop, [drop.acme, drop.bolt])
    client = drop.tenant.clients["A"].key
    made = gql(CREATE, {"input": order_input("SO-R", (("GADGET", 2),))}, key=client)
    order_id = made["data"]["createOrder"]["order"]["id"]
    [fo] = [edge["node"]["id"] for edge in
            gql(WORK, key=drop.acme_key)["data"]["fulfillmentOrders"]["edges"]]  # fmt: skip
    # when: ACME refuses, although it still has 3 left; BOLT alone cannot complete the line
    gql(REJECT, {"id": fo, "reason": "CANNOT_SHIP_TO_DESTINATION"}, key=drop.acme_key)
    # and: ACME reports plenty, then BOLT reports enough
    after_acme = _report(gql, drop.acme_key, "AC-77", 50, order_id, drop)
    after_bolt = _report(gql, drop.bolt_key, "BT-1", 4, order_id, drop)
    # then: ACME is never asked again; BOLT serves (1 unit at once, 1 more on its report)
    acme_part = {"status": "CANCELLED", "supplier": {"code": "ACME"}, "warehouse": None}
    assert after_acme["fulfillmentOrders"][0] == acme_part
    assert [fo["supplier"]["code"] for fo in after_acme["fulfillmentOrders"]] == ["ACME", "BOLT"]
    assert after_bolt["status"] == "ALLOCATED"
    assert {fo["supplier"]["code"] for fo in after_bolt["fulfillmentOrders"][1:]} == {"BOLT"}
    assert supplier_level(database, drop.acme, drop.product) == (50, 0)
    assert supplier_level(database, drop.bolt, drop.product) == (5, 2)  # 4 free when it had 1 out
    assert supplier_stock_matches_log(database)


def _report(gql, key: str, sku: str, available: int, order_id: str, drop: DropShip) -> dict:
    lines = [{"supplierSku": sku, "available": available}]
    answer = gql(REPORT, {"input": {"lines": lines}}, key=key)["data"]["reportSupplierStock"]
    assert answer["userErrors"] == []
    return gql(ORDER_STATUS, {"id": order_id}, key=drop.tenant.key)["data"]["order"]


def test_a_stock_report_routes_waiting_units_to_the_supplier(database, gql, drop):
    # given: ACME reported 0, so an order of 2 GADGETs waits
    _supplier_rule(gql, drop, [drop.acme])
    gql(REPORT, {"input": {"lines": [{"supplierSku": "AC-77", "available": 0}]}},
        key=drop.acme_key)  # fmt: skip
    client = drop.tenant.clients["A"].key
    made = gql(CREATE, {"input": order_input("SO-W", (("GADGET", 2),))}, key=client)
    order_id = made["data"]["createOrder"]["order"]["id"]
    assert made["data"]["createOrder"]["order"]["status"] == "BACKORDERED"
    # when: ACME reports 3 by CSV
    gql(UPLOAD, {"input": {"csv": "supplier_sku,available\nAC-77,3\n"}}, key=drop.acme_key)
    # then: the order is routed to ACME in the report's transaction
    order = gql(ORDER_STATUS, {"id": order_id}, key=drop.tenant.key)["data"]["order"]
    assert order == {
        "status": "ALLOCATED",
        "fulfillmentOrders": [
            {"status": "ALLOCATED", "supplier": {"code": "ACME"}, "warehouse": None}
        ],
    }
    assert supplier_level(database, drop.acme, drop.product) == (3, 2)
    assert supplier_stock_matches_log(database)


def test_a_supplier_reports_stock_by_mutation_and_by_csv(database, gql, drop):
    # when
    reported = gql(
        REPORT, {"input": {"lines": [{"supplierSku": "AC-77", "available": 9}]}}, key=drop.acme_key
    )["data"]["reportSupplierStock"]
    uploaded = gql(
        UPLOAD,
        {"input": {"csv": "supplier_sku,available,comment\nAC-77,12,restocked\n"}},
        key=drop.acme_key,
    )["data"]["uploadSupplierStockCsv"]
    # then
    assert reported == {
        "supplierProducts": [
            {"supplierSku": "AC-77", "stock": {"onHand": 9, "allocated": 0, "available": 9}}
        ],
        "userErrors": [],
    }
    assert uploaded == {
        "supplierProducts": [{"supplierSku": "AC-77", "stock": {"available": 12}}],
        "userErrors": [],
    }
    assert supplier_level(database, drop.acme, drop.product) == (12, 0)
    assert supplier_stock_matches_log(database)


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"lines": [{"supplierSku": "AC-77", "available": -1}]}, "lines.0.available", "INVALID"),
        ({"lines": [{"supplierSku": "NOPE", "available": 1}]}, "lines.0.supplierSku", "NOT_FOUND"),
        ({"lines": [{"available": 1}]}, "lines.0", "REQUIRED"),
        ({"lines": []}, "lines", "REQUIRED"),
        (
            {"lines": [{"supplierSku": "AC-77", "available": 1}] * 2},
            "lines.1",
            "DUPLICATE",
        ),
        (
            {"lines": [{"supplierSku": "AC-77", "available": 10**7}]},
            "lines.0.available",
            "OUT_OF_RANGE",
        ),
    ],
)
def test_bad_stock_reports_are_refused_and_write_nothing(
    database, gql, drop, variables, field, code
):
    before = count_rows(database, "supplier_stock_movements")
    answer = gql(REPORT, {"input": variables}, key=drop.acme_key)["data"]["reportSupplierStock"]
    assert answer["supplierProducts"] is None
    assert [(".".join(e["field"]), e["code"]) for e in answer["userErrors"]] == [(field, code)]
    assert count_rows(database, "supplier_stock_movements") == before


@pytest.mark.parametrize(
    ("csv", "field", "code"),
    [
        ("supplier_sku,available\nAC-77,2.5\n", "csv.1.available", "INVALID"),
        ("supplier_sku,available\nAC-77,-3\n", "csv.1.available", "INVALID"),
        ("sku,qty\nAC-77,3\n", "csv", "INVALID"),
        ("supplier_sku,available\nAC-77,3\nGHOST,1\n", "csv.2.supplierSku", "NOT_FOUND"),
    ],
)
def test_a_bad_csv_row_refuses_the_whole_upload(database, gql, drop, csv, field, code):
    before = count_rows(database, "supplier_stock_movements")
    answer = gql(UPLOAD, {"input": {"csv": csv}}, key=drop.acme_key)["data"][
        "uploadSupplierStockCsv"
    ]
    assert [(".".join(e["field"]), e["code"]) for e in answer["userErrors"]] == [(field, code)]
    assert count_rows(database, "supplier_stock_movements") == before


def test_a_supplier_cannot_report_for_a_product_it_is_not_linked_to(database, gql, drop):
    # BOLT carries nothing; a product id of A's answers like an unknown one
    product = global_id("Product", drop.product)
    answer = gql(
        REPORT, {"input": {"lines": [{"productId": product, "available": 3}]}}, key=drop.bolt_key
    )["data"]["reportSupplierStock"]
    unknown = gql(
        REPORT,
        {"input": {"lines": [{"productId": global_id("Product", uuid.uuid4()), "available": 3}]}},
        key=drop.bolt_key,
    )["data"]["reportSupplierStock"]
    assert answer == unknown
    assert answer["userErrors"][0]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("case", "code", "field"),
    [
        ("foreign supplier", "NOT_FOUND", "supplierId"),
        ("archived supplier", "ARCHIVED", "supplierId"),
        ("archived product", "ARCHIVED", "productId"),
        ("duplicate", "DUPLICATE", "productId"),
        ("negative minimum", "NOT_POSITIVE", "minQuantity"),
        ("negative cost", "INVALID", "unitCost.amount"),
    ],
)
def test_bad_catalog_links_are_refused_and_write_nothing(database, gql, drop, case, code, field):
    # given
    from tests.factories import make_tenant

    south = make_tenant(database, "Southwind", ("C",))
    foreign = make_supplier(database, south, "FOREIGN")
    archived_product = make_product(database, drop.tenant, "A", "OLD", archived=True)
    gql(
        "mutation($id: ID!) { archiveSupplier(input: {id: $id}) { userErrors { code } } }",
        {"id": global_id("Supplier", drop.bolt)},
        key=drop.tenant.key,
    )
    other = make_product(database, drop.tenant, "A", "OTHER")
    values = {
        "supplierId": global_id("Supplier", drop.acme),
        "productId": global_id("Product", other),
        "supplierSku": "X-1",
        "unitCost": {"amount": "1.00", "currency": "EUR"},
    }
    values |= {
        "foreign supplier": {"supplierId": global_id("Supplier", foreign)},
        "archived supplier": {"supplierId": global_id("Supplier", drop.bolt)},
        "archived product": {"productId": global_id("Product", archived_product)},
        "duplicate": {"productId": global_id("Product", drop.product)},
        "negative minimum": {"minQuantity": -2},
        "negative cost": {"unitCost": {"amount": "-1.00", "currency": "EUR"}},
    }[case]
    before = count_rows(database, "supplier_products")
    # when
    answer = gql(LINK, {"input": values}, key=drop.tenant.key)["data"]["linkSupplierProduct"]
    # then
    assert answer["supplierProduct"] is None
    assert [(e["code"], ".".join(e["field"])) for e in answer["userErrors"]] == [(code, field)]
    assert count_rows(database, "supplier_products") == before


EXPLAIN = f"""
query($input: CreateOrderInput!) {{
  explainRouting(input: $input) {{
    explanation {{ lines {{ note candidates {{ source {{ code }} availableQuantity verdict }} }} }}
    {ERRORS}
  }}
}}
"""


def test_routing_passes_over_a_supplier_whose_minimum_quantity_is_not_met(database, gql, drop):
    # given: BOLT ships GADGET only 3 at a time (7 left); the rule asks BOLT first, then ACME
    link(database, drop.tenant, drop.bolt, drop.product, 7, supplier_sku="BT-1", min_quantity=3)
    _supplier_rule(gql, drop, [drop.bolt, drop.acme])
    client = drop.tenant.clients["A"].key
    two, three = order_input("SO-2", (("GADGET", 2),)), order_input("SO-3", (("GADGET", 3),))
    # when
    explained = gql(EXPLAIN, {"input": two}, key=client)["data"]["explainRouting"]
    small, large = (
        gql(ORDER_STATUS, {"id": made["data"]["createOrder"]["order"]["id"]}, key=drop.tenant.key)
        for made in (gql(CREATE, {"input": i}, key=client) for i in (two, three))
    )
    small, large = small["data"]["order"], large["data"]["order"]
    # then: 2 units are below BOLT's minimum, so ACME ships them, and the dry run says why
    [line] = explained["explanation"]["lines"]
    assert line["candidates"] == [
        {"source": {"code": "BOLT"}, "availableQuantity": 7, "verdict": "BELOW_MINIMUM"},
        {"source": {"code": "ACME"}, "availableQuantity": 5, "verdict": "COMPLETE"},
    ]
    assert [fo["supplier"]["code"] for fo in small["fulfillmentOrders"]] == ["ACME"]
    assert [fo["supplier"]["code"] for fo in large["fulfillmentOrders"]] == ["BOLT"]
    assert supplier_level(database, drop.bolt, drop.product) == (7, 3)
    assert supplier_level(database, drop.acme, drop.product) == (5, 2)
