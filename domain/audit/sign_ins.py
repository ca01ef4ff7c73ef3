"""Sign-ins, refused sign-ins and sign-outs in the audit trail, as the person's own events.

Each is an event about the person (`objectType` User) with the person as actor, the
address signed in with and the client's IP address: never a password. A throttled
account is recorded once per block, so hammering it does not fill the trail.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.audit.models import ActorKind, AuditEvent
from domain.audit.trail import Actor, Change, record
from tenants.sign_in_records import SignInAction, SignInRecord, SignInRefusal

SIGN_IN_MUTATIONS = tuple(action.value for action in SignInAction)
"""The audit trail's `mutation` names of sign-in events."""


def record_sign_in(session: Session, what: SignInRecord) -> None:
    """Append `what` to its provider's trail, in the session's transaction (bound to it)."""
    if what.refusal is SignInRefusal.THROTTLED and _block_recorded(session, what):
        return
    actor = Actor(ActorKind.USER, what.user_name, what.user_id, what.client_id, what.supplier_id)
    details: dict[str, str] = {}
    if what.email:
        details["email"] = what.email
    if what.client_address:
        details["clientAddress"] = what.client_address
    if what.blocked_until is not None:
        details["blockedUntil"] = what.blocked_until.isoformat()
    if what.expired:
        details["ended"] = "expired"
    change = Change(what.action.value, details, "User", what.user_id)
    codes = [what.refusal.value] if what.refusal else []
    record(session, what.provider_id, actor, change, codes, at=what.at)


def _block_recorded(session: Session, what: SignInRecord) -> bool:
    """Whether the person's latest sign-in event already records this same block."""
    latest = session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.provider_id == what.provider_id,
            AuditEvent.object_type == "User",
            AuditEvent.object_id == what.user_id,
            AuditEvent.mutation == SignInAction.SIGN_IN.value,
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    if latest is None or latest.error_codes != [SignInRefusal.THROTTLED.value]:
        return False
    assert what.blocked_until is not None
    return latest.input.get("blockedUntil") == what.blocked_until.isoformat()
