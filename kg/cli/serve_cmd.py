"""``kg serve``: the store as a read-only SPARQL endpoint on 127.0.0.1."""

from __future__ import annotations

import sys

import click

from kg.cli._common import error
from kg.errors import KgError

__all__ = ["serve"]


@click.command()
@click.option("--store", "store_dir", default="kg-store", show_default=True, help="Store directory.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True, help="Port (0: any free).")
def serve(store_dir: str, port: int) -> None:
    """Serve the store read-only: SPARQL 1.1 Protocol queries at http://127.0.0.1:PORT/query."""
    from kg.server import make_server
    from kg.store import open_read_only

    try:
        server = make_server(open_read_only(store_dir), port)
    except KgError as exc:
        error(str(exc))
        sys.exit(exc.exit_status)
    except OSError as exc:
        error(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}")
        sys.exit(2)
    click.echo(f"serving {store_dir} read-only at http://127.0.0.1:{server.server_address[1]}/query "
               "(Ctrl-C stops)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
