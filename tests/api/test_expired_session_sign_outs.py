"""A session that ends by itself is recorded in the audit trail as a sign-out, once: when it
is next used, when its person signs in again, or by the hourly sweep, whichever comes first."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from persistence.base import utcnow
from tests.api.session_client import MERCHANT, STAFF, VIEWER, graphql, sign_in, signed_in
from tests.api.test_session_security import _age, _session_row
from tests.api.test_sign_in_audit import sign_ins


def _merchant_sign_outs(app) -> list[dict]:
    events = sign_ins(app, signed_in(app, STAFF))
    return [e for e in events if e["mutation"] == "signOut" and e["actorName"] == "Marco Rossi"]


@pytest.mark.parametrize(
    ("changes", "ended"),
    [
        pytest.param(
            lambda now: {"last_seen_at": now - timedelta(minutes=121)},
            lambda now: now - timedelta(minutes=1),  # idle for two hours
            id="idle",
        ),
        pytest.param(
            lambda now: {"expires_at": now - timedelta(minutes=5)},
            lambda now: now - timedelta(minutes=5),
            id="absolute",
        ),
    ],
)
def test_an_expired_session_used_again_is_recorded_as_one_sign_out(
    app, database, demo_keys, changes, ended
):
    # given: the merchant's session has ended by itself
    merchant = signed_in(app, MERCHANT)
    now = utcnow()
    _age(database, merchant, **changes(now))
    # when: the browser uses it, twice
    for _ in range(2):
        answer = graphql(app, merchant, VIEWER).json()
        assert answer["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"
    # then: one sign-out, marked as an expiry, at the moment the session ended
    [signed_out] = _merchant_sign_outs(app)
    assert signed_out["input"] == {"ended": "expired"}
    assert signed_out["outcome"] == "OK"
    at = datetime.fromisoformat(signed_out["occurredAt"])
    assert abs((at - ended(now)).total_seconds()) < 5


def test_signing_in_again_records_the_persons_ended_sessions(app, database, demo_keys):
    # given: a merchant session left idle past its limit
    merchant = signed_in(app, MERCHANT)
    _age(database, merchant, last_seen_at=utcnow() - timedelta(hours=3))
    # when: the merchant signs in afresh (which clears their ended sessions)
    assert sign_in(app, *MERCHANT).status_code == 200
    # then: the old session's end is recorded once, the explicit sign-in beside it
    [signed_out] = _merchant_sign_outs(app)
    assert signed_out["input"] == {"ended": "expired"}
    assert _session_row(database, merchant) is None


def test_an_explicit_sign_out_is_not_marked_as_expired(app, demo_keys):
    merchant = signed_in(app, MERCHANT)
    assert app.post("/auth/sign-out", headers=merchant.headers()).status_code == 204
    [signed_out] = _merchant_sign_outs(app)
    assert "ended" not in signed_out["input"]
