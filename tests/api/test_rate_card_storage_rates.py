"""A rate card's per-warehouse storage rates by createRateCard: saved with the version, each
refusal naming its row's field and adding nothing, and no warehouse of another provider."""

from __future__ import annotations

import pytest

from tests.catalog_factories import make_warehouse
from tests.factories import count_rows, global_id, make_tenant

CREATE = """mutation($input: CreateRateCardInput!) { createRateCard(input: $input) {
  rateCard { version storageRates { warehouseId perUnitDay perCubicMetreDay } }
  userErrors { field code } } }"""


@pytest.fixture
def tenant(database):
    return make_tenant(database)


def card(warehouse: str, **rates: str) -> dict:
    """A default card input with one warehouse's storage rates."""
    return {
        "currency": "USD",
        "effectiveFrom": "2031-01-01T00:00:00Z",
        "storagePerUnitDay": "0.05",
        "storageRates": [{"warehouseId": warehouse} | rates],
    }


def test_a_warehouse_storage_rate_is_saved_with_the_version(database, gql, tenant):
    # given
    berlin = global_id("Warehouse", make_warehouse(database, tenant, "BER1"))
    # when
    answer = gql(CREATE, {"input": card(berlin, perUnitDay="0.02", perCubicMetreDay="1.10")},
                 key=tenant.key)["data"]["createRateCard"]  # fmt: skip
    # then
    assert answer["userErrors"] == []
    assert answer["rateCard"]["storageRates"] == [
        {"warehouseId": berlin, "perUnitDay": "0.02", "perCubicMetreDay": "1.1"}
    ]


@pytest.mark.parametrize(
    ("second", "field", "code"),
    [({"perUnitDay": "-1"}, ["storageRates", "1", "perUnitDay"], "INVALID"),
     ({"perCubicMetreDay": "1E+13"}, ["storageRates", "1", "perCubicMetreDay"], "OUT_OF_RANGE"),
     ({"same": True}, ["storageRates", "1", "warehouseId"], "DUPLICATE")],
)  # fmt: skip
def test_a_bad_storage_rate_is_refused_on_its_row_and_adds_nothing(
    database, gql, tenant, second, field, code
):
    # given: a good first row
    berlin = global_id("Warehouse", make_warehouse(database, tenant, "BER1"))
    paris = global_id("Warehouse", make_warehouse(database, tenant, "PAR1"))
    rates = {k: v for k, v in second.items() if k != "same"}
    row = {"warehouseId": berlin if second.get("same") else paris} | rates
    input = card(berlin, perUnitDay="0.02")
    input["storageRates"].append(row)
    # when
    answer = gql(CREATE, {"input": input}, key=tenant.key)["data"]["createRateCard"]
    # then: the error names the second row's field, and no card or rate was added
    assert answer["rateCard"] is None
    assert answer["userErrors"][0]["field"] == field
    assert answer["userErrors"][0]["code"] == code
    assert count_rows(database, "rate_cards") == 0
    assert count_rows(database, "storage_rates") == 0


def test_another_providers_warehouse_is_unknown_and_nothing_is_added(database, gql, tenant):
    # given: a warehouse of another provider
    other = make_tenant(database, "Other", clients=("Z",))
    theirs = global_id("Warehouse", make_warehouse(database, other, "LON1"))
    # when
    answer = gql(CREATE, {"input": card(theirs, perUnitDay="0.02")}, key=tenant.key)
    # then: refused as if it did not exist, on its row
    payload = answer["data"]["createRateCard"]
    assert payload["rateCard"] is None
    assert payload["userErrors"] == [
        {"field": ["storageRates", "0", "warehouseId"], "code": "NOT_FOUND"}
    ]
    assert count_rows(database, "rate_cards") == 0
