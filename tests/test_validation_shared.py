"""Every real record of ../shared/data: no violation; warnings allowed, counted and printed.

Also the proof that the compiled engine gives pySHACL's results: a few hundred real records
validated by both engines must give the same set of results, messages and values included.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from conftest import shared_folder

from kg.validation import validate
from kg.validation.report import Severity

pytestmark = pytest.mark.slow
TODAY = date(2025, 1, 1)


def test_shared_records_have_no_violations(capsys: pytest.CaptureFixture[str]) -> None:
    folders = [shared_folder("ctgov-v2"), shared_folder("ctgov-xml")]
    report = validate(folders, engine="sparql", today=TODAY)
    assert report.rejected == 0
    assert report.trials > 2000
    violations = [r for r in report.results if r.severity is Severity.VIOLATION]
    assert violations == []
    with capsys.disabled():
        counts = Counter((r.severity.value, r.shape.rsplit("#", 1)[-1]) for r in report.results)
        print(f"\nshared records: {report.trials} trials, {report.triples} triples, {dict(report.counts())}")
        for (severity, shape), count in sorted(counts.items()):
            print(f"  {severity:<8} {count:>6}  {shape}")


def _sample(size: int) -> list[Path]:
    """Every n-th record of each shared folder, ``size`` in all: both formats, all sources."""
    picked: list[Path] = []
    for folder in (shared_folder("ctgov-v2"), shared_folder("ctgov-xml")):
        files = sorted(folder.iterdir())
        step = max(1, len(files) // (size // 2))
        picked.extend(files[::step][: size // 2])
    return picked


@pytest.mark.parametrize("half", [0, 1])
def test_compiled_engine_gives_pyshacl_results_on_real_records(half: int) -> None:
    """300 real records of both formats, validated as two graphs of 150 to bound the reference engine's time."""
    sample = _sample(300)[half::2]
    assert len(sample) == 150
    reference = validate(sample, engine="pyshacl", today=TODAY)
    compiled = validate(sample, engine="sparql", today=TODAY)
    assert reference.triples == compiled.triples
    assert len(reference.results) > 100  # warnings and notes: the comparison is not vacuous
    assert compiled.results == reference.results
