"""A web site on 127.0.0.1 for the fetching tests: subclasses say what each path answers."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple, Self


class Hit(NamedTuple):
    path: str
    user_agent: str
    at: float  # time.monotonic() when the request arrived
    status: int


class Site:
    """Serves ``route(request) -> (status, body, headers)``; records every request in ``hits``.

    A status of -1 is a page that never answers in time (the handler sleeps, then hangs up).
    Use as a context manager: started on enter, shut down on exit.
    """

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # the http.server API names it so
                arrived = time.monotonic()
                status, body, headers = outer.route(self)
                outer.hits.append(Hit(self.path, self.headers.get("User-Agent", ""), arrived,
                                      status))
                if status == -1:
                    time.sleep(1.0)
                    return
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(self, req: BaseHTTPRequestHandler) -> tuple[int, bytes, dict[str, str]]:
        raise NotImplementedError

    def count(self, path: str) -> int:
        return sum(1 for h in self.hits if h.path == path)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def rss(base: str, links: list[str]) -> bytes:
    """An RSS 2.0 feed of ``links`` (paths on ``base``), dated like a wire feed."""
    items = "".join(f"<item><title>Item {i}</title><link>{base}{path}</link>"
                    f"<pubDate>Tue, 20 Feb 2024 10:00:00 GMT</pubDate></item>"
                    for i, path in enumerate(links))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test wire</title>'
            f"<link>{base}/</link>{items}</channel></rss>").encode()
