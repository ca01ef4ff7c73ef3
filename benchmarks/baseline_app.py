"""The hand-written baseline: plain Starlette + SQLAlchemy answering the benchmark's orders
page with the very JSON the GraphQL API returns, through the same key check and tenant scope."""

from __future__ import annotations

import base64
import os
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from crossdock.database import make_engine, make_session_factory
from domain.catalog.models import Product, Warehouse
from domain.orders.models import FulfillmentOrder, Order, OrderLine
from tenants.errors import AuthenticationError
from tenants.models import Client
from tenants.service import authenticate
from tenants.unit_of_work import TenantUnitOfWork


def create() -> Starlette:
    """The baseline app (uvicorn --factory)."""
    engine = make_engine(os.environ["CROSSDOCK_DATABASE_URL"])
    factory = make_session_factory(engine)

    def orders_page(request: Request) -> JSONResponse:
        token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        with factory() as session:
            try:
                scope = authenticate(session, token)
            except AuthenticationError as error:
                return JSONResponse({"errors": [{"message": error.message}]}, status_code=401)
        with TenantUnitOfWork(factory, scope) as uow:
            return JSONResponse({"data": {"orders": {"edges": _edges(uow, 50)}}})

    def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[Route("/orders", orders_page, methods=["POST"]), Route("/healthz", healthz)]
    )


def _edges(uow: TenantUnitOfWork, first: int) -> list[dict[str, Any]]:
    orders = uow.scalars(
        uow.select(Order).order_by(Order.created_at.desc(), Order.id.desc()).limit(first)
    ).all()
    order_ids = [o.id for o in orders]
    lines = uow.scalars(
        uow.select(OrderLine)
        .where(OrderLine.order_id.in_(order_ids))
        .order_by(OrderLine.line_number)
    ).all()
    products = {
        p.id: p
        for p in uow.scalars(
            uow.select(Product).where(Product.id.in_({line.product_id for line in lines}))
        )
    }
    fulfillments = uow.scalars(
        uow.select(FulfillmentOrder).where(FulfillmentOrder.order_id.in_(order_ids))
    ).all()
    warehouses = {
        w.id: w
        for w in uow.scalars(
            uow.select(Warehouse).where(Warehouse.id.in_({f.warehouse_id for f in fulfillments}))
        )
    }
    clients = {
        c.id: {"code": c.code, "name": c.name}
        for c in uow.scalars(uow.select(Client).where(Client.id.in_({o.client_id for o in orders})))
    }
    lines_by_order: dict[Any, list[dict[str, Any]]] = {}
    for line in lines:
        lines_by_order.setdefault(line.order_id, []).append(
            {
                "sku": line.sku,
                "quantity": line.quantity,
                "product": {"name": products[line.product_id].name},
            }
        )
    fulfillments_by_order: dict[Any, list[dict[str, Any]]] = {}
    for fulfillment in fulfillments:
        fulfillments_by_order.setdefault(fulfillment.order_id, []).append(
            {
                "status": fulfillment.status.name,
                "warehouse": {"code": warehouses[fulfillment.warehouse_id].code},
            }
        )
    return [
        {
            "node": {
                "id": base64.b64encode(f"Order:{order.id}".encode()).decode(),
                "externalReference": order.external_reference,
                "status": order.status.name,
                "createdAt": order.created_at.isoformat(),
                "client": clients[order.client_id],
                "lines": lines_by_order.get(order.id, []),
                "fulfillmentOrders": fulfillments_by_order.get(order.id, []),
            }
        }
        for order in orders
    ]
