"""Demo data for `crossdock serve --demo`: a provider, two clients, stock, keys for GraphiQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.billing.rate_cards import NewRateCard, create_rate_card
from domain.catalog import service as catalog
from domain.catalog.locations import create_merchant_location
from domain.catalog.models import Product
from domain.inventory import ledger
from domain.inventory.inbound import (
    LineQuantity,
    create_inbound_shipment,
)
from domain.inventory.models import MovementKind
from domain.shipping.accounts import AccountChanges, create_carrier_account
from domain.shipping.models import CarrierKind
from domain.suppliers.catalog import link_product, set_service_levels
from domain.suppliers.stock import report_available
from persistence.base import utcnow
from persistence.unit_of_work import UnitOfWork, bind_tenant
from services.stock import receive_inbound_shipment
from tenants import service, users
from tenants.models import KeyKind, Provider, Supplier
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork

DEMO_PROVIDER_ID = uuid.UUID("0190c0de-0000-7000-8000-00000000de70")
"""The demo tenant's well-known id: a re-run finds it (row-level security shows nothing else)."""
DEMO_PROVIDER_NAME = "Northwind Fulfilment"

WAREHOUSES = (
    ("RNO", "Reno DC", "1 Dock Rd", "Reno", "NV", "89501", "America/Los_Angeles"),
    ("ATL", "Atlanta DC", "200 Freight Ave", "Atlanta", "GA", "30301", "America/New_York"),
)
PRODUCTS = {
    "ACME": (
        ("TENT-2P", "Two-person tent", 2300, (550, 200, 180), "189.00", 40, 10),
        ("STOVE-1", "Camp stove", 900, (250, 150, 120), "59.50", 25, 5),
        ("LAMP-LED", "LED lantern", 400, (180, 100, 100), "24.99", 4, 10),
    ),
    "BOLT": (
        ("BEAN-1KG", "Espresso beans 1 kg", 1050, (250, 150, 90), "21.00", 120, 30),
        ("GRIND-1", "Burr grinder", 2600, (300, 200, 350), "129.00", 8, 2),
    ),
}


DROP_SHIP = ("TRAIL", "Trail Gear Co", "HAMMOCK-1", "Ultralight hammock", "TG-HAM-1", 25)
"""A supplier, and a product of ACME's only it carries (no warehouse stocks it), with its stock."""

DEFAULT_RATES = {
    "receiving_per_unit": "0.25",
    "receiving_per_asn": "15.00",
    "storage_per_unit_day": "0.02",
    "pick_per_order": "2.50",
    "pick_per_additional_unit": "0.40",
    "packaging_per_order": "0.75",
    "shipping_markup_percent": "8",
    "monthly_minimum": "250.00",
    "drop_ship_per_order": "1.50",
    "drop_ship_per_unit": "0.20",
}


DEMO_USERS = (
    # face, e-mail, name, role, client or supplier code, password (known: demo only)
    ("staff", "ops@northwind.example", "Olivia Ortega", Role.PROVIDER_ADMIN, None,
     "northwind-demo-staff"),
    ("merchant", "merchant@acme.example", "Marco Rossi", Role.CLIENT_ADMIN, "ACME",
     "acme-demo-merchant"),
    ("supplier", "supplier@trailgear.example", "Sam Lee", Role.SUPPLIER, "TRAIL",
     "trail-demo-supplier"),
)  # fmt: skip
"""One person per face of the web app. Their passwords are printed and in this file:
fine for a demo on a laptop, never for a real tenant."""


@dataclass(frozen=True)
class Demo:
    """What the demo made, and the keys and sign-ins to use it."""

    provider_key: str
    client_key: str
    other_client_key: str
    supplier_key: str

    def describe(self, url: str) -> str:
        """Instructions printed at start."""
        app = url.removesuffix("/graphql")
        people = "".join(
            f"  {face:<9}{email:<28}password {password}\n"
            for face, email, _, _, _, password in DEMO_USERS
        )
        return (
            f"Crossdock demo at {url}\n"
            f"  provider key (Northwind Fulfilment): {self.provider_key}\n"
            f"  client key (ACME Outdoor):           {self.client_key}\n"
            f"  client key (Bolt Coffee):            {self.other_client_key}\n"
            f"  supplier key (Trail Gear Co):        {self.supplier_key}\n"
            "Send one as the header  Authorization: Bearer <key>\n"
            f"Sign in to the web app at {app}/ as (demo passwords):\n"
            f"{people}"
        ).rstrip("\n")


@dataclass(frozen=True)
class ExistingDemo:
    """A demo seeded by an earlier run: its keys cannot be shown again (only hashes are kept)."""

    provider_id: uuid.UUID
    name: str
    seeded_at: datetime

    def describe(self, url: str) -> str:
        """What a re-run did (nothing) and how to get keys or start over."""
        return (
            f"Crossdock demo at {url}\n"
            f"  demo data already present: provider {self.name} ({self.provider_id}),"
            f" seeded {self.seeded_at:%Y-%m-%d %H:%M} UTC; nothing was added.\n"
            "  Its keys were shown when it was first seeded and cannot be shown again"
            " (only their hashes are stored).\n"
            f"  A new key:  crossdock key create --provider {self.provider_id}"
            " [--kind client --client ACME]\n"
            "  Start over: crossdock serve --demo --reset  (on SQLite: deletes the database file)\n"
            "  The demo's people sign in as before (unless their passwords were changed):\n"
            + "".join(
                f"  {face:<9}{email:<28}password {password}\n"
                for face, email, _, _, _, password in DEMO_USERS
            )
        ).rstrip("\n")


def ensure_demo(unit: UnitOfWork) -> Demo | ExistingDemo:
    """Seed the demo tenant unless an earlier run did; never a second copy."""
    bind_tenant(unit.session, DEMO_PROVIDER_ID)
    operator = TenantUnitOfWork.sharing(unit, TenantScope.operator(DEMO_PROVIDER_ID))
    existing = operator.scalar(operator.select(Provider))
    if existing is not None:
        return ExistingDemo(existing.id, existing.name, existing.created_at)
    return seed_demo(unit)


def seed_demo(unit: UnitOfWork) -> Demo:
    """Create the demo tenant: clients, keys, two warehouses, products and received stock."""
    provider, provider_key = service.create_provider(
        unit, DEMO_PROVIDER_NAME, provider_id=DEMO_PROVIDER_ID
    )
    uow = TenantUnitOfWork.sharing(unit, TenantScope.operator(provider.id))
    clients = {
        "ACME": service.create_client(uow, "ACME", "ACME Outdoor"),
        "BOLT": service.create_client(uow, "BOLT", "Bolt Coffee"),
    }
    keys = {
        code: service.create_api_key(
            uow, name=f"{client.name} portal", kind=KeyKind.CLIENT, client_id=client.id
        )
        for code, client in clients.items()
    }
    warehouses = [
        catalog.create_warehouse(
            uow,
            {
                "code": code,
                "name": name,
                "address_line1": line1,
                "city": city,
                "region": region,
                "postal_code": postal_code,
                "country": "US",
                "timezone": timezone,
            },
        )
        for code, name, line1, city, region, postal_code, timezone in WAREHOUSES
    ]
    _default_rate_card(uow)
    supplier, supplier_key = _drop_ship_supplier(uow, clients["ACME"].id)
    owners = {code: client.id for code, client in clients.items()}
    for _, email, name, role, owner, password in DEMO_USERS:
        users.create_user(
            uow, email=email, name=name, password=password, role=role,
            client_id=owners.get(owner or ""),
            supplier_id=supplier.id if owner == DROP_SHIP[0] else None,
        )  # fmt: skip
    for code, products in PRODUCTS.items():
        _stock_client(uow, clients[code].id, warehouses[0].id, products)
        create_carrier_account(
            uow,
            clients[code].id,
            CarrierKind.RATE_TABLE,
            AccountChanges(name="crossdock-post"),
        )
    _merchant_location(uow, clients["ACME"].id)
    return Demo(
        provider_key=provider_key.plaintext,
        client_key=keys["ACME"].plaintext,
        other_client_key=keys["BOLT"].plaintext,
        supplier_key=supplier_key,
    )


def _drop_ship_supplier(uow: TenantUnitOfWork, client_id: uuid.UUID) -> tuple[Supplier, str]:
    """A drop-ship supplier carrying a product of the client's no warehouse holds, and its key."""
    code, name, sku, product_name, supplier_sku, available = DROP_SHIP
    supplier = service.create_supplier(uow, code, name)
    set_service_levels(uow, supplier.id, acknowledge_within_hours=24, ship_within_hours=72)
    product = catalog.create_product(uow, client_id, {"sku": sku, "name": product_name})
    link = link_product(
        uow,
        supplier.id,
        product.id,
        {"supplier_sku": supplier_sku, "unit_cost": Decimal("31.00"), "currency": "USD"},
    )
    report_available(uow, link, available)
    key = service.create_api_key(
        uow, name=f"{name} portal", kind=KeyKind.SUPPLIER, supplier_id=supplier.id
    )
    return supplier, key.plaintext


def _merchant_location(uow: TenantUnitOfWork, client_id: uuid.UUID) -> None:
    """ACME's own shop in Boulder, holding a few stoves it ships itself."""
    shop = create_merchant_location(
        uow,
        client_id,
        {
            "code": "SHOP-BOULDER",
            "name": "ACME Boulder store",
            "address_line1": "1200 Pearl St",
            "city": "Boulder",
            "region": "CO",
            "postal_code": "80302",
            "country": "US",
            "timezone": "America/Denver",
        },
    )
    stove = uow.scalar(
        uow.select(Product).where(Product.client_id == client_id, Product.sku == "STOVE-1")
    )
    level = ledger.ensure_level(uow, client_id, stove.id, shop.id)
    ledger.post(uow, level, MovementKind.RECEIPT, on_hand=3, reason="opening stock")


def _default_rate_card(uow: TenantUnitOfWork) -> None:
    """The provider's default prices, in force from the start of this month."""
    now = utcnow()
    create_rate_card(
        uow,
        NewRateCard(
            client_id=None,
            effective_from=now.replace(day=1, hour=0, minute=0, second=0, microsecond=0),
            currency="USD",
            rates={name: Decimal(price) for name, price in DEFAULT_RATES.items()},
            note="demo default",
        ),
    )


def _stock_client(uow: TenantUnitOfWork, client_id, warehouse_id, products) -> None:
    lines = []
    for sku, name, grams, (length, width, height), value, stock, reorder in products:
        product = catalog.create_product(
            uow,
            client_id,
            {
                "sku": sku,
                "name": name,
                "weight_grams": grams,
                "length_mm": length,
                "width_mm": width,
                "height_mm": height,
                "declared_value": Decimal(value),
                "currency": "USD",
                "reorder_point": reorder,
            },
        )
        lines.append(LineQuantity(product.id, stock))
    inbound = create_inbound_shipment(
        uow,
        client_id=client_id,
        warehouse_id=warehouse_id,
        reference=f"ASN-OPENING-{str(client_id)[:8]}",
        lines=lines,
    )
    receive_inbound_shipment(uow, inbound.shipment.id, lines, note="opening stock")
