"""The ``kg`` command: parses arguments, calls the API, renders results.

Nothing here knows about formats or RDF: it wires options to ``kg.convert``
and friends, draws progress bars on a terminal, prints one-line errors to
stderr and maps errors to the documented exit statuses (0 all good, 1 some
records rejected, 2 usage error or no readable input).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from tqdm import tqdm

from kg import __version__
from kg.errors import KgError, Rejection
from kg.writers import OutputFormat, atomic_output

__all__ = ["main"]


def _error(message: str) -> None:
    click.echo(f"kg: error: {message}", err=True)


@contextmanager
def _progress(description: str) -> Iterator[tqdm]:
    """A bar on a terminal, nothing when output is redirected (tqdm decides)."""
    bar = tqdm(desc=description, unit=" records", disable=None, file=sys.stderr, dynamic_ncols=True, leave=False)
    try:
        yield bar
    finally:
        bar.close()


class _RejectionLog:
    """Prints each rejection in one line and collects them for ``--rejects``."""

    def __init__(self, bar: tqdm, *, quiet: bool) -> None:
        self.bar = bar
        self.quiet = quiet
        self.rejections: list[str] = []

    def __call__(self, rejection: Rejection) -> None:
        self.rejections.append(json.dumps(rejection.as_dict(), ensure_ascii=False))
        if not self.quiet:
            self.bar.write(f"kg: rejected: {rejection}", file=sys.stderr)


class _Group(click.Group):
    """Turns an unexpected exception into one line instead of a traceback.

    Set ``KG_DEBUG=1`` to see the traceback of such an internal error.
    """

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            _error("interrupted")
            sys.exit(130)
        except Exception as exc:  # the last line of defence: never a traceback for users
            if os.environ.get("KG_DEBUG"):
                raise
            _error(f"internal error: {type(exc).__name__}: {exc} (set KG_DEBUG=1 for details)")
            sys.exit(3)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Clinical-trial registry records as a linked, validated RDF knowledge graph.

    Exit statuses: 0 success, 1 some records rejected, 2 usage error or no
    readable input, 3 internal error.
    """


@main.command()
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
@click.option("-q", "--quiet", is_flag=True, help="Do not list rejected records on stderr.")
def convert(
    inputs: tuple[str, ...],
    output: str,
    output_format: str | None,
    rejects: str | None,
    strict: bool,
    include_contact_details: bool,
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
    from kg.resources import sample_records_dir

    sources = list(inputs) or [str(sample_records_dir())]
    fmt = OutputFormat(output_format) if output_format else None
    with _progress("converting") as bar:
        log = _RejectionLog(bar, quiet=quiet)
        try:
            summary = run_convert(
                sources,
                output,
                output_format=fmt,
                options=MappingOptions(include_contact_details=include_contact_details),
                strict=strict,
                on_rejection=log,
                on_record=lambda _trial: bar.update(),
                on_duplicate=None if quiet else lambda trial, first: bar.write(
                    f"kg: skipped {trial.nct_id} from {trial.provenance.source_file}: "
                    f"already converted from {first}", file=sys.stderr),
            )
        except KgError as exc:
            _write_rejects(rejects, log.rejections)
            _error(str(exc))
            sys.exit(exc.exit_status)
    _write_rejects(rejects, log.rejections)
    click.echo(summary.line() + ("" if output == "-" else f" -> {output}"), err=True)
    sys.exit(1 if summary.rejected else 0)


def _write_rejects(path: str | None, lines: list[str]) -> None:
    if not path:
        return
    with atomic_output(path) as stream:
        stream.write("".join(f"{line}\n" for line in lines).encode("utf-8"))


if __name__ == "__main__":  # pragma: no cover
    main()
