"""Billing over GraphQL: reads, exports, mutations, and client isolation by every route."""

from __future__ import annotations

import base64
import csv
import io

import pytest

from domain.billing.periods import Period
from services.billing import bill_period
from tests.billing_factories import Books, open_books, utc
from tests.domain.billing.month import live_the_month, set_up_cards
from tests.factories import count_rows, global_id, make_key

INVOICES = """
query($client: ID) { invoices(filter: {clientId: $client}) { edges { node {
  id number period { year month } status client { code }
  subtotal { amount } minimumTopUp { amount } tax { amount } total { amount currency }
  lines { chargeType quantity charges amount { amount } }
} } } }
"""
CHARGES = """
query($client: ID, $period: BillingPeriodInput, $type: [ChargeType!], $source: [ChargeSource!]) {
  charges(
    filter: {clientId: $client, period: $period, chargeType: $type, sourceType: $source}
    first: 100
  ) {
    edges { node { id chargeType sourceType sourceId quantity unitPrice { amount } amount { amount currency } rateCardVersion
                   client { code } } }
  }
}
"""
INVOICE = "query($id: ID!) { invoice(id: $id) { id number csv pdfBase64 } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
RUN = """
mutation($period: BillingPeriodInput!) { runBillingPeriod(input: {period: $period}) {
  invoices { number total { amount } } userErrors { field code message } } }
"""
ISSUE = "mutation($id: ID!) { issueInvoice(input: {id: $id}) { invoice { status } userErrors { code } } }"
PAID = "mutation($id: ID!) { markInvoicePaid(input: {id: $id}) { invoice { status } userErrors { code } } }"
VOID = """mutation($id: ID!) { voidInvoice(input: {id: $id, reason: "typo"}) {
  invoice { status } userErrors { code } } }"""
CREDIT = """
mutation($client: ID!, $amount: MoneyInput!) {
  addCredit(input: {clientId: $client, amount: $amount, reason: "late delivery"}) {
    charge { chargeType amount { amount currency } unitPrice { amount } reason } userErrors { field code message } } }
"""
RATE_CARD = """
mutation($client: ID) { createRateCard(input: {clientId: $client, currency: USD,
  effectiveFrom: "2026-06-01T00:00:00+00:00", pickPerOrder: "1.95", monthlyMinimum: "99"}) {
  rateCard { version pickPerOrder monthlyMinimum client { code } } userErrors { code field } } }
"""


@pytest.fixture
def billed(database) -> Books:
    books = open_books(database)
    set_up_cards(books)
    live_the_month(books)
    books.process_events()
    bill_period(books.unit, Period.parse("2026-03"), now=utc(2026, 4, 2, 6))
    return books


def nodes(answer: dict, field: str) -> list[dict]:
    assert "errors" not in answer, answer
    return [edge["node"] for edge in answer["data"][field]["edges"]]


def test_provider_reads_invoices_and_filtered_charges(billed, gql):
    # given
    key = billed.tenant.key
    # when
    invoices = nodes(gql(INVOICES, key=key), "invoices")
    shipping = nodes(
        gql(
            CHARGES,
            {
                "client": billed.tenant.clients["A"].global_id,
                "period": {"year": 2026, "month": 3},
                "type": "SHIPPING",
            },
            key=key,
        ),
        "charges",
    )
    # then
    assert {(i["client"]["code"], i["total"]["amount"]) for i in invoices} == {
        ("A", "150.00"),
        ("B", "71.21"),
    }
    assert sorted(c["amount"]["amount"] for c in shipping) == ["13.58", "8.20"]
    assert {c["amount"]["currency"] for c in shipping} == {"USD"}
    assert {c["unitPrice"]["amount"] for c in shipping} == {"13.585", "8.195"}
    assert {i["period"]["year"] * 100 + i["period"]["month"] for i in invoices} == {202603}


def test_client_a_cannot_see_client_b_by_any_route(billed, gql):
    # given
    a_key = billed.tenant.clients["A"].key
    provider = billed.tenant.key
    b_invoice = next(
        i for i in nodes(gql(INVOICES, key=provider), "invoices") if i["client"]["code"] == "B"
    )
    b_charge = nodes(
        gql(CHARGES, {"client": billed.tenant.clients["B"].global_id}, key=provider), "charges"
    )[0]
    # when
    own_invoices = nodes(gql(INVOICES, key=a_key), "invoices")
    own_charges = nodes(gql(CHARGES, key=a_key), "charges")
    filtered = nodes(
        gql(CHARGES, {"client": billed.tenant.clients["B"].global_id}, key=a_key), "charges"
    )
    by_id = gql(INVOICE, {"id": b_invoice["id"]}, key=a_key)
    invoice_node = gql(NODE, {"id": b_invoice["id"]}, key=a_key)
    charge_node = gql(NODE, {"id": b_charge["id"]}, key=a_key)
    # then
    assert [i["client"]["code"] for i in own_invoices] == ["A"]
    assert own_charges
    assert {c["client"]["code"] for c in own_charges} == {"A"}
    assert filtered == []
    assert by_id == {"data": {"invoice": None}}
    assert invoice_node == {"data": {"node": None}}
    assert charge_node == {"data": {"node": None}}


def test_an_invoice_exports_as_csv_and_pdf_to_its_own_client(billed, gql):
    # given
    a = billed.tenant.clients["A"]
    invoice = nodes(gql(INVOICES, key=a.key), "invoices")[0]
    # when
    answer = gql(INVOICE, {"id": invoice["id"]}, key=a.key)["data"]["invoice"]
    # then
    assert answer["number"] == "A-2026-03"
    assert "total,Total,,,150.00" in answer["csv"]
    assert "minimum_top_up,Monthly minimum top-up,1,0,49.32" in answer["csv"]
    assert base64.b64decode(answer["pdfBase64"]).startswith(b"%PDF-")


@pytest.mark.parametrize("client", ["A", "B"])
def test_the_csv_totals_are_the_api_totals_by_the_same_names(billed, gql, client):
    # given: A is topped up to its minimum, B pays tax
    key = billed.tenant.clients[client].key
    invoice = nodes(gql(INVOICES, key=key), "invoices")[0]
    # when
    exported = gql(INVOICE, {"id": invoice["id"]}, key=key)["data"]["invoice"]["csv"]
    # then
    rows = list(csv.reader(io.StringIO(exported.split("\n\n")[-1])))
    totals = {row[0]: row[4] for row in rows}
    names = ("subtotal", "minimumTopUp", "tax", "total")
    assert totals == {name: invoice[name]["amount"] for name in names}
    assert (
        invoice["minimumTopUp"]["amount"] != "0.00"
        if client == "A"
        else invoice["tax"]["amount"] != "0.00"
    )


def test_only_provider_keys_with_billing_write_change_anything(billed, gql):
    # given
    client_key = billed.tenant.clients["A"].key
    reader = make_key(billed.db, billed.tenant, scopes=["billing:read"])
    # when
    as_client = gql(RUN, {"period": {"year": 2026, "month": 3}}, key=client_key)
    as_reader = gql(RUN, {"period": {"year": 2026, "month": 3}}, key=reader)
    # then
    assert as_client["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert as_reader["errors"][0]["extensions"]["code"] == "MISSING_SCOPE"


def test_invoice_lifecycle_and_rerun_over_graphql(billed, gql):
    # given
    key = billed.tenant.key
    invoice = next(
        i for i in nodes(gql(INVOICES, key=key), "invoices") if i["client"]["code"] == "A"
    )
    # when
    rerun = gql(RUN, {"period": {"year": 2026, "month": 3}}, key=key)["data"]["runBillingPeriod"]
    issued = gql(ISSUE, {"id": invoice["id"]}, key=key)["data"]["issueInvoice"]
    again = gql(ISSUE, {"id": invoice["id"]}, key=key)["data"]["issueInvoice"]
    paid = gql(PAID, {"id": invoice["id"]}, key=key)["data"]["markInvoicePaid"]
    void = gql(VOID, {"id": invoice["id"]}, key=key)["data"]["voidInvoice"]
    # then
    assert sorted((i["number"], i["total"]["amount"]) for i in rerun["invoices"]) == [
        ("A-2026-03", "150.00"),
        ("B-2026-03", "71.21"),
    ]
    assert issued["invoice"]["status"] == again["invoice"]["status"] == "ISSUED"
    assert paid["invoice"]["status"] == "PAID"
    assert void["userErrors"] == [{"code": "ILLEGAL_TRANSITION"}]


def test_credits_and_rate_cards_by_mutation_and_floats_refused(billed, gql):
    # given
    key = billed.tenant.key
    client = billed.tenant.clients["A"].global_id
    # when
    money = {"amount": "2.50", "currency": "USD"}
    credit = gql(CREDIT, {"client": client, "amount": money}, key=key)["data"]["addCredit"]
    as_float = gql(CREDIT, {"client": client, "amount": money | {"amount": 2.5}}, key=key)
    in_euros = gql(CREDIT, {"client": client, "amount": money | {"currency": "EUR"}}, key=key)
    card = gql(RATE_CARD, {"client": client}, key=key)["data"]["createRateCard"]
    foreign = gql(RATE_CARD, {"client": global_id("Client", billed.tenant.provider_id)}, key=key)
    # then
    assert credit["charge"] == {
        "chargeType": "CREDIT",
        "amount": {"amount": "-2.50", "currency": "USD"},
        "unitPrice": {"amount": "-2.5"},
        "reason": "late delivery",
    }
    assert as_float["data"] is None
    assert as_float["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert [(e["field"], e["code"]) for e in in_euros["data"]["addCredit"]["userErrors"]] == [
        (["amount", "currency"], "INVALID")
    ]
    assert card["rateCard"] == {
        "version": 1,
        "pickPerOrder": "1.95",
        "monthlyMinimum": "99",
        "client": {"code": "A"},
    }
    assert foreign["data"]["createRateCard"]["userErrors"] == [
        {"code": "NOT_FOUND", "field": ["clientId"]}
    ]


MARCH = {"year": 2026, "month": 3}
RUN_FOR = """
mutation($period: BillingPeriodInput!, $client: ID) {
  runBillingPeriod(input: {period: $period, clientId: $client}) {
    invoices { number client { code } } userErrors { field code } } }
"""


def test_running_a_period_for_a_foreign_client_is_refused_and_writes_nothing(database, gql):
    # given: a month lived but not billed, and a client id of another provider
    books = open_books(database)
    set_up_cards(books)
    live_the_month(books)
    books.process_events()
    other = open_books(database, name="Southwind")
    before = {table: count_rows(database, table) for table in ("storage_days", "invoices")}
    # when
    refused = gql(
        RUN_FOR,
        {"period": MARCH, "client": other.tenant.clients["A"].global_id},
        key=books.tenant.key,
    )["data"]["runBillingPeriod"]
    # then
    assert refused == {"invoices": [], "userErrors": [{"field": ["clientId"], "code": "NOT_FOUND"}]}
    assert {table: count_rows(database, table) for table in before} == before


def test_the_mutation_runs_the_same_billing_run_as_the_worker(database, gql):
    # given: one provider billed by the worker's service, another by the mutation
    by_worker, by_mutation = open_books(database), open_books(database, name="Southwind")
    for books in (by_worker, by_mutation):
        set_up_cards(books)
        live_the_month(books)
        books.process_events()
    bill_period(by_worker.unit, Period.parse("2026-03"))
    # when
    run = gql(RUN_FOR, {"period": MARCH, "client": None}, key=by_mutation.tenant.key)
    # then: the same invoices, storage days included
    assert run["data"]["runBillingPeriod"]["userErrors"] == []
    totals = [
        sorted(
            (i["client"]["code"], i["total"]["amount"])
            for i in nodes(gql(INVOICES, key=key), "invoices")
        )
        for key in (by_worker.tenant.key, by_mutation.tenant.key)
    ]
    assert totals[0] == totals[1] == [("A", "150.00"), ("B", "71.21")]
