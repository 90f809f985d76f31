"""The shapes themselves: valid SHACL, documented, generated parts up to date, covering the graph model."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SH
from validation_helpers import base_triples, shapes_for

from kg.resources import data_dir
from kg.validation.coded_shapes import coded_shapes_turtle
from kg.validation.shapes import load_shapes, parse_shapes, shape_files

SHAPES = data_dir("shapes")
SHACL_SHACL = Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl"


def test_shapes_graph_conforms_to_shacl_for_shacl() -> None:
    shapes = shapes_for().graph
    conforms, _graph, text = pyshacl.validate(shapes, shacl_graph=Graph().parse(SHACL_SHACL), inference="none")
    assert conforms, text


def test_coded_values_are_generated_from_the_ontology() -> None:
    """shapes/coded-values.ttl is what ``python -m kg.validation.coded_shapes`` writes today."""
    assert (SHAPES / "coded-values.ttl").read_text(encoding="utf-8") == coded_shapes_turtle()


def test_every_shape_is_named_described_and_has_a_message() -> None:
    graph = shapes_for().graph
    shapes = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    assert len(shapes) > 100
    for shape in shapes:
        assert isinstance(shape, URIRef), f"{shape.n3()}: shapes have IRIs, so results name them"
        assert (shape, SH.name, None) in graph, shape
        assert (shape, SH.description, None) in graph or (shape, RDFS.comment, None) in graph, shape
        constraints = list(graph.objects(shape, SH.sparql))
        has_message = (shape, SH.message, None) in graph or (
            constraints and all((c, SH.message, None) in graph for c in constraints))
        assert has_message, f"{shape}: no sh:message a person can read"


def test_compiled_engine_supports_the_shipped_shapes() -> None:
    node_shapes = parse_shapes(load_shapes())
    assert sum(len(s.properties) for s in node_shapes) > 100
    assert sum(len(s.sparql) for s in node_shapes) >= 20


def test_every_class_the_mapping_emits_has_a_node_shape() -> None:
    targets = {str(t) for t in shapes_for().graph.objects(None, SH.targetClass)}
    emitted = set()
    for base in ("seed-xml", "seed-page", "json-references", "json-site-contacts", "json-alias"):
        emitted |= {t.object.value for t in base_triples(base) if t.predicate.value == str(RDF.type)}
    # the schema.org study types are second types of every ctkg:ClinicalTrial
    emitted -= {"https://schema.org/MedicalTrial", "https://schema.org/MedicalObservationalStudy",
                "https://schema.org/MedicalStudy"}
    assert sorted(emitted - targets) == []


def test_shape_files_are_found_in_a_folder_or_given_alone(tmp_path: Path) -> None:
    assert [p.name for p in shape_files()] == ["coded-values.ttl", "core.ttl", "quality.ttl", "rules.ttl"]
    assert shape_files(SHAPES / "core.ttl") == [SHAPES / "core.ttl"]
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(Exception, match=r"bad\.ttl: not valid Turtle"):
        load_shapes(bad)
