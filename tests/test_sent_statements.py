"""Lines about shared nodes are sent once per load, within a memory bound; other lines always."""

from __future__ import annotations

from kg.sent_statements import SentStatements

_ENTITIES = "<https://w3id.org/ctkg/graph/entities> ."


def _shared(n: int) -> bytes:
    node = f"<https://w3id.org/ctkg/id/organization/o{n}>"
    return f'{node} <http://www.w3.org/2000/01/rdf-schema#label> "O{n}" {_ENTITIES}\n'.encode()


def _own(nct: str) -> bytes:
    trial, graph = f"<https://w3id.org/ctkg/id/trial/{nct}>", f"<https://w3id.org/ctkg/graph/{nct}>"
    return f'{trial} <https://w3id.org/ctkg/ontology#nctId> "{nct}" {graph} .\n'.encode()


def test_shared_lines_go_once_and_trial_lines_always() -> None:
    sent = SentStatements()
    first = _own("NCT00000001") + _shared(1) + _shared(2)
    assert sent.unsent(first) == first
    again = _own("NCT00000001") + _shared(2) + _shared(3)
    assert sent.unsent(again) == _own("NCT00000001") + _shared(3)
    assert sent.left_out == 1
    sent.forget()
    assert sent.unsent(_shared(1)) == _shared(1)


def test_memory_is_bounded_and_lines_seen_again_are_kept_longest() -> None:
    line_cost = len(_shared(0).rstrip(b"\n")) + 80
    sent = SentStatements(budget_bytes=10 * line_cost)
    for n in range(10):  # fills the newer generation: it becomes the older one
        sent.unsent(_shared(n))
    assert sent.unsent(_shared(0)) == b""  # found in the older generation, promoted to the newer
    for n in range(100, 109):  # fills the newer generation again: the older one (without line 0) is dropped
        sent.unsent(_shared(n))
    assert sent.unsent(_shared(0)) == b""
    assert sent.unsent(_shared(5)) == _shared(5)  # forgotten: sent again, which the store takes as a no-op
    assert len(sent._newer) + len(sent._older) <= 20
