"""What every format reader shares: the field-level error and NCT id checks."""

from __future__ import annotations

import re

__all__ = ["NCT_ID", "FieldError", "check_nct_id"]

NCT_ID = re.compile(r"^NCT\d{8}$")


class FieldError(ValueError):
    """A field of a record that cannot be read; the reader turns it into a ``Rejection``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def check_nct_id(value: object) -> str:
    """The NCT id, stripped; a missing or malformed id raises ``FieldError`` on ``nct_id``."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError("nct_id", "missing NCT id")
    nct_id = value.strip().upper()
    if not NCT_ID.match(nct_id):
        raise FieldError("nct_id", f"malformed NCT id {value.strip()!r}")
    return nct_id
