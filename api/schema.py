"""The GraphQL schema: every area's queries and mutations, merged, with the shared limits."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import cache

import strawberry
from strawberry import relay
from strawberry.tools import merge_types

from api.audit import schema as audit
from api.billing import schema as billing
from api.catalog import schema as catalog
from api.channels import schema as channels
from api.descriptions import describe_from_docstrings
from api.direct_resolvers import resolve_directly
from api.errors import CrossdockSchema, error_masking
from api.events import schema as events
from api.inventory import schema as inventory
from api.limits.document import document_guard
from api.limits.extension import QueryCostLimit
from api.limits.validation import ValidationResults, validation_cache
from api.listing import describe_lists
from api.malformed_ids import refuse_malformed_ids
from api.money import DateTimeScalar, DecimalScalar
from api.mutations import describe_inputs
from api.operation_metrics import OperationMetrics
from api.orders import schema as orders
from api.routing import schema as routing
from api.shipping import schema as shipping
from api.suppliers import schema as suppliers
from api.tenants import schema as tenants
from api.users import schema as users
from api.webhooks import schema as webhooks


@strawberry.type
class NodeQuery:
    node: relay.Node | None = relay.node(description="Any object by its global id.")
    nodes: list[relay.Node | None] = relay.node(
        description="Objects by their global ids, in the same order; null where none is found."
    )


Query = merge_types(
    "Query",
    (
        NodeQuery,
        tenants.Query,
        users.Query,
        catalog.Query,
        inventory.Query,
        orders.Query,
        routing.Query,
        shipping.Query,
        suppliers.Query,
        webhooks.Query,
        billing.Query,
        audit.Query,
        channels.Query,
        events.Query,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        tenants.Mutation,
        users.Mutation,
        catalog.Mutation,
        inventory.Mutation,
        orders.Mutation,
        routing.Mutation,
        shipping.Mutation,
        suppliers.Mutation,
        webhooks.Mutation,
        billing.Mutation,
        channels.Mutation,
    ),
)


def build_schema(max_query_depth: int = 12) -> strawberry.Schema:
    """The schema with document caches, size, depth and cost limits, and error masking.

    Built once per process: strawberry's relay fields bind themselves at build time.
    """
    return _build(max_query_depth)


@cache
def _build(max_query_depth: int) -> strawberry.Schema:
    schema = CrossdockSchema(
        query=Query,
        mutation=Mutation,
        subscription=events.Subscription,
        scalar_overrides={Decimal: DecimalScalar, datetime: DateTimeScalar},
        extensions=[
            OperationMetrics,
            document_guard(max_query_depth),
            validation_cache(ValidationResults()),
            QueryCostLimit,
            error_masking,
        ],
    )
    refuse_malformed_ids(schema)
    describe_from_docstrings(schema._schema)
    describe_lists(schema._schema)
    describe_inputs(schema._schema)
    resolve_directly(schema)
    return schema
