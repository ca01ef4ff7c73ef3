"""Re-sealing every stored secret with the first key: one provider per transaction.

Idempotent: values already sealed with the first key are left alone, so a run that stopped
half-way (or a second run) only finishes the rest. Each row is locked while it is re-sealed,
so a concurrent change of the same secret is never overwritten with its old value.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Text, not_, select, type_coerce, update
from sqlalchemy.orm import Session, sessionmaker

from adapters.secrets import FernetSecretBox
from crossdock.secret_keys import SECRETS_TASK, sealed_columns
from domain.audit.trail import Actor, Change, record
from persistence.unit_of_work import UnitOfWork
from tenants.models import Provider

ROTATION_TASK = "secret_rotation"


def rotate_secrets(session_factory: sessionmaker[Session], box: FernetSecretBox) -> int:
    """Re-seal every provider's secrets with the box's first key; how many were re-sealed."""
    with UnitOfWork(session_factory, system_task=SECRETS_TASK) as uow:
        providers = list(uow.session.scalars(select(Provider.id)))
    total = 0
    for provider_id in providers:
        with UnitOfWork(session_factory, provider_id) as uow:
            count = reseal_provider(uow.session, provider_id, box)
            if count:
                change = Change("rotateSecrets", {"keyId": box.current_key_id, "resealed": count})
                record(uow.session, provider_id, Actor.system(ROTATION_TASK), change)
            uow.commit()
        total += count
    return total


def reseal_provider(session: Session, provider_id: uuid.UUID, box: FernetSecretBox) -> int:
    """Re-seal one provider's secrets not sealed with the first key; how many there were."""
    count = 0
    for table, column in sealed_columns():
        raw = type_coerce(table.c[column], Text())  # the stored text, not opened
        stale = (
            select(table.c.id, raw)
            .where(
                table.c.provider_id == provider_id,
                raw.is_not(None),
                not_(raw.startswith(box.current_prefix)),
            )
            .with_for_update()
        )
        for row_id, sealed in session.execute(stale).all():
            resealed = type_coerce(box.seal(box.open(sealed)), Text())
            session.execute(
                update(table)
                .where(table.c.provider_id == provider_id, table.c.id == row_id)
                .values({column: resealed})
            )
            count += 1
    return count
