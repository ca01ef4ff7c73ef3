"""The shipping API: carrier accounts without secrets, settings, shipments, isolation."""

from __future__ import annotations

import dramatiq
import dramatiq.broker
import pytest
from dramatiq.brokers.stub import StubBroker

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

from domain.outbox.events import Topic
from domain.shipping.models import CarrierKind
from tests.factories import count_rows, global_id, make_tenant
from tests.shipping_factories import make_shipping_world
from workers import dispatch, runtime

CREATE_ACCOUNT = """
mutation($input: CreateCarrierAccountInput!) { createCarrierAccount(input: $input) {
  carrierAccount { id name kind enabled baseUrl hasApiKey webhookPath }
  webhookSecret userErrors { field code message } } }"""
UPDATE_ACCOUNT = """
mutation($input: UpdateCarrierAccountInput!) { updateCarrierAccount(input: $input) {
  carrierAccount { id enabled } userErrors { field code } } }"""
ACCOUNTS = "{ carrierAccounts { edges { node { id name client { code } } } } }"
SHIPMENTS = """{ shipments { edges { node { id trackingNumber cost { amount currency } status labelBase64
  order { externalReference } fulfillmentOrder { status dispatch { status attempts } } } } } }"""
EVENTS = (
    "query($id: ID!) { trackingEvents(filter: {shipmentId: $id}) { edges { node { status } } } }"
)
NODE = "query($id: ID!) { node(id: $id) { id } }"
SETTINGS = """mutation($input: SetShippingSettingsInput!) { setShippingSettings(input: $input) {
  shippingSettings { rule automaticDispatch currency } userErrors { field code } } }"""
READ_SETTINGS = "query($c: ID) { shippingSettings(clientId: $c) { rule automaticDispatch } }"
RETRY = """mutation($input: RetryDispatchInput!) { retryDispatch(input: $input) {
  userErrors { field code } } }"""


@pytest.fixture
def world(database, monkeypatch):
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    return make_shipping_world(database)


def test_an_account_is_created_with_its_secret_shown_once_and_never_its_key(world, gql):
    # when
    answer = gql(CREATE_ACCOUNT, {"input": {
        "clientId": world.tenant.clients["A"].global_id, "kind": "AGGREGATOR",
        "name": "EasyPost", "baseUrl": "https://api.example.com", "apiKey": "sk_live_secret",
    }}, key=world.tenant.key)["data"]["createCarrierAccount"]  # fmt: skip
    # then
    assert answer["userErrors"] == []
    account = answer["carrierAccount"]
    assert account["hasApiKey"] is True
    assert answer["webhookSecret"]
    assert account["webhookPath"].startswith(f"/carriers/aggregator/webhook/{world.provider}/")
    listed = gql(ACCOUNTS, key=world.tenant.clients["A"].key)
    assert "sk_live_secret" not in str(listed)
    assert "apiKey" not in str(listed)
    assert [e["node"]["name"] for e in listed["data"]["carrierAccounts"]["edges"]] == ["EasyPost"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"kind": "AGGREGATOR", "apiKey": "k"}, "baseUrl"),
     ({"kind": "AGGREGATOR", "baseUrl": "http://example.com", "apiKey": "k"}, "baseUrl"),
     ({"kind": "RATE_TABLE", "name": " "}, "name")],
)  # fmt: skip
def test_bad_accounts_are_refused_and_nothing_is_written(world, gql, database, fields, field):
    base = {"clientId": world.tenant.clients["A"].global_id, "name": "X"}
    answer = gql(CREATE_ACCOUNT, {"input": base | fields}, key=world.tenant.key)
    assert answer["data"]["createCarrierAccount"]["userErrors"][0]["field"] == field.split(".")
    assert count_rows(database, "carrier_accounts") == 0


def test_clients_cannot_manage_carrier_accounts(world, gql):
    answer = gql(CREATE_ACCOUNT, {"input": {
        "clientId": world.tenant.clients["A"].global_id, "kind": "RATE_TABLE", "name": "X",
    }}, key=world.tenant.clients["A"].key)  # fmt: skip
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_settings_are_set_by_the_provider_and_read_by_the_client(world, gql):
    client = world.tenant.clients["A"]
    changed = gql(SETTINGS, {"input": {"clientId": client.global_id, "rule": "FASTEST",
                                       "automaticDispatch": True}}, key=world.tenant.key)  # fmt: skip
    bad = gql(SETTINGS, {"input": {"clientId": client.global_id, "currency": "DOLLARS"}},
              key=world.tenant.key)  # fmt: skip
    euros = gql(SETTINGS, {"input": {"clientId": client.global_id, "currency": "EUR"}},
                key=world.tenant.key)  # fmt: skip
    read = gql(READ_SETTINGS, key=client.key)["data"]["shippingSettings"]
    other = gql(READ_SETTINGS, {"c": client.global_id}, key=world.tenant.clients["B"].key)
    assert changed["data"]["setShippingSettings"]["userErrors"] == []
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert euros["data"]["setShippingSettings"]["shippingSettings"]["currency"] == "EUR"
    assert read == {"rule": "FASTEST", "automaticDispatch": True}
    assert other["data"]["shippingSettings"] is None


SHIP_FROM = """mutation($input: SetShippingSettingsInput!) { setShippingSettings(input: $input) {
  shippingSettings { shipFrom { city country } } userErrors { field code } } }"""
READ_SHIP_FROM = "query($c: ID) { shippingSettings(clientId: $c) { shipFrom { city } } }"


@pytest.mark.parametrize(
    ("address", "field"),
    [({"name": "Hull depot", "line1": "1 Quay", "city": "Hull", "postalCode": "HU1", "country": "England"}, "country"),
     ({"name": "Hull depot", "line1": " ", "city": "Hull", "postalCode": "HU1", "country": "GB"}, "line1")],
)  # fmt: skip
def test_a_bad_ship_from_is_refused_by_its_own_field_and_changes_nothing(
    world, gql, address, field
):
    # given: the client ships from a depot
    client = world.tenant.clients["A"]
    depot = {
        "name": "ACME",
        "line1": "2 Dock Rd",
        "city": "Leeds",
        "postalCode": "LS1",
        "country": "GB",
    }
    gql(SHIP_FROM, {"input": {"clientId": client.global_id, "shipFrom": depot}},
        key=world.tenant.key)  # fmt: skip
    # when: a bad address is sent with another change
    answer = gql(SHIP_FROM, {"input": {"clientId": client.global_id, "shipFrom": address,
                                       "automaticDispatch": True}}, key=world.tenant.key)  # fmt: skip
    # then: the error names shipFrom's part, and neither change was kept
    payload = answer["data"]["setShippingSettings"]
    assert payload["userErrors"][0]["field"] == ["shipFrom", field]
    assert payload["shippingSettings"] is None
    read = gql(READ_SETTINGS.replace("automaticDispatch", "automaticDispatch shipFrom { city }"),
               {"c": client.global_id}, key=world.tenant.key)["data"]["shippingSettings"]  # fmt: skip
    assert read == {"rule": "CHEAPEST", "automaticDispatch": False, "shipFrom": {"city": "Leeds"}}


def test_one_providers_staff_cannot_set_another_providers_client_settings(world, gql, database):
    # given: another provider's key
    other = make_tenant(database, "other", clients=("Z",))
    client = world.tenant.clients["A"]
    # when: it sets Northwind's client's settings
    answer = gql(SETTINGS, {"input": {"clientId": client.global_id, "automaticDispatch": True}},
                 key=other.key)  # fmt: skip
    # then: the client is unknown to it and nothing changed
    assert answer["data"]["setShippingSettings"]["userErrors"][0]["code"] == "NOT_FOUND"
    read = gql(READ_SETTINGS, {"c": client.global_id}, key=world.tenant.key)
    assert read["data"]["shippingSettings"]["automaticDispatch"] is False


def ship_one(world) -> None:
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    world.packed()
    event = world.events(Topic.FULFILLMENT_PACKED)[-1]
    dispatch.dispatch_fulfillment(world.provider, str(event.id))


def test_shipments_and_their_events_stay_in_their_tenant_and_client(world, gql, database):
    # given: a shipment of Northwind's client A, and another tenant
    ship_one(world)
    [shipment] = world.shipments()
    shipment_id = global_id("Shipment", shipment.id)
    account_id = global_id("CarrierAccount", shipment.carrier_account_id)
    fo_id = global_id("FulfillmentOrder", shipment.fulfillment_order_id)
    other = make_shipping_world(database, "Other")
    outsiders = [other.tenant.key, other.tenant.clients["A"].key, world.tenant.clients["B"].key]
    # when / then: the owner and its client see it
    for key in (world.tenant.key, world.tenant.clients["A"].key):
        [edge] = gql(SHIPMENTS, key=key)["data"]["shipments"]["edges"]
        assert edge["node"]["trackingNumber"] == shipment.tracking_number
        assert edge["node"]["fulfillmentOrder"]["dispatch"] == {"status": "SHIPPED", "attempts": 1}
        assert gql(NODE, {"id": shipment_id}, key=key)["data"]["node"] is not None
    # and nobody else does, by list, node or mutation
    for key in outsiders:
        assert gql(SHIPMENTS, key=key)["data"]["shipments"]["edges"] == []
        assert gql(EVENTS, {"id": shipment_id}, key=key)["data"]["trackingEvents"]["edges"] == []
        assert gql(NODE, {"id": shipment_id}, key=key)["data"]["node"] is None
        assert gql(NODE, {"id": account_id}, key=key)["data"]["node"] is None
    for key in (other.tenant.key,):
        assert gql(ACCOUNTS, key=key)["data"]["carrierAccounts"]["edges"] == []
        update = gql(UPDATE_ACCOUNT, {"input": {"id": account_id, "enabled": False}}, key=key)
        assert update["data"]["updateCarrierAccount"]["userErrors"][0]["code"] == "NOT_FOUND"
        retry = gql(RETRY, {"input": {"id": fo_id}}, key=key)
        assert retry["data"]["retryDispatch"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert (
        gql(ACCOUNTS, key=world.tenant.clients["B"].key)["data"]["carrierAccounts"]["edges"] == []
    )
