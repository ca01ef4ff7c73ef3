"""Unexpected errors reach the caller as an id only; the log has the rest, minus row values."""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError

import api.relay
from tests.factories import global_id, make_tenant

SECRET = "whsec_do_not_leak_0123456789"


def test_an_unexpected_database_error_is_masked_and_logged_without_its_parameters(
    database, gql, monkeypatch, caplog
):
    # given: the database fails while reading a row, with a secret among the parameters
    tenant = make_tenant(database)

    def failing(*args, **kwargs):
        raise OperationalError(
            "SELECT * FROM webhook_endpoints WHERE secret = %(secret)s",
            {"secret": SECRET},
            Exception("server closed the connection unexpectedly"),
        )

    monkeypatch.setattr(api.relay, "_rows_by_id", failing)
    caplog.set_level(logging.ERROR, logger="crossdock.api")
    # when
    result = gql(
        '{{ node(id: "{}") {{ id }} }}'.format(global_id("Client", tenant.clients["A"].id)),
        key=tenant.key,
    )
    # then: the caller sees an id, nothing of the statement
    error = result["errors"][0]
    error_id = error["extensions"]["errorId"]
    assert error["extensions"]["code"] == "INTERNAL_ERROR"
    assert error["message"] == f"Internal error {error_id}. It has been logged."
    assert "SELECT" not in str(result)
    assert SECRET not in str(result)
    # and the log has the error under that id, without the parameters
    logged = caplog.text
    assert error_id in logged
    assert "server closed the connection" in logged
    assert SECRET not in logged


def test_expected_refusals_are_not_masked(database, gql):
    result = gql("{ viewer { kind } }", key="cdk_abcdefghijkl_" + "x" * 43)
    assert result["errors"][0]["extensions"] == {"code": "INVALID_API_KEY"}
