"""Rendering query results: a readable terminal table, or the SPARQL 1.1 result formats."""

from __future__ import annotations

from typing import IO

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QueryResultsFormat, QuerySolutions

from kg.namespaces import PREFIXES

__all__ = ["FORMATS", "write_results"]

FORMATS = {
    "json": QueryResultsFormat.JSON,
    "sparql-json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}
_MAX_CELL = 48
_PREFIXES = sorted(((iri, name) for name, iri in PREFIXES.items()), key=lambda p: -len(p[0]))


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        for iri, name in _PREFIXES:
            if term.value.startswith(iri):
                return f"{name}:{term.value[len(iri):]}"
        return term.value
    text = " ".join(term.value.split()) if isinstance(term, (Literal, BlankNode)) else str(term)
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def write_results(results: QuerySolutions | QueryBoolean, fmt: str, stream: IO[bytes]) -> int:
    """Write results; the number of rows for a table (-1 for the standard formats, which stream)."""
    if fmt != "table":
        results.serialize(stream, FORMATS[fmt])
        return -1
    if isinstance(results, QueryBoolean):
        stream.write(f"{'yes' if bool(results) else 'no'}\n".encode())
        return 1
    names = [v.value for v in results.variables]
    rows = [[_cell(solution[name]) for name in names] for solution in results]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    stream.write(("\n".join(lines) + "\n").encode("utf-8"))
    return len(rows)
