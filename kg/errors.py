"""Typed errors of the toolkit, each mapped to a documented exit status.

Library code raises these and never prints or exits; the CLI turns them into
one-line messages and exit codes (0 all good, 1 some records rejected,
2 usage error or no readable input).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["KgError", "NoInputError", "RecordError", "Rejection", "UsageError"]


class KgError(Exception):
    """Base of every error the toolkit raises on purpose."""

    exit_status = 2


class UsageError(KgError):
    """The command was called wrongly (bad option, unknown format)."""


class NoInputError(KgError):
    """No readable input was given (missing files, nothing recognisable)."""


@dataclass(frozen=True, slots=True)
class Rejection:
    """One bad record: which file, which record in it, which field, and why.

    ``record`` is the NCT id when it could be read, else the record's position
    (``#3``, ``line 17``, an archive member). ``field`` names the field at fault
    (``nct_id``, ``json``, ``xml``, ``root`` ...).
    """

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: record {self.record}: field {self.field}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class RecordError(KgError):
    """A record that cannot be converted; carries its ``Rejection``."""

    exit_status = 1

    def __init__(self, rejection: Rejection) -> None:
        super().__init__(str(rejection))
        self.rejection = rejection
