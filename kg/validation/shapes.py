"""Loading the SHACL shapes: files to one rdflib graph, and that graph to a typed model.

Both engines start from the same parsed graph (so even blank-node shapes have the same
identity in both), and the compiled engine works from the typed model built here, which
lists exactly the SHACL features it implements. Anything else in a shapes graph makes
``parse_shapes`` raise ``UnsupportedShapeError``, so the compiled engine never silently
ignores a constraint: ``engine="auto"`` then falls back to pySHACL.

"Today": stale-record rules compare dates with ``NOW()``. To make results reproducible,
``load_shapes`` replaces ``NOW()`` in every SPARQL constraint with the given date as an
``xsd:date`` literal (the current date by default), so every engine compares against the
same day; the shapes files stay valid SHACL-SPARQL on their own, where ``NOW()`` is the
evaluation time.

Set-wise forms: a SPARQL constraint may carry, besides ``sh:select``, a ``ctsh:setwiseSelect``:
the same rule written to run once over every focus node with ``$this`` unbound, in a form the
compiled engine's store evaluates with hash joins (see ``shapes/rules.ttl``). pySHACL ignores it;
the compiled engine runs it instead of ``sh:select`` (both must select the same rows for the
shape's focus nodes, which the tests check by comparing the engines). The engine keeps only rows
whose ``$this`` is a focus node, so the set-wise form need not repeat the target class: another
hash join over every instance costs memory in proportion to the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import KgError, UsageError
from kg.resources import data_dir
from kg.validation.report import Severity

__all__ = [
    "SETWISE_SELECT",
    "Component",
    "NodeShape",
    "PropertyShape",
    "Shapes",
    "SparqlConstraint",
    "UnsupportedShapeError",
    "default_shapes_dir",
    "load_shapes",
    "parse_shapes",
    "shape_files",
]

_NOW = "NOW()"
SETWISE_SELECT = URIRef("https://w3id.org/ctkg/shapes#setwiseSelect")
"""The annotation holding a SPARQL constraint's set-wise form (read by the compiled engine only)."""


class UnsupportedShapeError(KgError):
    """The shapes use a SHACL feature the compiled engine does not implement."""


def default_shapes_dir() -> Path:
    """The shapes shipped with the package (``shapes/`` in a checkout)."""
    return data_dir("shapes")


def shape_files(source: str | Path | None = None) -> list[Path]:
    """The Turtle files of a shapes folder (sorted) or the one file given."""
    path = Path(source) if source is not None else default_shapes_dir()
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".ttl")
        if not files:
            raise UsageError(f"{path}: no .ttl shapes files in this folder")
        return files
    if path.is_file():
        return [path]
    raise UsageError(f"{path}: no such shapes file or folder")


@dataclass(frozen=True, slots=True)
class Component:
    """One core constraint: ``kind`` is the SHACL parameter's local name (``minCount``,
    ``datatype``, ``in`` ...), ``value`` its value (a list for ``in``, a tuple of member
    component tuples for ``or``, a (pattern, flags) pair for ``pattern``)."""

    kind: str
    value: object

    @property
    def iri(self) -> str:
        """The IRI of the constraint component that reports a failure of this constraint."""
        name = {"in": "In", "or": "Or"}.get(self.kind, self.kind[0].upper() + self.kind[1:])
        return f"{SH}{name}ConstraintComponent"


@dataclass(frozen=True, slots=True)
class SparqlConstraint:
    node: Node
    select: str
    """The query with its PREFIX declarations, ``NOW()`` already replaced by "today"."""
    messages: tuple[str, ...]
    setwise: str | None = None
    """``ctsh:setwiseSelect`` with the same PREFIX declarations, if the constraint has one."""
    prologue: str = ""
    """The PREFIX declarations that start ``select`` and ``setwise``."""


@dataclass(frozen=True, slots=True)
class PropertyShape:
    node: Node
    path: URIRef
    severity: Severity
    messages: tuple[str, ...]
    components: tuple[Component, ...]


@dataclass(frozen=True, slots=True)
class NodeShape:
    node: Node
    target_classes: tuple[URIRef, ...]
    severity: Severity
    messages: tuple[str, ...]
    components: tuple[Component, ...]
    """Constraints on the focus node itself (node kind, pattern ...)."""
    properties: tuple[PropertyShape, ...]
    sparql: tuple[SparqlConstraint, ...]


@dataclass(slots=True)
class Shapes:
    """The parsed shapes graph, the files it came from and the date used as "today"."""

    graph: Graph
    files: list[Path]
    today: date
    node_shapes: list[NodeShape] = field(default_factory=list)


def load_shapes(source: str | Path | None = None, *, today: date | None = None) -> Shapes:
    """Parse the shapes files into one graph, with "today" bound in SPARQL constraints."""
    files = shape_files(source)
    graph = Graph()
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
            raise UsageError(f"{path}: not valid Turtle ({' '.join(str(exc).split())[:200]})") from exc
    day = today or date.today()
    literal = f'"{day.isoformat()}"^^<http://www.w3.org/2001/XMLSchema#date>'
    for predicate in (SH.select, SETWISE_SELECT):
        for constraint, select in list(graph.subject_objects(predicate)):
            if isinstance(select, Literal) and _NOW in str(select):
                graph.set((constraint, predicate, Literal(str(select).replace(_NOW, literal))))
    return Shapes(graph=graph, files=files, today=day)


def parse_shapes(shapes: Shapes) -> list[NodeShape]:
    """The node shapes of the graph as typed objects, sorted by IRI; raises on unsupported features."""
    graph = shapes.graph
    nodes = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(SH.targetClass, None))
    for unsupported in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        for subject in graph.subjects(unsupported, None):
            raise UnsupportedShapeError(
                f"shape {subject.n3()}: {unsupported.n3()} is not supported by the sparql engine")
    parsed = [_node_shape(graph, node) for node in sorted(nodes, key=str)]
    shapes.node_shapes = parsed
    return parsed


_VALUE_KINDS = {
    SH.datatype: "datatype",
    SH.nodeKind: "nodeKind",
    SH["class"]: "class",
    SH.hasValue: "hasValue",
    SH.minInclusive: "minInclusive",
    SH.maxInclusive: "maxInclusive",
    SH.minExclusive: "minExclusive",
    SH.maxExclusive: "maxExclusive",
}
_KNOWN = {
    RDF.type, SH.targetClass, SH.name, SH.description, SH.message, SH.severity, SH.property, SH.path,
    SH.minCount, SH.maxCount, SH.pattern, SH.flags, SH["in"], SH["or"], SH.sparql, SH.prefixes, SH.order,
    SH.group, SH.deactivated, *_VALUE_KINDS,
}


def _severity(graph: Graph, node: Node) -> Severity:
    value = graph.value(node, SH.severity)
    return Severity.VIOLATION if value is None else Severity.from_iri(str(value))


def _messages(graph: Graph, node: Node) -> tuple[str, ...]:
    return tuple(sorted(str(m) for m in graph.objects(node, SH.message)))


def _check_known(graph: Graph, node: Node) -> None:
    for predicate in set(graph.predicates(node, None)):
        if predicate.startswith(str(SH)) and predicate not in _KNOWN:
            raise UnsupportedShapeError(f"shape {node.n3()}: {predicate.n3()} is not supported by the sparql engine")


def _components(graph: Graph, node: Node) -> tuple[Component, ...]:
    """The core constraints of a shape, in a fixed order."""
    _check_known(graph, node)
    found: list[Component] = []
    for predicate in (SH.minCount, SH.maxCount):
        for value in graph.objects(node, predicate):
            found.append(Component(str(predicate).removeprefix(str(SH)), int(value)))
    for predicate, kind in _VALUE_KINDS.items():
        for value in graph.objects(node, predicate):
            found.append(Component(kind, value))
    for pattern in graph.objects(node, SH.pattern):
        flags = graph.value(node, SH.flags)
        found.append(Component("pattern", (str(pattern), str(flags) if flags is not None else "")))
    for head in graph.objects(node, SH["in"]):
        found.append(Component("in", tuple(Collection(graph, head))))
    for head in graph.objects(node, SH["or"]):
        members = tuple(_member(graph, member) for member in Collection(graph, head))
        found.append(Component("or", members))
    return tuple(sorted(found, key=lambda c: (c.kind, str(c.value))))


def _member(graph: Graph, node: Node) -> tuple[Component, ...]:
    """A member shape of ``sh:or``: value constraints only."""
    if graph.value(node, SH.path) is not None or graph.value(node, SH.property) is not None:
        raise UnsupportedShapeError(
            f"shape {node.n3()}: sh:or members with paths are not supported by the sparql engine")
    components = _components(graph, node)
    if any(c.kind in ("minCount", "maxCount", "or") for c in components):
        raise UnsupportedShapeError(f"shape {node.n3()}: sh:or members may only hold value constraints")
    return components


def _property_shape(graph: Graph, node: Node) -> PropertyShape:
    path = graph.value(node, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShapeError(f"shape {node.n3()}: only predicate paths are supported by the sparql engine")
    return PropertyShape(node, path, _severity(graph, node), _messages(graph, node), _components(graph, node))


def _sparql(graph: Graph, node: Node) -> SparqlConstraint:
    select = graph.value(node, SH.select)
    if select is None:
        raise UnsupportedShapeError(f"constraint {node.n3()}: only sh:select SPARQL constraints are supported")
    prologue = "".join(f"PREFIX {p}: <{n}>\n" for p, n in sorted(_prefixes(graph, node).items()))
    setwise = graph.value(node, SETWISE_SELECT)
    return SparqlConstraint(node, prologue + str(select), _messages(graph, node),
                            prologue + str(setwise) if setwise is not None else None, prologue)


def _prefixes(graph: Graph, constraint: Node) -> dict[str, str]:
    declared: dict[str, str] = {}
    for ontology in graph.objects(constraint, SH.prefixes):
        for declaration in graph.objects(ontology, SH.declare):
            declared[str(graph.value(declaration, SH.prefix))] = str(graph.value(declaration, SH.namespace))
    return declared


def _node_shape(graph: Graph, node: Node) -> NodeShape:
    targets = tuple(sorted(t for t in graph.objects(node, SH.targetClass) if isinstance(t, URIRef)))
    deactivated = graph.value(node, SH.deactivated)
    if deactivated is not None and deactivated.toPython() is True:
        targets = ()
    properties = []
    for prop in sorted(graph.objects(node, SH.property), key=str):
        flag = graph.value(prop, SH.deactivated)
        if flag is None or flag.toPython() is not True:
            properties.append(_property_shape(graph, prop))
    sparql = []
    for constraint in sorted(graph.objects(node, SH.sparql), key=str):
        flag = graph.value(constraint, SH.deactivated)
        if flag is None or flag.toPython() is not True:
            sparql.append(_sparql(graph, constraint))
    return NodeShape(
        node=node,
        target_classes=targets,
        severity=_severity(graph, node),
        messages=_messages(graph, node),
        components=tuple(c for c in _components(graph, node) if c.kind not in ("minCount", "maxCount")),
        properties=tuple(properties),
        sparql=tuple(sparql),
    )
