"""``kg convert``: records to an RDF file."""

from __future__ import annotations

import sys

import click

from kg.cli._common import RejectionLog, error, progress, write_rejects
from kg.errors import KgError
from kg.writers import OutputFormat

__all__ = ["convert"]


@click.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@click.option("-o", "--output", default="kg-graph.ttl", show_default=True,
              help="Output file; its extension (.ttl .nt .nq .trig .jsonld, optionally .gz) picks the format. "
                   "'-' writes to standard output.")
@click.option("--format", "output_format", type=click.Choice([f.value for f in OutputFormat]),
              help="Output format, overriding the file extension.")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=str),
              help="Write every rejected record, with file, record, field and reason, as JSON Lines.")
@click.option("--strict", is_flag=True, help="Stop at the first bad record (nothing is written).")
@click.option("--include-contact-details", is_flag=True,
              help="Keep contact phone numbers and e-mail addresses (left out by default).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes reading and mapping in parallel; 0 uses every core. "
                   "The output is the same for any number.")
@click.option("-q", "--quiet", is_flag=True, help="Do not list rejected records on stderr.")
def convert(
    inputs: tuple[str, ...],
    output: str,
    output_format: str | None,
    rejects: str | None,
    strict: bool,
    include_contact_details: bool,
    jobs: int,
    quiet: bool,
) -> None:
    """Convert trial records to RDF.

    INPUTS are files, directories (read recursively), .zip archives or .gz
    files holding ClinicalTrials.gov API v2 JSON (single study, {"studies": [...]}
    pages, JSON Lines), legacy ClinicalTrials.gov XML, or trial page text; the
    format is detected from each file's content. With no INPUTS the bundled
    sample records are converted.

    Exit status: 0 all records converted, 1 some rejected, 2 usage error or no
    readable input.
    """
    from kg.convert import convert as run_convert
    from kg.mapping import MappingOptions
    from kg.parallel import default_jobs
    from kg.resources import sample_records_dir

    sources = list(inputs) or [str(sample_records_dir())]
    fmt = OutputFormat(output_format) if output_format else None
    with progress("converting") as bar:
        log = RejectionLog(bar, quiet=quiet)
        try:
            summary = run_convert(
                sources,
                output,
                output_format=fmt,
                options=MappingOptions(include_contact_details=include_contact_details),
                strict=strict,
                on_rejection=log,
                jobs=jobs or default_jobs(),
                on_record=lambda _nct_id: bar.update(),
                on_duplicate=None if quiet else lambda trial, first: bar.write(
                    f"kg: skipped {trial.nct_id} from {trial.source_file}: "
                    f"already converted from {first}", file=sys.stderr),
            )
        except KgError as exc:
            write_rejects(rejects, log.rejections)
            error(str(exc))
            sys.exit(exc.exit_status)
    write_rejects(rejects, log.rejections)
    click.echo(summary.line() + ("" if output == "-" else f" -> {output}"), err=True)
    sys.exit(1 if summary.rejected else 0)
