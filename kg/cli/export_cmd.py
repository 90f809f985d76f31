"""``kg export``: the store to an RDF file."""

from __future__ import annotations

import sys

import click

from kg.cli._common import error
from kg.errors import KgError
from kg.writers import OutputFormat

__all__ = ["export"]


@click.command()
@click.option("--store", "store_dir", default="kg-store", show_default=True, help="Store directory.")
@click.option("-o", "--output", required=True, help="Output file; its extension picks the format ('-' for stdout).")
@click.option("--format", "output_format", type=click.Choice([f.value for f in OutputFormat]),
              help="Output format, overriding the file extension.")
def export(store_dir: str, output: str, output_format: str | None) -> None:
    """Dump the store: N-Quads, TriG and JSON-LD keep the per-trial graphs; Turtle and
    N-Triples write the union graph, each triple once."""
    from kg.store import export_store, open_read_only
    from kg.writers import format_for_path

    try:
        fmt = OutputFormat(output_format) if output_format else format_for_path(output)
        export_store(open_read_only(store_dir), output, fmt)
    except KgError as exc:
        error(str(exc))
        sys.exit(exc.exit_status)
    if output != "-":
        click.echo(f"exported {store_dir} -> {output}", err=True)
