"""What of a mutation's input the audit trail keeps: everything but secrets, bounded."""

from __future__ import annotations

from typing import Any

REDACTED = "[redacted]"
SECRET_NAMES = frozenset(
    {"secret", "apikey", "apisecret", "password", "token", "webhooksecret", "key"}
)
"""Input names (case and underscores ignored) whose values are never kept."""
STRING_MAX = 500
LIST_MAX = 200
DEPTH_MAX = 12


def redact(value: Any, depth: int = 0) -> Any:
    """`value` as JSON with secrets replaced, long strings and lists cut, odd characters fixed."""
    if depth > DEPTH_MAX:
        return "[too deep]"
    if isinstance(value, dict):
        return {
            str(name): REDACTED if is_secret(str(name)) else redact(item, depth + 1)
            for name, item in value.items()
        }
    if isinstance(value, list | tuple):
        kept = [redact(item, depth + 1) for item in value[:LIST_MAX]]
        if len(value) > LIST_MAX:
            kept.append(f"[{len(value) - LIST_MAX} more]")
        return kept
    if isinstance(value, str):
        return _printable(value[:STRING_MAX])
    if value is None or isinstance(value, bool | int | float):
        return value
    return _printable(str(value)[:STRING_MAX])


def is_secret(name: str) -> bool:
    """Whether an input named `name` carries a secret (any name mentioning a password does)."""
    normalized = name.replace("_", "").lower()
    return normalized in SECRET_NAMES or "password" in normalized


def _printable(text: str) -> str:
    # PostgreSQL text cannot hold NUL, and a lone surrogate cannot be encoded at all.
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")
