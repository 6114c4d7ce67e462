"""The language server's scheduling, in this process: a change after a pause is analysed at
once, a burst of changes waits for a pause, and an analysis a newer change superseded before
the worker reached it does not run."""
from __future__ import annotations

import asyncio
import os

import pytest
from helpers import AS_OF

pytest.importorskip("pygls")

from migrator.lsp.server import DEBOUNCE_SECONDS, AstroServer  # noqa: E402

CLIENT = 'import requests\n\nrequests.get("https://api.astronomer.io/platform/v1beta1/organizations")\n'


def test_a_change_after_a_pause_is_analysed_at_once_and_a_burst_waits():
    server = AstroServer()

    async def delays() -> list:
        loop = asyncio.get_running_loop()
        found = []
        for _ in range(3):  # three changes in a row, as typing makes them
            server.schedule("client.py")
            found.append(server.timers["client.py"].when() - loop.time())
        server.timers.pop("client.py").cancel()
        return found

    first, second, third = asyncio.run(delays())
    assert first <= 0.001 < DEBOUNCE_SECONDS - 0.01 <= second and third > 0.01
    server.worker.shutdown()


def test_an_analysis_superseded_before_it_started_does_not_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ASTRO_MIGRATE_AS_OF", AS_OF)
    (tmp_path / "client.py").write_text(CLIENT)
    server = AstroServer()
    path = server.state.shown(os.path.abspath("client.py"))
    server.state.open(path, CLIENT, 1)
    server.tickets[path] = 2  # a newer change asked for another refresh meanwhile

    async def both() -> tuple:
        return await server.analyse(path, ticket=1), await server.analyse(path, ticket=2)

    stale, current = asyncio.run(both())
    server.worker.shutdown()
    assert stale is None
    assert current is not None and [f.code for f in current.findings] == ["AM101"]
