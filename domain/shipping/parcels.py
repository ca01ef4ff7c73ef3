"""Parcels, and the parcel built from the units an order ships."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

PACKAGING_GRAMS = 150
"""Box, filler and tape added to the weight of the contents."""
PADDING_MM = 20
"""Added to every side of the stacked contents: the box wall and the filler around them."""
DEFAULT_BOX_MM = (300, 200, 150)
"""The box assumed when some unit has no dimensions (length, width, height)."""


@dataclass(frozen=True)
class Parcel:
    """One box: weight in grams, dimensions in millimetres, length >= width >= height."""

    weight_grams: int
    length_mm: int
    width_mm: int
    height_mm: int

    def __post_init__(self) -> None:
        if min(self.weight_grams, self.length_mm, self.width_mm, self.height_mm) <= 0:
            raise ValueError("parcel weight and dimensions must be positive")

    @property
    def volume_mm3(self) -> int:
        """Length x width x height."""
        return self.length_mm * self.width_mm * self.height_mm


class SizedProduct(Protocol):
    """What a parcel needs of a product; `domain.catalog.models.Product` fits."""

    weight_grams: int
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None


@dataclass(frozen=True)
class ParcelItem:
    """A quantity of one product going into the parcel; unknown dimensions are None."""

    weight_grams: int
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    quantity: int

    @classmethod
    def of(cls, product: SizedProduct, quantity: int) -> ParcelItem:
        """The item for `quantity` units of a catalog product."""
        return cls(
            product.weight_grams, product.length_mm, product.width_mm, product.height_mm, quantity
        )

    @property
    def dimensions(self) -> tuple[int, int, int] | None:
        """The unit's sides, smallest first, or None when any side is unknown."""
        if self.length_mm is None or self.width_mm is None or self.height_mm is None:
            return None
        smallest, middle, largest = sorted((self.length_mm, self.width_mm, self.height_mm))
        return None if smallest <= 0 else (smallest, middle, largest)


def build_parcel(items: Iterable[ParcelItem]) -> Parcel:
    """One parcel holding all items.

    Weight: the units' weights plus PACKAGING_GRAMS. Dimensions: every unit is laid
    flat (on its largest face) and stacked, so the stack is as high as the sum of the
    units' smallest sides and as long and wide as the largest unit; PADDING_MM is then
    added to each side. When any unit's dimensions are unknown, each side is at
    least that of DEFAULT_BOX_MM. The sides are returned longest first.
    """
    items = list(items)
    if not items:
        raise ValueError("a parcel needs at least one item")
    if any(item.quantity <= 0 or item.weight_grams < 0 for item in items):
        raise ValueError("item quantities must be positive and weights not negative")
    weight = PACKAGING_GRAMS + sum(item.weight_grams * item.quantity for item in items)
    known = [(sides, item.quantity) for item in items if (sides := item.dimensions) is not None]
    stack_height = sum(sides[0] * quantity for sides, quantity in known)
    width = max((sides[1] for sides, _ in known), default=0)
    length = max((sides[2] for sides, _ in known), default=0)
    box = [length + 2 * PADDING_MM, width + 2 * PADDING_MM, stack_height + 2 * PADDING_MM]
    if len(known) < len(items):
        box = [max(side, default) for side, default in zip(box, DEFAULT_BOX_MM, strict=True)]
    longest, middle, shortest = sorted(box, reverse=True)
    return Parcel(weight, longest, middle, shortest)
