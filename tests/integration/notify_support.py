"""A real local HTTP endpoint and a tiny SMTP server for the notify tests (standard library only)."""

from __future__ import annotations

import json
import socketserver
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Endpoint:
    """Records every request; answers each path from its script (status codes, in order), then 200."""

    url: str
    requests: list[Received] = field(default_factory=list)
    script: dict[str, list[int]] = field(default_factory=dict)
    answers: dict[str, bytes] = field(default_factory=dict)
    delay_s: float = 0.0

    def at(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]


def serve_http() -> Iterator[Endpoint]:
    endpoint = Endpoint(url="")

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            endpoint.requests.append(Received(self.command, parts.path, dict(urllib.parse.parse_qsl(parts.query)),
                                              {k.lower(): v for k, v in self.headers.items()}, body))
            time.sleep(endpoint.delay_s)
            script = endpoint.script.get(parts.path, [])
            status = script.pop(0) if script else 200
            answer = endpoint.answers.get(parts.path, b'{"errcode":0,"errmsg":"ok"}') if status == 200 \
                else b"gateway down"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_POST = do_GET = _handle

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    endpoint.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Mailbox:
    port: int = 0
    messages: list[dict[str, Any]] = field(default_factory=list)


def serve_smtp() -> Iterator[Mailbox]:
    """Just enough SMTP (RFC 5321: EHLO, MAIL, RCPT, DATA, QUIT) to receive what smtplib sends."""
    mailbox = Mailbox()

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write((line + "\r\n").encode())

        def handle(self) -> None:
            self.reply("220 test ESMTP")
            sender, recipients = "", []
            while line := self.rfile.readline():
                command = line.decode().strip()
                verb = command.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250 test")
                elif verb == "MAIL":
                    sender = command.split(":", 1)[1].strip("<> ")
                    self.reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].strip("<> "))
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 go ahead")
                    data = b""
                    while (chunk := self.rfile.readline()) != b".\r\n":
                        data += chunk
                    mailbox.messages.append({"from": sender, "to": recipients, "data": data})
                    self.reply("250 queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("250 OK")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    mailbox.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield mailbox
    finally:
        server.shutdown()
        server.server_close()
