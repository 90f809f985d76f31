"""The query library: ``.rq`` files with a machine-readable header, typed parameters.

Every library query starts with a block of comment lines::

    # title: Trials by condition
    # description: Trials whose condition label or MeSH term (with descendants) matches.
    # param: mesh (iri, optional) example http://id.nlm.nih.gov/mesh/D001943 — a MeSH descriptor
    # columns: trial, nctId, title, status

Parameters are SPARQL variables of the query. Values given by users are
converted to RDF terms by their declared type and bound to those variables
(as a VALUES block, see ``with_bindings``): user text
never becomes query text. An optional parameter that is not given stays
unbound, and the query is written to handle that (``!BOUND(?x) || ...``,
``COALESCE(?x, default)``). Queries run over the union of all graphs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path

from pyoxigraph import Literal, NamedNode, QueryBoolean, QuerySolutions, QueryTriples, Store

from kg.errors import KgError, UsageError
from kg.namespaces import XSD
from kg.resources import data_dir

__all__ = [
    "Param",
    "ParamType",
    "QueryError",
    "QuerySpec",
    "bind_params",
    "library",
    "load_query",
    "parse_spec",
    "run_on_store",
    "to_term",
    "with_bindings",
]


class QueryError(KgError):
    """A query that cannot be run: unknown name, bad header, bad parameter, syntax error."""


class ParamType(str, Enum):
    STRING = "string"
    IRI = "iri"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: ParamType
    optional: bool
    example: str | None
    description: str


@dataclass(frozen=True, slots=True)
class QuerySpec:
    """One query: its name (file stem), header fields and SPARQL text."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    text: str
    path: Path | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


_HEADER = re.compile(r"^#\s*(title|description|param|columns):\s*(.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(\S.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*) \((?P<type>\w+)(?P<optional>, optional)?\)"
    r"(?: example (?P<example>\"[^\"]*\"|\S+))?(?:\s+[—-]+\s+(?P<description>.*))?$"
)


def parse_spec(text: str, name: str, path: Path | None = None) -> QuerySpec:
    """Parse the header of a query; a query without header gets empty fields."""
    fields: dict[str, list[str]] = {"title": [], "description": [], "param": [], "columns": []}
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        header = _HEADER.match(line)
        if header:
            last = header.group(1)
            fields[last].append(header.group(2).strip())
            continue
        more = _CONTINUATION.match(line)
        if more and last is not None:
            fields[last][-1] += " " + more.group(1).strip()
    params = []
    for raw in fields["param"]:
        match = _PARAM.match(raw)
        if not match:
            raise QueryError(f"query {name!r}: cannot read the parameter line {raw!r}")
        try:
            ptype = ParamType(match["type"])
        except ValueError:
            raise QueryError(
                f"query {name!r}: parameter {match['name']!r} has unknown type {match['type']!r}"
            ) from None
        example = match["example"]
        params.append(
            Param(match["name"], ptype, bool(match["optional"]), example.strip('"') if example else None,
                  match["description"] or "")
        )
    columns = tuple(c.strip() for c in ",".join(fields["columns"]).split(",") if c.strip())
    return QuerySpec(
        name=name,
        title=" ".join(fields["title"]),
        description=" ".join(fields["description"]),
        params=tuple(params),
        columns=columns,
        text=text,
        path=path,
    )


def library() -> list[QuerySpec]:
    """Every query of the shipped library, by name."""
    return [parse_spec(path.read_text(encoding="utf-8"), path.stem, path)
            for path in sorted(data_dir("queries").glob("*.rq"))]


def load_query(name_or_path: str) -> QuerySpec:
    """A library query by name, or a ``.rq`` file by path."""
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.is_file():
        return parse_spec(path.read_text(encoding="utf-8"), path.stem, path)
    candidate = data_dir("queries") / f"{name_or_path}.rq"
    if candidate.is_file():
        return parse_spec(candidate.read_text(encoding="utf-8"), name_or_path, candidate)
    names = ", ".join(spec.name for spec in library())
    raise QueryError(f"no library query or .rq file called {name_or_path!r} (library: {names})")


_INTEGER = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def to_term(param: Param, value: str) -> NamedNode | Literal:
    """``value`` as the RDF term of the parameter's type; a ``QueryError`` naming it otherwise."""

    def bad(expected: str) -> QueryError:
        return QueryError(f"parameter {param.name!r}: {value!r} is not {expected}")

    kind = param.type
    if kind is ParamType.STRING:
        return Literal(value)
    if kind is ParamType.IRI:
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$", value):
            raise bad("an absolute IRI")
        try:
            return NamedNode(value)
        except ValueError:
            raise bad("an absolute IRI") from None
    if kind is ParamType.INTEGER:
        if not _INTEGER.match(value.strip()):
            raise bad("an integer")
        return Literal(str(int(value)), datatype=XSD.integer)
    if kind is ParamType.DECIMAL:
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise bad("a decimal number") from None
        if not number.is_finite():
            raise bad("a decimal number")
        return Literal(format(number, "f"), datatype=XSD.decimal)
    if kind is ParamType.DATE:
        try:
            if not _DATE.match(value.strip()):
                raise ValueError
            parsed = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise bad("a date (YYYY-MM-DD)") from None
        return Literal(parsed.isoformat(), datatype=XSD.date)
    lowered = value.strip().lower()
    if lowered not in ("true", "false", "1", "0", "yes", "no"):
        raise bad("a boolean (true or false)")
    return Literal(lowered in ("true", "1", "yes"))


def bind_params(spec: QuerySpec, values: Mapping[str, str]) -> dict[str, NamedNode | Literal]:
    """Typed terms for the given values; unknown or missing required parameters are errors."""
    unknown = sorted(set(values) - {p.name for p in spec.params})
    if unknown:
        declared = ", ".join(p.name for p in spec.params) or "none"
        raise UsageError(f"query {spec.name!r} has no parameter {unknown[0]!r} (its parameters: {declared})")
    bound: dict[str, NamedNode | Literal] = {}
    for param in spec.params:
        if param.name in values:
            bound[param.name] = to_term(param, values[param.name])
        elif not param.optional:
            example = f", e.g. --param {param.name}={param.example}" if param.example else ""
            raise UsageError(f"query {spec.name!r} needs the parameter {param.name!r}{example}")
    return bound


_TOKEN = re.compile(
    r"(?P<comment>#[^\n]*)"
    r"|(?P<iri><[^<>\"{}|^`\\\s]*>)"
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r"|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')"
    r"|(?P<where>\bWHERE\b)|(?P<brace>\{)",
    re.IGNORECASE,
)


def with_bindings(text: str, bindings: Mapping[str, NamedNode | Literal]) -> str:
    """The query with ``bindings`` as a VALUES block opening every WHERE group (the query's and its subqueries').

    The block is built from RDF terms serialised by pyoxigraph (N-Triples
    syntax, escaped), never from user text, and works on every SPARQL 1.1
    engine. (pyoxigraph's own substitutions only take projected variables.)
    A one-row VALUES block in a group means the same as substituting the
    terms there; repeating it in subqueries lets a query filter early inside
    a subquery (what makes ``trials-near`` fast) with the same parameters.
    """
    if not bindings:
        return text
    names = sorted(bindings)
    block = "\n  VALUES ({}) {{ ({}) }}".format(
        " ".join(f"?{name}" for name in names), " ".join(str(bindings[name]) for name in names)
    )
    pieces: list[str] = []
    start = 0
    seen_where = False
    for token in _TOKEN.finditer(text):
        if token.lastgroup == "where":
            seen_where = True
        elif token.lastgroup == "brace" and seen_where:
            pieces += [text[start:token.end()], block]
            start = token.end()
            seen_where = False
    if not pieces:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    return "".join(pieces) + text[start:]


def run_on_store(
    store: Store, text: str, bindings: Mapping[str, NamedNode | Literal] | None = None
) -> QuerySolutions | QueryBoolean | QueryTriples:
    """Run a query over the union of the store's graphs with parameters bound as terms."""
    try:
        return store.query(with_bindings(text, bindings or {}), use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {str(exc).splitlines()[0]}") from exc
