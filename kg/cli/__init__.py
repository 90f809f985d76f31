"""The ``kg`` command: parses arguments, calls the API, renders results.

Nothing here knows about formats or RDF: each subcommand lives in its own
module (``convert_cmd``, ...) and wires options to the library API, draws
progress bars on a terminal, prints one-line errors to stderr and maps errors
to the documented exit statuses (0 all good, 1 some records rejected or data
not conforming, 2 usage error or no readable input, 3 internal error).
"""

from __future__ import annotations

import os
import sys

import click

from kg import __version__
from kg.cli._common import error

__all__ = ["main"]


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
            error("interrupted")
            sys.exit(130)
        except Exception as exc:  # the last line of defence: never a traceback for users
            if os.environ.get("KG_DEBUG"):
                raise
            error(f"internal error: {type(exc).__name__}: {exc} (set KG_DEBUG=1 for details)")
            sys.exit(3)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Clinical-trial registry records as a linked, validated RDF knowledge graph.

    Exit statuses: 0 success, 1 some records rejected (or, for validate, data
    not conforming), 2 usage error or no readable input, 3 internal error.
    """


def _register() -> None:
    from kg.cli.analyze_cmd import analyze
    from kg.cli.build_cmd import build
    from kg.cli.convert_cmd import convert
    from kg.cli.export_cmd import export
    from kg.cli.load_cmd import load
    from kg.cli.query_cmd import query
    from kg.cli.serve_cmd import serve
    from kg.cli.validate_cmd import validate

    main.add_command(convert)
    main.add_command(load)
    main.add_command(export)
    main.add_command(serve)
    main.add_command(query)
    main.add_command(build)
    main.add_command(analyze)
    main.add_command(validate)


_register()
