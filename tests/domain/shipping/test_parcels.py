"""One parcel from the units of an order: weights summed, units stacked flat, a default box."""

from __future__ import annotations

import pytest

from domain.addresses import Address
from domain.shipping.parcels import (
    DEFAULT_BOX_MM,
    PACKAGING_GRAMS,
    PADDING_MM,
    Parcel,
    ParcelItem,
    build_parcel,
)


def test_weight_is_units_times_quantity_plus_packaging():
    # given
    items = [ParcelItem(200, 100, 50, 20, 3), ParcelItem(1_000, 300, 200, 100, 1)]
    # when
    parcel = build_parcel(items)
    # then
    assert parcel.weight_grams == 3 * 200 + 1_000 + PACKAGING_GRAMS


def test_units_are_stacked_on_their_smallest_side():
    # given: books 240x170x30, laid flat, three high; and a 200x150x40 case
    items = [ParcelItem(400, 170, 240, 30, 3), ParcelItem(300, 40, 200, 150, 1)]
    # when
    parcel = build_parcel(items)
    # then
    pad = 2 * PADDING_MM
    assert (parcel.length_mm, parcel.width_mm, parcel.height_mm) == (
        240 + pad,
        170 + pad,
        3 * 30 + 40 + pad,
    )


def test_sides_come_longest_first_when_the_stack_is_tall():
    # when: ten 100x100x50 units stack 500 high
    parcel = build_parcel([ParcelItem(100, 100, 100, 50, 10)])
    # then
    assert (parcel.length_mm, parcel.width_mm, parcel.height_mm) == (540, 140, 140)


def test_unknown_dimensions_fall_back_to_the_default_box():
    # when
    parcel = build_parcel([ParcelItem(500, None, None, None, 2)])
    # then
    assert (parcel.length_mm, parcel.width_mm, parcel.height_mm) == DEFAULT_BOX_MM
    assert parcel.weight_grams == 1_000 + PACKAGING_GRAMS


def test_the_default_box_grows_to_fit_the_known_units():
    # when: one unit known and longer than the default box, one unknown
    parcel = build_parcel([ParcelItem(500, 600, 100, 50, 1), ParcelItem(100, 0, 10, 10, 1)])
    # then
    assert (parcel.length_mm, parcel.width_mm, parcel.height_mm) == (640, 200, 150)


def test_item_is_built_from_a_catalog_like_product():
    # given
    class Product:
        weight_grams, length_mm, width_mm, height_mm = 250, 10, 20, 30

    # when
    item = ParcelItem.of(Product(), 4)
    # then
    assert item == ParcelItem(250, 10, 20, 30, 4)
    assert item.dimensions == (10, 20, 30)


@pytest.mark.parametrize("items", [[], [ParcelItem(100, 1, 1, 1, 0)]])
def test_no_items_or_no_quantity_is_refused(items):
    with pytest.raises(ValueError, match=r"parcel|quantities"):
        build_parcel(items)


def test_parcel_and_address_refuse_nonsense():
    with pytest.raises(ValueError, match="positive"):
        Parcel(0, 10, 10, 10)
    with pytest.raises(ValueError, match="ISO-2"):
        Address(name="A", line1="1 St", city="X", postal_code="1", country="usa").deliverable()
    with pytest.raises(ValueError, match="line1"):
        Address(name="A", line1=" ", city="X", postal_code="1", country="US").deliverable()
