"""GraphQL documents the order API tests send."""

from __future__ import annotations

ORDER_FIELDS = """
  id externalReference status serviceLevel createdAt updatedAt
  shipTo { name city postalCode country }
  client { code }
  lines { lineNumber sku quantity allocatedQuantity backorderedQuantity product { sku } }
  fulfillmentOrders { id status carrier trackingNumber warehouse { code } lines { quantity product { sku } } }
  holds { id reason note placedBy releasedAt }
"""
ERRORS = "userErrors { field code message }"

CREATE = f"""
mutation($input: CreateOrderInput!) {{
  createOrder(input: $input) {{ created order {{ {ORDER_FIELDS} }} {ERRORS} }}
}}
"""
ORDER = f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Order { externalReference status }
    ... on FulfillmentOrder { fulfillmentStatus: status warehouse { code } }
    ... on OrderHold { reason }
  }
}
"""
ORDERS = """
query($first: Int, $after: String, $filter: OrderFilterInput, $sort: OrderSort) {
  orders(first: $first, after: $after, filter: $filter, sort: $sort) {
    edges { cursor node { externalReference status } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
PLACE_HOLD = f"""
mutation($order: ID!, $reason: HoldReason!, $note: String) {{
  placeOrderHold(input: {{id: $order, reason: $reason, note: $note}}) {{
    hold {{ id reason placedBy releasedAt }} order {{ status }} {ERRORS}
  }}
}}
"""
RELEASE_HOLD = f"""
mutation($id: ID!) {{
  releaseOrderHold(input: {{id: $id}}) {{ hold {{ releasedBy releasedAt }} order {{ status }} {ERRORS} }}
}}
"""
CANCEL = f"""
mutation($id: ID!) {{
  cancelOrder(input: {{id: $id}}) {{ order {{ status lines {{ allocatedQuantity backorderedQuantity }} }} {ERRORS} }}
}}
"""
STEP = """
mutation($id: ID!) {{
  {name}(input: {{id: $id}}) {{
    fulfillmentOrder {{ status }} order {{ status }} userErrors {{ field code message }}
  }}
}}
"""
SHIP = f"""
mutation($id: ID!, $carrier: String!, $tracking: String!) {{
  markShipped(input: {{id: $id, carrier: $carrier, trackingNumber: $tracking}}) {{
    fulfillmentOrder {{ status carrier trackingNumber shippedAt }} order {{ status }} {ERRORS}
  }}
}}
"""


def step(name: str) -> str:
    """The document of one fulfillment step mutation."""
    return STEP.format(name=name)
