"""Loading records through worker processes and the store's text loader: same store, same rules."""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

import kg.loading
import kg.parallel
from kg.errors import Rejection
from kg.graph_units import GraphUnit, units_from_inputs, version_of
from kg.iris import trial_graph_iri
from kg.loading import LoadSummary, SkippedOlder, load_units, stored_version
from kg.mapping import MappingOptions, trial_quads
from kg.model import Trial
from kg.parallel import MappedRecord, map_inputs, record_version
from kg.readers import read_records
from kg.resources import sample_records_dir
from kg.store import ONTOLOGY_GRAPH
from tests.conftest import DATA

_TRIAL_GRAPH = "https://w3id.org/ctkg/graph/NCT"
_TWO_FORMATS = ["NCT02513394", "NCT03219801"]
"""Sample trials given in two formats with different versions: the newer must win."""


@pytest.fixture
def workers_really_run(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Small file batches, so that worker processes start even for the few sample files; counts pools."""
    monkeypatch.setattr(kg.parallel, "BATCH_FILES", 3)
    started: list[int] = []
    real_pool = kg.parallel.ProcessPoolExecutor

    def counting_pool(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.append(1)
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(kg.parallel, "ProcessPoolExecutor", counting_pool)
    return started


def _load(
    store: pyoxigraph.Store, inputs: list[Path], *, jobs: int = 1, force: bool = False, batch_trials: int = 2000,
) -> tuple[LoadSummary, list[SkippedOlder]]:
    skipped: list[SkippedOlder] = []

    def rejected(rejection: Rejection) -> None:
        pytest.fail(str(rejection))

    units = units_from_inputs(inputs, MappingOptions(), rejected, jobs=jobs)
    summary = load_units(store, units, force=force, batch_trials=batch_trials, on_skip=skipped.append,
                         on_rejection=rejected)
    return summary, skipped


def _trial_statements(store: pyoxigraph.Store) -> set[pyoxigraph.Quad]:
    """What the trials' own graphs hold: replacing one must leave exactly its new statements there."""
    return {q for q in store if isinstance(q.graph_name, pyoxigraph.NamedNode) and _TRIAL_GRAPH in q.graph_name.value}


def _counts(summary: LoadSummary) -> tuple[int, ...]:
    return summary.loaded, summary.new, summary.replaced, summary.skipped_older, summary.rejected, summary.quads


def test_record_version_is_the_version_of_its_quads() -> None:
    """The version computed in the worker decides exactly as the one read back from the quads did."""
    records = [r for r in read_records([sample_records_dir(), DATA]) if isinstance(r, Trial)]
    assert len(records) > 60
    for record in records:
        assert record_version(record) == (version_of(trial_quads(record)) or None), record.nct_id
    assert any(record_version(r) and record_version(r)[1] for r in records)  # snapshot dates are exercised


def test_mapped_records_carry_their_version() -> None:
    mapped = [m for m in map_inputs([DATA], quads=True, options=MappingOptions()) if isinstance(m, MappedRecord)]
    records = {(r.nct_id, r.provenance.source_file): r for r in read_records([DATA]) if isinstance(r, Trial)}
    assert mapped and all(m.version == record_version(records[(m.nct_id, m.source_file)]) for m in mapped)


def test_jobs_give_the_same_store(workers_really_run: list[int]) -> None:
    """Records mapped by worker processes load into exactly the store the sequential path gives."""
    inputs = [sample_records_dir(), DATA]
    stores, results = [], []
    for jobs in (1, 2):
        store = pyoxigraph.Store()
        summary, skipped = _load(store, inputs, jobs=jobs, batch_trials=7)
        stores.append(set(store))
        results.append((_counts(summary), [str(s) for s in skipped]))
    assert len(workers_really_run) == 1
    assert stores[0] == stores[1]
    assert results[0] == results[1]


def test_batching_does_not_change_the_store() -> None:
    """The newer version wins whether the two versions meet in one batch or in different ones."""
    expected: set[pyoxigraph.Quad] | None = None
    for batch_trials in (2000, 7, 1):
        store = pyoxigraph.Store()
        summary, skipped = _load(store, [sample_records_dir()], batch_trials=batch_trials)
        assert sorted(s.nct_id for s in skipped) == _TWO_FORMATS
        assert summary.skipped_older == 2 and summary.loaded == summary.new
        expected = expected or set(store)
        assert set(store) == expected


@pytest.mark.parametrize("batch_trials", [1, 2000])
def test_a_version_still_being_written_is_known(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                batch_trials: int) -> None:
    """One trial twice: in one bulk write the second waits until the first has landed; in two, it meets it stored."""
    _bulk(monkeypatch)
    real_load = kg.loading._bulk_load_pipe

    def slow_load(store, read_end):  # type: ignore[no-untyped-def]
        time.sleep(0.2)  # the next unit arrives before this write lands
        return real_load(store, read_end)

    monkeypatch.setattr(kg.loading, "_bulk_load_pipe", slow_load)
    nct = _TWO_FORMATS[0]
    files = sorted(sample_records_dir().rglob(f"{nct}.*"))
    assert len(files) == 2
    records = {f: next(r for r in read_records([f]) if isinstance(r, Trial)) for f in files}
    newer = max(files, key=lambda f: record_version(records[f]))  # type: ignore[arg-type,return-value]
    for order in (files, files[::-1]):
        store = pyoxigraph.Store(str(tmp_path / f"{order[0].suffix}-{batch_trials}"))
        summary, skipped = _load(store, order, batch_trials=batch_trials)
        newer_first = order[0] == newer
        assert [s.nct_id for s in skipped] == ([nct] if newer_first else [])
        assert (summary.loaded, summary.new, summary.replaced) == ((1, 1, 0) if newer_first else (2, 1, 1))
        assert stored_version(store, trial_graph_iri(nct)) == record_version(records[newer])


def _bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every batch through the bulk loader, however small (as at scale)."""
    monkeypatch.setattr(kg.loading, "_BULK_STATEMENTS", 1)


@pytest.mark.parametrize("on_disk", [False, True])
def test_newer_wins_and_loading_again_replaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on_disk: bool) -> None:
    """In memory through the transactional loader (small batches); on disk through the bulk loader (large ones)."""
    if on_disk:
        _bulk(monkeypatch)
    store = pyoxigraph.Store(str(tmp_path / "store")) if on_disk else pyoxigraph.Store()
    first, _ = _load(store, [sample_records_dir()], batch_trials=20)
    content = _trial_statements(store)
    again, skipped = _load(store, [sample_records_dir()], batch_trials=20)
    assert _trial_statements(store) == content  # no duplicate or stale statements
    assert again.replaced == first.loaded and again.new == 0
    assert sorted(s.nct_id for s in skipped) == _TWO_FORMATS  # older than stored, also across batches
    for nct in _TWO_FORMATS:
        graph = trial_graph_iri(nct)
        newest = max(record_version(r) for r in read_records([sample_records_dir()])
                     if isinstance(r, Trial) and r.nct_id == nct)
        assert stored_version(store, graph) == newest

    older = next(s for s in skipped if s.nct_id == _TWO_FORMATS[0])
    older_file = next(sample_records_dir().rglob(Path(older.source).name))
    forced, _ = _load(store, [older_file], force=True)
    assert forced.replaced == 1 and stored_version(store, trial_graph_iri(older.nct_id)) == older.version
    equal, skipped = _load(store, [older_file])
    assert equal.replaced == 1 and not skipped  # an equal version replaces
    _load(store, [sample_records_dir()])
    assert _trial_statements(store) == content


def test_a_refused_document_is_rejected_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the store refuse a batch's text, the other trials still load and the bad one is left out whole."""
    _bulk(monkeypatch)
    mapped = [m for m in map_inputs([DATA / "ctgov-json"], quads=True, options=MappingOptions())
              if isinstance(m, MappedRecord)]
    bad = mapped[3]
    broken = bad.document.replace(b"<https://w3id.org/ctkg/id/trial/", b"<not an iri/", 1)
    units = [GraphUnit.of_record(m) for m in mapped]
    units[3] = GraphUnit.of_record(MappedRecord(bad.nct_id, bad.source_file, broken, bad.statements, bad.version))
    store = pyoxigraph.Store(str(tmp_path / "store"))
    rejected: list[Rejection] = []
    summary = load_units(store, units, on_rejection=rejected.append, batch_trials=5)
    assert [(r.file, r.record, r.field) for r in rejected] == [(bad.source_file, bad.nct_id, "mapping")]
    assert summary.rejected == 1 and summary.loaded == len(mapped) - 1
    assert not store.contains_named_graph(trial_graph_iri(bad.nct_id))
    expected = pyoxigraph.Store()
    load_units(expected, [GraphUnit.of_record(m) for m in mapped if m is not bad])
    # the whole store: what the refused trial said about shared nodes (sent once per load) is sent again later
    assert set(store) == set(expected)


def test_record_units_parse_their_text_only_when_asked() -> None:
    """Consumers that need terms (the endpoint loader) still get the quads of a record unit."""
    [unit] = units_from_inputs([DATA / "ctgov-json" / "NCT00000410.json"], MappingOptions(), print)
    assert unit.document is not None and unit.statements == unit.document.count(b"\n")
    assert len(unit.quads) == unit.statements
    assert unit.version == (version_of(unit.quads) or None)


def test_cli_load_and_build_take_jobs(tmp_path: Path, workers_really_run: list[int]) -> None:
    from kg.cli import main

    runner = CliRunner()
    stores = []
    for jobs in ("1", "2"):
        store_dir = tmp_path / f"store-{jobs}"
        result = runner.invoke(main, ["load", str(sample_records_dir()), "--store", str(store_dir), "-j", jobs, "-q"])
        assert result.exit_code == 0, result.output
        assert "trials loaded" in result.output and "2 older versions skipped" in result.output
        stores.append(store_dir)
    assert len(workers_really_run) == 1
    contents = []
    for store_dir in stores:
        store = pyoxigraph.Store.read_only(str(store_dir))
        contents.append({q for q in store if q.graph_name != ONTOLOGY_GRAPH})  # its blank nodes differ per load
        del store
    assert contents[0] == contents[1] and len(contents[0]) > 10_000
    assert "--jobs" in runner.invoke(main, ["build", "--help"]).output


def _sample_dirs() -> list[Path]:
    return sorted(p for p in sample_records_dir().iterdir() if p.is_dir())


@pytest.mark.parametrize("reverse", [False, True])
def test_one_bulk_write_gives_the_store_of_one_write_per_trial(monkeypatch: pytest.MonkeyPatch,
                                                               reverse: bool) -> None:
    """A fresh load streamed into one bulk write, with trials given twice in different versions (newer first
    in one order, older first in the other), ends as loading every record on its own, in input order: the
    second unit of a trial is set aside while the first is being written, then replaces it or is skipped."""
    inputs = _sample_dirs()[::-1] if reverse else _sample_dirs()
    _bulk(monkeypatch)
    streamed = pyoxigraph.Store()
    summary, skipped = _load(streamed, inputs)

    one_by_one, expected = pyoxigraph.Store(), LoadSummary()
    expected_skips: list[SkippedOlder] = []
    for unit in units_from_inputs(inputs, MappingOptions(), lambda rejection: pytest.fail(str(rejection))):
        load_units(one_by_one, [unit], summary=expected, on_skip=expected_skips.append)
    assert set(streamed) == set(one_by_one)
    assert _counts(summary) == _counts(expected)
    assert (summary.pruned > 0) == (expected.pruned > 0)  # how many depends on when pruning runs, not the store
    assert sorted(map(str, skipped)) == sorted(map(str, expected_skips))
    assert sorted(s.nct_id for s in skipped) == (_TWO_FORMATS if not reverse else [])
    assert summary.replaced == (0 if not reverse else len(_TWO_FORMATS))


def test_a_bad_record_in_the_middle_is_reported_and_the_rest_streamed(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _bulk(monkeypatch)
    good = sorted((sample_records_dir() / "ctgov-json").glob("*.json"))[:6]
    folder = tmp_path / "records"
    folder.mkdir()
    for path in good:
        (folder / path.name).write_bytes(path.read_bytes())
    bad = folder / f"{good[2].stem}5.json"  # sorts between good[2] and good[3]
    bad.write_text('{"protocolSection": {"identificationModule": ', encoding="utf-8")
    store = pyoxigraph.Store(str(tmp_path / "store"))
    rejected: list[Rejection] = []
    summary = load_units(store, units_from_inputs([folder], MappingOptions(), rejected.append))
    assert [Path(r.file).name for r in rejected] == [f"{good[2].stem}5.json"]
    assert (summary.loaded, summary.new, summary.rejected) == (len(good), len(good), 0)
    expected = pyoxigraph.Store()
    bad.unlink()
    load_units(expected, units_from_inputs([folder], MappingOptions(), rejected.append))
    assert _trial_statements(store) == _trial_statements(expected)


def test_cli_load_reports_a_bad_record_and_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.cli import main

    _bulk(monkeypatch)
    folder = tmp_path / "records"
    folder.mkdir()
    good = sorted((sample_records_dir() / "ctgov-json").glob("*.json"))[:3]
    for path in good:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / f"{good[0].stem}5.json").write_text("not json", encoding="utf-8")
    result = CliRunner().invoke(main, ["load", str(folder), "--store", str(tmp_path / "store"), "-j", "1"])
    assert result.exit_code == 1, result.output
    assert f"{good[0].stem}5.json" in result.output
    assert "3 trials loaded (3 new, 0 replaced)" in result.output and "1 records rejected" in result.output


def test_a_large_load_compacts_the_store_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the threshold the on-disk store is compacted once, after the load, without changing what it holds."""
    plain = pyoxigraph.Store()
    _load(plain, [sample_records_dir()])
    monkeypatch.setattr(kg.loading, "COMPACT_AFTER_QUADS", 1)
    compacted = pyoxigraph.Store(str(tmp_path / "store"))
    said: list[str] = []
    units = units_from_inputs([sample_records_dir()], MappingOptions(), lambda r: pytest.fail(str(r)))
    summary = load_units(compacted, units, on_compact=lambda: said.append("compacting"))
    assert said == ["compacting"] and summary.quads > 1
    assert set(compacted) == set(plain)


def test_a_small_update_of_a_large_store_does_not_compact_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compacting costs in proportion to the whole store: one trial loaded into a store of many is not worth it."""
    store = pyoxigraph.Store(str(tmp_path / "store"))
    _load(store, [sample_records_dir()])
    monkeypatch.setattr(kg.loading, "COMPACT_AFTER_QUADS", 1)
    said: list[str] = []
    one_record = DATA / "ctgov-json" / "NCT00137072.json"
    units = units_from_inputs([one_record], MappingOptions(), lambda r: pytest.fail(str(r)))
    summary = load_units(store, units, on_compact=lambda: said.append("compacting"))
    assert summary.loaded == 1 and said == []


def _unit(nct: str, updated: str, links_acme: bool) -> GraphUnit:
    trial, graph = f"<https://w3id.org/ctkg/id/trial/{nct}>", f"<https://w3id.org/ctkg/graph/{nct}>"
    acme, entities = "<https://w3id.org/ctkg/id/organization/acme>", "<https://w3id.org/ctkg/graph/entities>"
    lines = [f'{trial} <https://w3id.org/ctkg/ontology#lastUpdatePostedDate> "{updated}"'
             f'^^<http://www.w3.org/2001/XMLSchema#date> {graph} .']
    if links_acme:
        lines += [f"{trial} <https://w3id.org/ctkg/ontology#leadSponsor> {acme} {graph} .",
                  f'{acme} <http://www.w3.org/2000/01/rdf-schema#label> "Acme" {entities} .']
    document = "".join(line + "\n" for line in lines).encode()
    return GraphUnit.of_record(MappedRecord(nct, f"{nct}.json", document, len(lines), (updated, "")))


def test_a_shared_node_pruned_and_named_again_is_described_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines about shared nodes go to the store once per load, unless the node was pruned in between: a trial
    names Acme, its newer version does not (Acme is pruned), then another trial names Acme again."""
    _bulk(monkeypatch)
    units = [_unit("NCT00000001", "2020-01-01", True), _unit("NCT00000001", "2021-01-01", False),
             _unit("NCT00000002", "2021-01-01", True)]
    store = pyoxigraph.Store()
    summary = load_units(store, units, batch_trials=1)
    assert summary.pruned == 1
    one_by_one = pyoxigraph.Store()
    for unit in units:
        load_units(one_by_one, [unit])
    assert set(store) == set(one_by_one)
    label = pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    assert len(list(store.quads_for_pattern(None, label, pyoxigraph.Literal("Acme"), None))) == 1
