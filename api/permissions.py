"""Declared authorization: a field names the scope it needs and whether only providers may call."""

from __future__ import annotations

from functools import cache
from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from api.errors import PublicError


class _Requires(BasePermission):
    scope: str | None = None
    provider_only: bool = False

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        caller = await info.context.scope()
        if self.provider_only and not caller.is_provider:
            raise PublicError("FORBIDDEN", "Only a provider key may do this.")
        if self.scope is not None and not caller.allows(self.scope):
            raise PublicError(
                "MISSING_SCOPE", f"This API key lacks the scope {self.scope!r} this needs."
            )
        return True


@cache
def requires(scope: str | None = None, *, provider_only: bool = False) -> type[BasePermission]:
    """A permission class: authenticated, holding `scope`, and a provider if asked."""
    name = f"Requires_{(scope or 'key').replace(':', '_')}{'_provider' if provider_only else ''}"
    return type(name, (_Requires,), {"scope": scope, "provider_only": provider_only})


authenticated = requires()
"""Any valid key."""
