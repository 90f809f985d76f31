"""``kg validate``: formats, report files, exit statuses, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import SH
from validation_helpers import SEED_PAGE, SEED_XML

from kg.cli import main


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_text_report_groups_by_shape_with_trial_and_message() -> None:
    code, out, _ = _run(str(SEED_PAGE), "--today", "2025-01-01")
    assert code == 0  # warnings only: conforms at the default --fail-on violation
    assert out.startswith("Does not conform: ")
    assert "warning          1  ctsh:StatusUnknown" in out
    assert "  NCT03219801: https://w3id.org/ctkg/id/trial/NCT03219801" in out
    assert "The status is UNKNOWN" in out


def test_fail_on_warning_and_info() -> None:
    assert _run(str(SEED_PAGE), "--fail-on", "warning")[0] == 1
    assert _run(str(SEED_PAGE), "--fail-on", "info")[0] == 1


def test_json_and_ttl_reports_are_deterministic(tmp_path: Path) -> None:
    for fmt in ("json", "ttl"):
        outputs = []
        for run in (1, 2):
            target = tmp_path / f"report-{run}.{fmt}"
            code, _, err = _run(str(SEED_XML), "--format", fmt, "--report", str(target), "--today", "2025-01-01",
                                "--engine", "sparql")
            assert code == 0, err
            outputs.append(target.read_bytes())
        assert outputs[0] == outputs[1]
    summary = json.loads((tmp_path / "report-1.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"violation": 0, "warning": 2, "info": 3}
    assert {r["trial"] for r in summary["results"]} == {"NCT03219801"}
    graph = Graph().parse(tmp_path / "report-1.ttl")
    assert len(list(graph.subjects(SH.resultSeverity, SH.Warning))) == 2
    assert (None, SH.conforms, None) in graph


def test_rdf_input_gives_the_records_results(tmp_path: Path) -> None:
    graph_file = tmp_path / "seed.nt.gz"
    assert CliRunner().invoke(main, ["convert", str(SEED_XML), "-o", str(graph_file)]).exit_code == 0
    from_rdf = _run(str(graph_file), "--format", "json", "--today", "2025-01-01")[1]
    from_records = _run(str(SEED_XML), "--format", "json", "--today", "2025-01-01")[1]
    assert json.loads(from_rdf)["results"] == json.loads(from_records)["results"]


def test_violation_exits_1(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://w3id.org/ctkg/id/trial/NCT1> a <https://w3id.org/ctkg/ontology#ClinicalTrial> .\n")
    code, out, _ = _run(str(broken))
    assert code == 1
    assert "violation" in out and "ctsh:ClinicalTrial-nctId" in out


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n")
    code, _, err = _run(str(bad))
    assert code == 2
    assert err.startswith("kg: error: ") and str(bad) in err and len(err.strip().splitlines()) == 1
    assert _run(str(tmp_path / "missing.nt"))[0] == 2
    assert _run(str(SEED_XML), "--today", "2025-13-01")[0] == 2
