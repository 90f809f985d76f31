"""``kg convert`` end to end: formats, parse-back, determinism, atomicity, exit codes."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from click.testing import CliRunner
from conftest import DATA

from kg.cli import main
from kg.convert import convert
from kg.writers import OutputFormat

JSON_DIR = DATA / "ctgov-json"
TWO = [JSON_DIR / "NCT00377793.json", JSON_DIR / "NCT00470873.json"]

_RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}


@pytest.mark.parametrize("fmt", [f.value for f in OutputFormat])
def test_every_format_parses_back_with_two_independent_parsers(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    summary = convert(TWO, str(out))
    assert summary.converted == 2 and summary.rejected == 0
    oxigraph_quads = list(pyoxigraph.parse(path=str(out), format=OutputFormat(fmt).rdf_format))
    assert len(oxigraph_quads) == summary.triples
    if OutputFormat(fmt).is_dataset:
        dataset = rdflib.Dataset()
        dataset.parse(out, format=_RDFLIB_FORMATS[fmt])
        graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
        assert graphs == {
            "https://w3id.org/ctkg/graph/NCT00377793",
            "https://w3id.org/ctkg/graph/NCT00470873",
            "https://w3id.org/ctkg/graph/entities",
        }
        # the shared sponsor is described by both trials, once in the entities graph
        assert sum(len(g) for g in dataset.graphs()) == len(set(oxigraph_quads)) < summary.triples
    else:
        graph = rdflib.Graph()
        graph.parse(out, format=_RDFLIB_FORMATS[fmt])
        # the shared sponsor's type and label appear in both trials but only once in a graph
        assert len(graph) < summary.triples
        assert len(graph) == len({(q.subject, q.predicate, q.object) for q in oxigraph_quads})


def test_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    for fmt in ("ttl", "nq", "nt.gz"):
        first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        convert([JSON_DIR], str(first))
        convert([JSON_DIR], str(second))
        assert first.read_bytes() == second.read_bytes(), fmt


def test_gzip_output_and_format_override(tmp_path: Path) -> None:
    out = tmp_path / "graph.out.gz"
    convert(TWO, str(out), output_format=OutputFormat.NT)
    text = gzip.decompress(out.read_bytes()).decode("utf-8")
    assert text.startswith("<https://w3id.org/ctkg/")


def test_strict_stops_and_leaves_no_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{broken", encoding="utf-8")
    out = tmp_path / "graph.ttl"
    result = CliRunner().invoke(main, ["convert", str(TWO[0]), str(bad), "-o", str(out), "--strict"])
    assert result.exit_code == 1
    assert "bad.json" in result.output
    assert not out.exists()
    assert not list(tmp_path.glob(".graph.ttl.*"))


def test_bad_records_are_skipped_reported_and_written_to_rejects(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"protocolSection": {"identificationModule": {"briefTitle": "no id"}}}', encoding="utf-8")
    truncated = tmp_path / "truncated.xml"
    truncated.write_text("<clinical_study><id_info><nct_id>NCT0", encoding="utf-8")
    out, rejects = tmp_path / "graph.nt", tmp_path / "rejects.jsonl"
    result = CliRunner().invoke(
        main, ["convert", *map(str, TWO), str(bad), str(truncated), "-o", str(out), "--rejects", str(rejects)]
    )
    assert result.exit_code == 1, result.output
    lines = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [(r["file"], r["field"]) for r in lines] == [("bad.json", "nct_id"), ("truncated.xml", "xml")]
    assert "bad.json: record #1: field nct_id" in result.output
    assert "4 records read, 2 converted, 2 rejected" in result.output
    assert "Traceback" not in result.output
    parsed = list(pyoxigraph.parse(path=str(out), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert {q.subject.value for q in parsed} >= {
        "https://w3id.org/ctkg/id/trial/NCT00377793",
        "https://w3id.org/ctkg/id/trial/NCT00470873",
    }


def test_exit_status_two_for_no_readable_input(tmp_path: Path) -> None:
    out = tmp_path / "graph.ttl"
    result = CliRunner().invoke(main, ["convert", str(tmp_path / "missing"), "-o", str(out)])
    assert result.exit_code == 2
    assert "no such file" in result.output
    assert not out.exists()


def test_exit_status_two_for_unknown_extension(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["convert", str(TWO[0]), "-o", str(tmp_path / "graph.xyz")])
    assert result.exit_code == 2
    assert "--format" in result.output


def test_stdout_output() -> None:
    result = CliRunner().invoke(main, ["convert", str(TWO[0]), "-o", "-", "--format", "nt"])
    assert result.exit_code == 0
    assert "<https://w3id.org/ctkg/id/trial/NCT00377793>" in result.stdout


def test_same_trial_twice_is_converted_once(tmp_path: Path) -> None:
    out = tmp_path / "graph.nq"
    result = CliRunner().invoke(main, ["convert", str(TWO[0]), str(TWO[0]), "-o", str(out)])
    assert result.exit_code == 0
    assert "1 duplicates skipped" in result.output


def test_installed_command_converts_the_bundled_samples(tmp_path: Path) -> None:
    """The README's main job, run as a user would: no arguments, a real process."""
    completed = subprocess.run(
        [sys.executable, "-m", "kg.cli", "convert", "-o", "graph.ttl"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "0 rejected" in completed.stderr
    graph = pyoxigraph.Store()
    graph.load(path=str(tmp_path / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    trials = list(graph.query("SELECT (COUNT(*) AS ?n) { ?t a <https://w3id.org/ctkg/ontology#ClinicalTrial> }"))
    assert int(trials[0]["n"].value) >= 40


def test_parallel_output_is_the_same_bytes_and_rejections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers may finish in any order; the file and the rejection list must not notice."""
    import kg.parallel

    monkeypatch.setattr(kg.parallel, "BATCH_FILES", 3)  # small batches, so that workers really run
    started: list[int] = []
    real_pool = kg.parallel.ProcessPoolExecutor

    def counting_pool(*args, **kwargs):
        started.append(1)
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(kg.parallel, "ProcessPoolExecutor", counting_pool)
    mixed = tmp_path / "mixed"
    for folder in ("ctgov-json", "ctgov-xml", "seed"):
        for file in (DATA / folder).iterdir():
            (mixed / folder).mkdir(parents=True, exist_ok=True)
            (mixed / folder / file.name).write_bytes(file.read_bytes())
    (mixed / "broken.json").write_text("{broken", encoding="utf-8")
    outputs = {}
    for jobs in (1, 2):
        for fmt in ("nq", "ttl"):
            out = tmp_path / f"graph-{jobs}.{fmt}"
            seen: list[str] = []
            summary = convert([mixed], str(out), jobs=jobs, on_rejection=lambda r, seen=seen: seen.append(str(r)))
            outputs[(jobs, fmt)] = (out.read_bytes(), seen, summary.converted, summary.duplicates)
    assert len(started) == 2  # one pool per parallel run, none for the sequential ones
    for fmt in ("nq", "ttl"):
        assert outputs[(1, fmt)] == outputs[(2, fmt)]
    _, rejected, converted, duplicates = outputs[(1, "nq")]
    assert len(rejected) == 1 and "broken.json" in rejected[0]
    assert duplicates == 2  # NCT02513394 and NCT03219801 come in two formats each
    assert converted == len(list(mixed.rglob("*.*"))) - 1 - duplicates


def test_awkward_text_survives_every_format(tmp_path: Path) -> None:
    """Quotes, backslashes, control characters and a lone surrogate from JSON must not break any writer."""
    study = json.loads((JSON_DIR / "NCT00377793.json").read_text(encoding="utf-8"))
    nasty = 'He said "no" \\ then\ttab\nnew line \x01 bell \ud800 end'
    study["protocolSection"]["identificationModule"]["briefTitle"] = nasty
    source = tmp_path / "nasty.json"
    source.write_text(json.dumps(study), encoding="utf-8")
    expected = nasty.replace("\ud800", "\ufffd")
    for fmt in OutputFormat:
        out = tmp_path / f"graph.{fmt.value}"
        convert([source], str(out))
        titles = [
            q.object.value for q in pyoxigraph.parse(path=str(out), format=fmt.rdf_format)
            if q.predicate.value == "https://w3id.org/ctkg/ontology#briefTitle"
        ]
        assert titles == [expected], fmt


def test_bulk_archives_of_both_formats(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "AllPublicXML.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for file in sorted((DATA / "ctgov-xml").glob("*.xml")):
            bundle.write(file, f"{file.stem[:7]}xxxx/{file.name}")
        bundle.writestr("NCT0000xxxx/notes.md", "not a record")
    summary = convert([archive], str(tmp_path / "graph.nt"))
    assert summary.rejected == 0
    assert summary.converted == len(list((DATA / "ctgov-xml").glob("*.xml")))


def _archive_with_damaged_members(path: Path) -> list[str]:
    """Every XML sample stored, deflated or bzip2-compressed in turn; one stored and one deflated member damaged.

    The deflated one no longer inflates; the stored one reads, but fails its CRC. Returns their names.
    """
    import zipfile

    methods = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2)
    files = sorted((DATA / "ctgov-xml").glob("*.xml"))
    with zipfile.ZipFile(path, "w") as bundle:
        for index, file in enumerate(files):
            bundle.write(file, file.name, compress_type=methods[index % len(methods)])
    raw = bytearray(path.read_bytes())
    damaged = []
    with zipfile.ZipFile(path) as bundle:
        for method, filler in ((zipfile.ZIP_STORED, b"x"), (zipfile.ZIP_DEFLATED, b"\0")):
            info = next(i for i in bundle.infolist() if i.compress_type == method)
            start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
            middle = start + info.compress_size // 2
            raw[middle:middle + 16] = filler * 16
            damaged.append(info.filename)
    path.write_bytes(bytes(raw))
    return sorted(damaged)


def test_damaged_archive_member_costs_that_record_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Members shipped packed to workers are inflated and CRC-checked there: same result as reading in one process."""
    import kg.parallel

    monkeypatch.setattr(kg.parallel, "BATCH_FILES", 2)  # several batches, so that workers really run
    archive = tmp_path / "records.zip"
    damaged = _archive_with_damaged_members(archive)
    results = {}
    for jobs in (1, 2):
        rejected: list = []
        out = tmp_path / f"graph-{jobs}.nt"
        summary = convert([archive], str(out), jobs=jobs, on_rejection=rejected.append)
        results[jobs] = (out.read_bytes(), [(r.file, r.record, r.field) for r in rejected], summary.converted)
    assert results[1] == results[2]
    _, rejections, converted = results[1]
    assert rejections == [(f"records.zip!{name}", "-", "file") for name in damaged]
    assert converted == len(list((DATA / "ctgov-xml").glob("*.xml"))) - 2


def test_member_with_a_long_local_extra_field_is_read(tmp_path: Path) -> None:
    """A member's local header may carry a longer extra field than the central directory says."""
    import struct
    import zipfile

    record = (DATA / "ctgov-xml" / sorted(p.name for p in (DATA / "ctgov-xml").glob("*.xml"))[0]).read_bytes()
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("record.xml", record)
    raw = plain.read_bytes()
    extra = struct.pack("<HH", 0xCAFE, 996) + bytes(996)  # one unknown 1,000-byte extra block
    name_length, extra_length = struct.unpack_from("<HH", raw, 26)
    assert extra_length == 0
    local_end = 30 + name_length
    patched = bytearray(raw[:26] + struct.pack("<HH", name_length, len(extra)) + raw[30:local_end] + extra
                        + raw[local_end:])
    struct.pack_into("<L", patched, len(patched) - 6, struct.unpack_from("<L", raw, len(raw) - 6)[0] + len(extra))
    archive = tmp_path / "long-extra.zip"
    archive.write_bytes(bytes(patched))
    with zipfile.ZipFile(archive) as bundle:
        assert bundle.read("record.xml") == record  # still a valid archive
    summary = convert([archive], str(tmp_path / "graph.nt"))
    assert (summary.converted, summary.rejected) == (1, 0)


def test_archives_read_the_same_where_there_is_no_pread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no ``os.pread``: members are then read with a seek and a read, to the same result."""
    import os

    archive = tmp_path / "records.zip"
    _archive_with_damaged_members(archive)
    results = []
    for name in ("with-pread", "without-pread"):
        if name == "without-pread":
            monkeypatch.delattr(os, "pread")
        rejected: list = []
        out = tmp_path / f"{name}.nt"
        summary = convert([archive], str(out), on_rejection=rejected.append)
        results.append((out.read_bytes(), [(r.file, r.field) for r in rejected], summary.converted))
    assert results[0] == results[1]
    assert len(results[0][1]) == 2
