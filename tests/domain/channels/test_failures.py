"""One place records a connection's failures: the last error shown, the provider told."""

from __future__ import annotations

from domain.channels.adapter import PermanentChannelError, TransientChannelError
from domain.channels.failures import clear_error, import_failed, sync_failed
from domain.channels.models import ChannelConnection
from domain.outbox.events import Topic
from tests.channel_factories import channel_world, row_id

__all__ = ["channel_world"]


def test_each_failure_is_shown_and_told_with_the_connection_client_and_kind(channel_world):
    # given a connection
    world = channel_world
    connection_id = row_id(world.connect()["channelConnection"]["id"])
    client_id = str(world.tenant.clients["A"].id)
    # when an import fails, one is shown again without telling, and two syncs fail
    with world.uow() as uow:
        connection = uow.get(ChannelConnection, connection_id, lock=True)
        import_failed(uow, connection, "1001", "shipping: required")
        import_failed(uow, connection, "1001", "shipping: required", tell=False)
        sync_failed(uow, connection, "poll", TransientChannelError("503 " + "x" * 2000))
        sync_failed(uow, connection, "stock push", PermanentChannelError("401"))
        uow.commit()
    # then the last one is shown, and each told one is a webhook to the provider
    row = world.connection(connection_id)
    assert row.last_error == "stock push: 401"
    assert row.last_error_at is not None
    [imported] = world.events(Topic.CHANNEL_IMPORT_FAILED.value)
    assert imported.payload == {
        "connection_id": str(connection_id),
        "client_id": client_id,
        "kind": "woocommerce",
        "channel_order_id": "1001",
        "message": "shipping: required",
    }
    synced = sorted(
        (e.payload for e in world.events(Topic.CHANNEL_SYNC_FAILED.value)),
        key=lambda p: str(p["work"]),
    )
    assert [(p["work"], p["transient"], len(str(p["message"]))) for p in synced] == [
        ("poll", True, 1000),
        ("stock push", False, len("stock push: 401")),
    ]
    assert {(p["connection_id"], p["client_id"], p["kind"]) for p in synced} == {
        (str(connection_id), client_id, "woocommerce")
    }


def test_a_failed_import_is_shown_with_its_order_id_and_cleared(channel_world):
    world = channel_world
    connection_id = row_id(world.connect()["channelConnection"]["id"])
    with world.uow() as uow:
        connection = uow.get(ChannelConnection, connection_id, lock=True)
        import_failed(uow, connection, None, "unreadable")
        uow.commit()
    assert world.connection(connection_id).last_error == "Order ?: unreadable"
    with world.uow() as uow:
        clear_error(uow.get(ChannelConnection, connection_id, lock=True))
        uow.commit()
    row = world.connection(connection_id)
    assert (row.last_error, row.last_error_at) == (None, None)
