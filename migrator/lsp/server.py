"""The language server: pygls wiring, the debounce, and which documents a change refreshes.

Analyses run one at a time in a worker thread (the pipeline reads the working folder and the
cache); each document's diagnostics are published only from the newest analysis asked for it,
and an analysis a newer change superseded before it started does not run. A change after a
pause is analysed at once; changes coming faster than the debounce wait for a pause. A change
to a Python module refreshes the other open modules and notebooks too: they may read a base it
defines, and its unsaved text is what they see.
"""
from __future__ import annotations

import asyncio
import logging
import os
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Optional

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from migrator import __version__
from migrator.lsp import actions, diagnostics
from migrator.lsp.positions import Positions
from migrator.lsp.state import CONFIG_FILES, Analysis, Workspace
from migrator.project import config
from migrator.project.filetypes import PYTHON_SUFFIXES, flavor_of
from migrator.python import incremental

DEBOUNCE_SECONDS = 0.05  # typing pauses longer than this get diagnostics
# Other open modules wait for a longer pause, so that while typing they never queue ahead of
# the file being typed in.
READERS_DEBOUNCE_SECONDS = 0.3


class AstroServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("astro-migrate", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.state = Workspace()
        self.analyses: dict = {}  # shown path -> the newest Analysis published
        self.tickets: dict = {}  # shown path -> number of the newest refresh asked for
        self.timers: dict = {}  # shown path -> asyncio.TimerHandle of a debounced refresh
        self.asked: dict = {}  # shown path -> loop time of its last change (see `schedule`)
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="astro-migrate-analysis")

    @property
    def encoding(self):
        return self.workspace.position_encoding or types.PositionEncodingKind.Utf16

    def path_of(self, uri: str) -> Optional[str]:
        path = to_fs_path(uri)
        return self.state.shown(path) if path else None

    def schedule(self, path: str, delay: float = DEBOUNCE_SECONDS, eager: bool = True) -> None:
        """Refresh `path` once no change has come for `delay` seconds; `eager`: at once when
        none came in the `delay` before this one either (no burst of typing to wait out)."""
        self.tickets[path] = self.tickets.get(path, 0) + 1
        timer = self.timers.pop(path, None)
        if timer is not None:
            timer.cancel()
        ticket = self.tickets[path]
        loop = asyncio.get_running_loop()
        if eager:
            now, last = loop.time(), self.asked.get(path)
            self.asked[path] = now
            if timer is None and (last is None or now - last >= delay):
                delay = 0
        self.timers[path] = loop.call_later(delay, lambda: asyncio.ensure_future(self.refresh(path, ticket)))

    def schedule_readers(self, changed: str) -> None:
        """A Python module changed: every other open module or notebook may read its bases."""
        if not changed.endswith(PYTHON_SUFFIXES):
            return
        for path in self.state.buffers:
            if path != changed and (path.endswith(PYTHON_SUFFIXES) or flavor_of(path) == "notebook"):
                self.schedule(path, READERS_DEBOUNCE_SECONDS, eager=False)

    async def analyse(self, path: str, ticket: Optional[int] = None) -> Optional[Analysis]:
        """`path` analysed in the worker; None, without analysing, when a refresh newer than
        `ticket` was asked for while this one waited for the worker."""

        def job() -> Optional[Analysis]:
            if ticket is not None and self.tickets.get(path) != ticket:
                return None
            return self.state.analyse(path)

        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.worker, job)
        except config.ConfigError as error:
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"astro-migrate: {error}"))
        except Exception:  # a crash in one analysis must not end the session
            self.window_log_message(types.LogMessageParams(types.MessageType.Error, traceback.format_exc()))
        return None

    async def refresh(self, path: str, ticket: int) -> None:
        self.timers.pop(path, None)
        if path not in self.state.buffers:
            return
        analysis = await self.analyse(path, ticket)
        if self.tickets.get(path) != ticket or path not in self.state.buffers:
            return  # a newer refresh was asked for, or the document was closed meanwhile
        if analysis is None:  # a file `check` does not read, or a configuration it refuses
            self.analyses.pop(path, None)
            self.publish(path, [], self.state.buffers[path].version)
            return
        self.analyses[path] = analysis
        self.publish(path, diagnostics.diagnostics(analysis, self.encoding, self.state.text), analysis.version)

    def publish(self, path: str, found: list, version: Optional[int]) -> None:
        params = types.PublishDiagnosticsParams(diagnostics.uri_of(path), found, version)
        self.text_document_publish_diagnostics(params)

    async def current(self, path: str) -> Optional[Analysis]:
        """The analysis of the document as it is now (made now when the last one is stale)."""
        analysis = self.analyses.get(path)
        buffer = self.state.buffers.get(path)
        if analysis is not None and buffer is not None and analysis.version == buffer.version:
            return analysis
        return await self.analyse(path)


server = AstroServer()


@server.feature(types.INITIALIZE)
def initialize(ls: AstroServer, params: types.InitializeParams) -> None:
    """Work from the workspace root, as `check` run there: paths, exclusions, the cache."""
    folders = params.workspace_folders or []
    root = to_fs_path(folders[0].uri) if folders else (to_fs_path(params.root_uri) if params.root_uri else None)
    root = root or params.root_path
    if root and os.path.isdir(root):
        os.chdir(root)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: AstroServer, params: types.DidOpenTextDocumentParams) -> None:
    path = ls.path_of(params.text_document.uri)
    if path is not None:
        ls.state.open(path, params.text_document.text, params.text_document.version)
        ls.schedule(path, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: AstroServer, params: types.DidChangeTextDocumentParams) -> None:
    path = ls.path_of(params.text_document.uri)
    if path is None:
        return
    document = ls.workspace.get_text_document(params.text_document.uri)
    ls.state.open(path, document.source, params.text_document.version)
    ls.schedule(path)
    ls.schedule_readers(path)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: AstroServer, params: types.DidSaveTextDocumentParams) -> None:
    """A saved configuration changes every file's run: refresh them all."""
    path = ls.path_of(params.text_document.uri)
    if path is not None and os.path.basename(path) in CONFIG_FILES:
        for open_path in ls.state.buffers:
            ls.schedule(open_path)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: AstroServer, params: types.DidCloseTextDocumentParams) -> None:
    path = ls.path_of(params.text_document.uri)
    if path is None:
        return
    ls.state.close(path)
    ls.analyses.pop(path, None)
    ls.asked.pop(path, None)
    ls.publish(path, [], None)
    ls.schedule_readers(path)  # they now read the file on disk


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, actions.UNSAFE, actions.FIX_ALL], resolve_provider=True
    ),
)
async def code_action(ls: AstroServer, params: types.CodeActionParams) -> Optional[list]:
    uri = params.text_document.uri
    path = ls.path_of(uri)
    analysis = await ls.current(path) if path is not None and path in ls.state.buffers else None
    if analysis is None:
        return None
    positions = Positions(analysis.text, ls.encoding)
    start, end = positions.offset(params.range.start), positions.offset(params.range.end)
    found = diagnostics.diagnostics(analysis, ls.encoding, ls.state.text)
    loop = asyncio.get_running_loop()
    offered = await loop.run_in_executor(
        ls.worker, actions.code_actions, analysis, uri, ls.encoding, start, end, found)
    if offered and offered[-1].kind == actions.FIX_ALL and not _resolves_edits(ls):
        offered[-1] = await _resolve(ls, offered[-1])
    wanted = params.context.only
    return [a for a in offered if not wanted or any(a.kind == k or a.kind.startswith(k + ".") for k in wanted)]


def _resolves_edits(ls: AstroServer) -> bool:
    capabilities = ls.client_capabilities.text_document
    support = capabilities and capabilities.code_action and capabilities.code_action.resolve_support
    return bool(support and "edit" in support.properties)


async def _resolve(ls: AstroServer, action: types.CodeAction) -> types.CodeAction:
    """Give "fix all" its edit: the text `check --fix FILE` would leave."""
    data = action.data or {}
    path = ls.path_of(data.get("uri", ""))
    analysis = await ls.current(path) if path is not None and path in ls.state.buffers else None
    if analysis is None or analysis.version != data.get("version"):
        return action  # the document changed since: no edit rather than a stale one
    loop = asyncio.get_running_loop()
    new = await loop.run_in_executor(ls.worker, ls.state.fixed_text, analysis)
    if new is not None:
        action.edit = actions.fix_all_edit(analysis, data["uri"], new, ls.encoding)
    return action


@server.feature(types.CODE_ACTION_RESOLVE)
async def code_action_resolve(ls: AstroServer, action: types.CodeAction) -> types.CodeAction:
    return await _resolve(ls, action)


@server.feature(types.SHUTDOWN)
def shutdown(ls: AstroServer, *args) -> None:
    for timer in ls.timers.values():
        timer.cancel()
    ls.worker.shutdown(wait=False, cancel_futures=True)


def serve() -> None:
    """Talk LSP over stdin and stdout until the client says `exit`."""
    logging.basicConfig(level=logging.WARNING)  # pygls logs to stderr; stdout is the protocol's
    incremental.keep()  # a change parses only the statements it touched
    server.start_io()
