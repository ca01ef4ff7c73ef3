"""Demo data for `crossdock serve --demo`: a provider, two clients, keys for GraphiQL."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tenants import service
from tenants.models import KeyKind
from tenants.scope import TenantScope


@dataclass(frozen=True)
class Demo:
    """What the demo made, and the keys to use it."""

    provider_key: str
    client_key: str
    other_client_key: str

    def describe(self, url: str) -> str:
        """Instructions printed at start."""
        return (
            f"Crossdock demo at {url}\n"
            f"  provider key (Northwind Fulfilment): {self.provider_key}\n"
            f"  client key (ACME Outdoor):           {self.client_key}\n"
            f"  client key (Bolt Coffee):            {self.other_client_key}\n"
            "Send one as the header  Authorization: Bearer <key>"
        )


def seed_demo(session: Session) -> Demo:
    """Create the demo tenant with its clients and keys (a new provider on every run)."""
    provider, provider_key = service.create_provider(session, "Northwind Fulfilment")
    scope = TenantScope.operator(provider.id)
    acme = service.create_client(session, scope, "ACME", "ACME Outdoor")
    bolt = service.create_client(session, scope, "BOLT", "Bolt Coffee")
    acme_key = service.create_api_key(
        session, scope, name="ACME portal", kind=KeyKind.CLIENT, client_id=acme.id
    )
    bolt_key = service.create_api_key(
        session, scope, name="Bolt shop", kind=KeyKind.CLIENT, client_id=bolt.id
    )
    return Demo(
        provider_key=provider_key.plaintext,
        client_key=acme_key.plaintext,
        other_client_key=bolt_key.plaintext,
    )
