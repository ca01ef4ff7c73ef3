"""After creation, secrets never come back: not in answers, the audit trail, nor the logs."""

from __future__ import annotations

import logging

from tests.factories import make_tenant

CREATE_ENDPOINT = """mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { endpoint { id } secret userErrors { code } } }"""
CREATE_ACCOUNT = """mutation($input: CreateCarrierAccountInput!) {
  createCarrierAccount(input: $input) { carrierAccount { id } webhookSecret userErrors { code } } }"""
UPDATE_ACCOUNT = """mutation($input: UpdateCarrierAccountInput!) {
  updateCarrierAccount(input: $input) { carrierAccount { id hasApiKey } userErrors { field code
  message } } }"""
READ_BACK = """query($client: ID) {
  webhookEndpoints(first: 10) { edges { node { id url topics enabled } } }
  carrierAccounts(filter: {clientId: $client}) { edges { node { id name baseUrl hasApiKey } } }
  auditEvents(first: 50) { edges { node { mutation input } } } }"""
API_KEY = "sk_live_4f9a0c1d2e3b"


def test_secrets_are_shown_once_and_never_again(database, gql, caplog):
    # given
    tenant = make_tenant(database)
    client = tenant.clients["A"].global_id
    caplog.set_level(logging.DEBUG)
    # when
    endpoint = gql(
        CREATE_ENDPOINT,
        {"input": {"url": "https://hooks.example.com/x", "topics": ["ORDER_CREATED"]}},
        key=tenant.key,
    )["data"]["createWebhookEndpoint"]
    account = gql(
        CREATE_ACCOUNT,
        {
            "input": {
                "clientId": client,
                "kind": "AGGREGATOR",
                "name": "agg",
                "baseUrl": "https://carrier.example.com/api",
                "apiKey": API_KEY,
            }
        },
        key=tenant.key,
    )["data"]["createCarrierAccount"]
    too_long = gql(
        UPDATE_ACCOUNT,
        {"input": {"id": account["carrierAccount"]["id"], "apiKey": API_KEY * 100}},
        key=tenant.key,
    )["data"]["updateCarrierAccount"]
    read_back = gql(READ_BACK, {"client": client}, key=tenant.key)
    # then
    secrets = [endpoint["secret"], account["webhookSecret"], API_KEY]
    assert all(secrets)
    assert "errors" not in read_back
    assert too_long["userErrors"][0]["field"] == ["apiKey"]
    for secret in secrets:
        assert secret not in str(read_back)
        assert secret not in str(too_long)
        assert secret not in caplog.text
    assert read_back["data"]["carrierAccounts"]["edges"][0]["node"]["hasApiKey"] is True
