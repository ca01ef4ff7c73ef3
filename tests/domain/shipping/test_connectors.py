"""Carrier adapters behind the domain's interface: installed by the composition root."""

from __future__ import annotations

import pytest

from adapters.carriers.aggregator import AggregatorCarrier
from domain.shipping import accounts
from domain.shipping.carriers.base import PermanentCarrierError
from domain.shipping.carriers.rate_table import RateTableCarrier
from domain.shipping.models import CarrierAccount, CarrierKind


def account(kind: CarrierKind) -> CarrierAccount:
    return CarrierAccount(
        kind=kind, name="Acme Post", settings={"base_url": "https://agg.example"}, api_key="k"
    )


def test_the_installed_adapter_reaches_an_aggregator_account():
    carrier = accounts.build_carrier(account(CarrierKind.AGGREGATOR))
    try:
        assert isinstance(carrier, AggregatorCarrier)
        assert (carrier.code, carrier.base_url) == ("Acme Post", "https://agg.example")
    finally:
        accounts.close_carrier(carrier)


def test_without_an_installed_adapter_an_aggregator_account_fails_for_good(monkeypatch):
    monkeypatch.setattr(accounts, "_connectors", {})
    with pytest.raises(PermanentCarrierError) as refused:
        accounts.build_carrier(account(CarrierKind.AGGREGATOR))
    assert refused.value.code == "CARRIER_UNAVAILABLE"
    # the rate table needs no adapter: it prices from the account's own table
    assert isinstance(accounts.build_carrier(account(CarrierKind.RATE_TABLE)), RateTableCarrier)
