"""A small JSON-RPC client for tests that drive `astro-migrate lsp` over stdio (Content-Length framing)."""
from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from typing import Callable


class ServerError(Exception):
    """The server answered a request with an error."""


class LspClient:
    """Starts `python -m migrator lsp` in `cwd`; requests block for their answer, notifications queue."""

    def __init__(self, cwd: str, env: dict, stderr):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "migrator", "lsp"],
            cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
        )
        self.next_id = 0
        self.answers: dict = {}
        self.answered = threading.Condition()
        self.notifications: queue.Queue = queue.Queue()
        self.seen: list = []  # notifications taken off the queue, oldest first
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _frame(self) -> dict | None:
        stream = self.process.stdout
        assert stream is not None
        length = None
        while True:
            line = stream.readline()
            if not line:
                return None
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        assert length is not None, "a frame without Content-Length"
        return json.loads(stream.read(length))

    def _read(self) -> None:
        while True:
            message = self._frame()
            if message is None:
                return
            if "id" in message and "method" in message:  # a request from the server: answer it
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "id" in message:
                with self.answered:
                    self.answers[message["id"]] = message
                    self.answered.notify_all()
            else:
                self.notifications.put(message)

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        stream = self.process.stdin
        assert stream is not None
        stream.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stream.flush()

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params, timeout: float = 30):
        self.next_id += 1
        number = self.next_id
        self.send({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
        with self.answered:
            if not self.answered.wait_for(lambda: number in self.answers, timeout):
                raise TimeoutError(f"no answer to {method} within {timeout} s")
            answer = self.answers.pop(number)
        if "error" in answer:
            raise ServerError(answer["error"])
        return answer.get("result")

    def wait_for(self, method: str, accept: Callable = lambda params: True, timeout: float = 30) -> dict:
        """The params of the next notification `method` that `accept` takes (others are kept in `seen`)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {method} within {timeout} s")
            try:
                message = self.notifications.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append(message)
            if message.get("method") == method and accept(message.get("params")):
                return message["params"]

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = 30) -> list:
        """The next diagnostics published for `uri` (for `version` when given)."""
        def accept(params: dict) -> bool:
            return params["uri"] == uri and (version is None or params.get("version") == version)

        return self.wait_for("textDocument/publishDiagnostics", accept, timeout)["diagnostics"]
