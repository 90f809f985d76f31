"""``kg validate``: check RDF or records against the SHACL shapes and report what is wrong."""

from __future__ import annotations

import sys
from datetime import date

import click

from kg.cli._common import error, progress
from kg.errors import KgError

__all__ = ["validate"]

_LEVELS = ("violation", "warning", "info")


def _today(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--shapes", "shapes_path", type=click.Path(exists=True, path_type=str),
              help="A shapes folder (every .ttl in it) or file; the shipped shapes by default.")
@click.option("--format", "output_format", type=click.Choice(["text", "ttl", "json"]), default="text",
              show_default=True, help="text: grouped summary; ttl: SHACL validation report; json: summary and results.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=str),
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("--fail-on", type=click.Choice(_LEVELS), default="violation", show_default=True,
              help="Exit 1 when there are results this serious or worse.")
@click.option("--engine", type=click.Choice(["auto", "pyshacl", "sparql"]), default="auto", show_default=True,
              help="pyshacl: the reference engine; sparql: compiled queries, for large inputs; auto: by input size.")
@click.option("--today", callback=_today, metavar="DATE",
              help="The date stale-record checks compare with (YYYY-MM-DD; default: the current date).")
@click.option("--limit", default=5, show_default=True, help="Focus nodes listed per shape in text output.")
@click.option("-j", "--jobs", default=1, show_default=True, help="Processes reading and mapping records.")
@click.option("-q", "--quiet", is_flag=True, help="Do not list rejected records on stderr.")
def validate(
    inputs: tuple[str, ...],
    shapes_path: str | None,
    output_format: str,
    report_path: str | None,
    fail_on: str,
    engine: str,
    today: date | None,
    limit: int,
    jobs: int,
    quiet: bool,
) -> None:
    """Validate a graph against the project's SHACL shapes.

    INPUTS are RDF files as kg convert writes them (.ttl .nt .nq .trig .jsonld, optionally .gz)
    or registry records (files, folders, archives), which are converted on the fly.

    Exit status: 0 no result at the --fail-on level or worse, 1 some (or a record was rejected),
    2 unreadable input or shapes.
    """
    from kg.validation import Severity
    from kg.validation import validate as run_validate
    from kg.validation.render import to_text, write_json, write_turtle
    from kg.writers import atomic_output

    with progress("reading", unit="") as bar:
        stages: list[str] = []

        def on_progress(stage: str, done: int, total: int | None) -> None:
            if not stages or stages[-1] != stage:
                stages.append(stage)
                bar.reset(total=total)
                bar.set_description(stage)
            bar.update(done - bar.n)

        def on_rejection(rejection: object) -> None:
            if not quiet:
                bar.write(f"kg: rejected: {rejection}", file=sys.stderr)

        try:
            report = run_validate(inputs, shapes=shapes_path, engine=engine, today=today, jobs=jobs,
                                  on_progress=on_progress, on_rejection=on_rejection)
        except KgError as exc:
            error(str(exc))
            sys.exit(exc.exit_status)
    with atomic_output(report_path or "-") as stream:
        if output_format == "text":
            stream.write(to_text(report, limit=limit).encode("utf-8"))
        elif output_format == "json":
            write_json(report, stream)
        else:
            write_turtle(report, stream)
    counts = report.counts()
    if report_path or output_format != "text":
        click.echo(f"{counts.get(Severity.VIOLATION, 0)} violations, {counts.get(Severity.WARNING, 0)} warnings, "
                   f"{counts.get(Severity.INFO, 0)} infos" + (f" -> {report_path}" if report_path else ""), err=True)
    sys.exit(0 if report.conforms_at(Severity(fail_on)) else 1)
