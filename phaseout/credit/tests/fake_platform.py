"""A fake provincial public credit platform for the tests: a real HTTP server on 127.0.0.1
(port 0, so the system picks a free one) in a background thread. It answers from a script of
(status, JSON body) pairs, then 200, and records every request it saw."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Seen:
    path: str
    headers: dict
    body: dict


@dataclass
class FakePlatform:
    answers: list[tuple[int, dict]] = field(default_factory=list)
    requests: list[Seen] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/credit/records"

    def start(self) -> "FakePlatform":
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the name http.server calls)
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                platform.requests.append(Seen(self.path, dict(self.headers), body))
                status, answer = (platform.answers.pop(0) if platform.answers
                                  else (200, {"receipt": f"GD-{len(platform.requests)}"}))
                data = json.dumps(answer).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
