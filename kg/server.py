"""A read-only SPARQL 1.1 Protocol endpoint over the embedded store, on 127.0.0.1.

In-process (``http.server``), so ``kg serve`` needs nothing beyond the package:
GET and POST ``/query`` (query string, form-encoded or ``application/sparql-query``
bodies), results in JSON, XML, CSV or TSV chosen by the Accept header, graph
results in Turtle or N-Triples. The store is opened read-only and the default
graph is the union of all graphs, like ``kg query``. Updates are refused.
"""

from __future__ import annotations

import io
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store

__all__ = ["make_server"]

_RESULT_TYPES = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "application/xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
_GRAPH_TYPES = {"text/turtle": RdfFormat.TURTLE, "application/n-triples": RdfFormat.N_TRIPLES}
_MAX_BODY = 1 << 20


def _negotiate(accept: str, table: dict, default: str) -> str:
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in table:
            return media
    return default


class _Handler(BaseHTTPRequestHandler):
    store: Store
    server_version = "ctkg-sparql"

    def log_message(self, format: str, *args: object) -> None:
        return

    def _reply(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/query":
            self._refuse(url.path)
            return
        query = parse_qs(url.query).get("query")
        self._answer(query[0] if query else None)

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/query":
            self._refuse(url.path)
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self._reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, b"query too large\n")
            return
        body = self.rfile.read(length).decode("utf-8", "replace")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/sparql-query":
            self._answer(body)
        elif kind == "application/x-www-form-urlencoded":
            fields = parse_qs(body)
            if "update" in fields:
                self._reply(HTTPStatus.FORBIDDEN, b"this endpoint is read-only: updates are refused\n")
                return
            self._answer(fields.get("query", [None])[0])
        else:
            self._reply(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, b"send application/sparql-query or a form\n")

    def do_PUT(self) -> None:
        self._refuse(urlsplit(self.path).path)

    do_DELETE = do_PUT

    def _refuse(self, path: str) -> None:
        if path in ("/update", "/store"):
            self._reply(HTTPStatus.FORBIDDEN, b"this endpoint is read-only: updates are refused\n")
        else:
            self._reply(HTTPStatus.NOT_FOUND, b"SPARQL queries go to /query\n")

    def _answer(self, query: str | None) -> None:
        if not query:
            self._reply(HTTPStatus.BAD_REQUEST, b"missing query\n")
            return
        try:
            results = self.store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            self._reply(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {exc}\n".encode())
            return
        except (OSError, RuntimeError, ValueError) as exc:
            self._reply(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {exc}\n".encode())
            return
        accept = self.headers.get("Accept") or ""
        out = io.BytesIO()
        if isinstance(results, (QuerySolutions, QueryBoolean)):
            media = _negotiate(accept, _RESULT_TYPES, "application/sparql-results+json")
            results.serialize(out, _RESULT_TYPES[media])
        else:
            media = _negotiate(accept, _GRAPH_TYPES, "application/n-triples")
            results.serialize(out, _GRAPH_TYPES[media])
        self._reply(HTTPStatus.OK, out.getvalue(), f"{media}; charset=utf-8")


def make_server(store: Store, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A server answering SPARQL queries on ``store``; call ``serve_forever`` to run it."""
    handler = type("Handler", (_Handler,), {"store": store})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
