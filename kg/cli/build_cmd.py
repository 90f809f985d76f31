"""``kg build``: read → convert → validate → load, then a short report."""

from __future__ import annotations

import sys

import click

from kg.cli._common import RejectionLog, error, progress

__all__ = ["build"]


@click.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@click.option("--store", "store_dir", default="kg-store", show_default=True, help="Store directory.")
@click.option("--force", is_flag=True, help="Replace stored trials even with an older version of the record.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes reading and mapping records in parallel; 0 uses every core. "
                   "The store is the same for any number.")
@click.option("-q", "--quiet", is_flag=True, help="Do not list rejected records and skipped versions.")
def build(inputs: tuple[str, ...], store_dir: str, force: bool, jobs: int, quiet: bool) -> None:
    """Build the queryable graph from records (the bundled samples with no INPUTS).

    Exit status: 0 built, 1 some records rejected, 2 usage error or no input.
    """
    from kg.build import build as run_build
    from kg.errors import KgError
    from kg.parallel import default_jobs
    from kg.resources import sample_records_dir
    from kg.store import open_store

    sources = list(inputs) or [str(sample_records_dir())]
    with progress("building", unit=" trials") as bar:
        log = RejectionLog(bar, quiet=quiet)
        try:
            report = run_build(
                open_store(store_dir), sources, force=force, jobs=jobs or default_jobs(), on_rejection=log,
                on_batch=bar.update,
                on_skip=None if quiet else lambda skipped: bar.write(f"kg: {skipped}", file=sys.stderr),
            )
        except KgError as exc:
            error(str(exc))
            sys.exit(exc.exit_status)
    if report.load.loaded == 0 and report.load.skipped_older == 0:
        error("nothing loaded: no readable records in the input")
        sys.exit(2)
    click.echo(f"{report.load.line()} -> {store_dir}")
    click.echo("\n".join(report.stats.lines()))
    click.echo(f"validation     {report.validation}")
    click.echo(f"\n{report.query_title} (kg query phase-status-counts):")
    widths = [max(len(c), *(len(r[i]) for r in report.query_rows)) for i, c in enumerate(report.query_columns)]
    for row in [report.query_columns, *report.query_rows]:
        click.echo("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    sys.exit(1 if report.load.rejected else 0)
