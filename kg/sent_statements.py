"""Statements about shared nodes that a load has already sent to the store, so they are not sent again.

Every mapped trial carries the descriptions of the shared nodes it names (its
sponsor's name, its sites' addresses, its conditions' MeSH terms ...), so that a
trial is complete on its own and can be loaded, replaced or checked alone. Over
a whole load most of those lines repeat: at 20,000 trials 2.7 M of the 7.1 M
statements were repeats, and the store's bulk loader spent about a quarter of
its time taking them in only to find them there already. A load streams each
line of the entities graph once; the store ends up with the same statements.

Memory is bounded by keeping two generations of lines: when the newer one is
full, the older one is dropped and the newer becomes older. A line seen again
is promoted to the newer generation, so the lines of big sponsors and common
conditions stay while the long tail is forgotten. A forgotten line that comes
back is only sent again, which the store takes as a no-op.

What has been sent must still be in the store for a line to be left out, so a
load calls ``forget`` whenever that may no longer hold: after nodes were pruned
(their descriptions removed) and after the store refused text (what was sent
with the refused trials never landed).
"""

from __future__ import annotations

from kg.iris import ENTITIES_GRAPH_REF

__all__ = ["SentStatements"]

_SHARED_LINE_END = f" <{ENTITIES_GRAPH_REF}> .".encode()
_LINE_OVERHEAD = 80
"""Bytes a held line costs beyond its text (object header and set slot), for the memory bound."""


class SentStatements:
    """Filters N-Quads text down to the lines not yet sent, for the lines of the entities graph."""

    def __init__(self, budget_bytes: int = 128 * 1024**2) -> None:
        self.budget_bytes = budget_bytes
        """Memory one generation of lines may take; both together take at most twice this."""
        self._newer: set[bytes] = set()
        self._older: set[bytes] = set()
        self._newer_bytes = 0
        self.left_out = 0
        """Lines left out so far (for measurements)."""

    def unsent(self, text: bytes) -> bytes:
        """``text`` without the entities-graph lines sent before; those it has are taken as sent."""
        kept: list[bytes] = []
        for line in text.split(b"\n"):
            if line.endswith(_SHARED_LINE_END):
                if line in self._newer:
                    self.left_out += 1
                    continue
                seen = line in self._older
                self._remember(line)
                if seen:
                    self.left_out += 1
                    continue
            kept.append(line)
        return b"\n".join(kept)

    def forget(self) -> None:
        """Take nothing as sent any more (the store may have lost some of it)."""
        self._newer, self._older, self._newer_bytes = set(), set(), 0

    def _remember(self, line: bytes) -> None:
        self._newer.add(line)
        self._newer_bytes += len(line) + _LINE_OVERHEAD
        if self._newer_bytes >= self.budget_bytes:
            self._older, self._newer, self._newer_bytes = self._newer, set(), 0
