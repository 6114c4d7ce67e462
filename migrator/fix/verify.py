"""Check a fixed text before it replaces its file: what loaded before must still load.

Python that parsed still parses; JSON, YAML (every document) and TOML that loaded still load;
a notebook still loads and keeps everything but its cells' sources byte for byte (nbformat
keys, cell count, metadata, outputs, indentation, key order, escapes, trailing newline).
A file that did not load before is not judged: a fix cannot make it worse to its own tools.
"""
from __future__ import annotations

import ast
import json
import warnings
from typing import Callable, Optional

from migrator.text.json_values import JStr, parse


def _python(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like: not ours to report
        ast.parse(text)


def _yaml(text: str) -> None:
    import yaml

    try:
        for _ in yaml.safe_load_all(text):
            pass
    except yaml.YAMLError as error:
        raise ValueError(str(error)) from None


def _toml(text: str) -> None:
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        import tomli as tomllib
    tomllib.loads(text)


LOADERS: dict = {"python": _python, "json": json.loads, "notebook": json.loads, "yaml": _yaml, "toml": _toml}


def _loads(loader: Callable, text: str) -> Optional[str]:
    """None when `loader` accepts `text`, else the first line of its complaint."""
    try:
        loader(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return (str(error).splitlines() or [type(error).__name__])[0]
    return None


def broken(flavor: Optional[str], old: str, new: str) -> Optional[str]:
    """Why `new` may not replace `old` (a file of `flavor`), or None when it may."""
    loader = LOADERS.get(flavor or "")
    if loader is None or _loads(loader, old) is not None:
        return None
    problem = _loads(loader, new)
    if problem is not None:
        return f"the fixed file would no longer load as {flavor}: {problem}"
    if flavor == "notebook":
        return _notebook_layout(old, new)
    return None


def _sources(document) -> list:
    """The JStr values of every cell's `source` (or nbformat 3 `input`), in order."""
    if not isinstance(document, dict):
        return []
    cells = document.get("cells")
    if not isinstance(cells, list):
        cells = [c for ws in document.get("worksheets") or [] if isinstance(ws, dict) for c in ws.get("cells") or []]
    out = []
    for cell in cells:
        value = cell.get("source", cell.get("input")) if isinstance(cell, dict) else None
        if isinstance(value, JStr):
            out.append([value])
        elif isinstance(value, list):
            out.append([line for line in value if isinstance(line, JStr)])
        else:
            out.append([])
    return out


def _frame(raw: str, sources: list) -> tuple:
    """`raw` with every cell source's strings cut out, and the cell count."""
    pieces, pos = [], 0
    for strings in sources:
        if strings:
            pieces.append(raw[pos : strings[0].start])
            pos = strings[-1].end
    pieces.append(raw[pos:])
    return "\x00".join(pieces), len(sources)


def _notebook_layout(old: str, new: str) -> Optional[str]:
    if _frame(old, _sources(parse(old))) != _frame(new, _sources(parse(new))):
        return "the fixed notebook would change more than its cells' sources"
    return None
