"""Check a fixed text before it replaces its file: what loaded before must still load.

Python that parsed still parses; JSON, YAML (every document) and TOML that loaded still load;
a notebook still loads, keeps everything but its cells' sources byte for byte (nbformat
keys, cell count, metadata, outputs, indentation, key order, escapes, trailing newline), and
its code cells that parsed as Python still parse.
A file that did not load before is not judged: a fix cannot make it worse to its own tools.
"""
from __future__ import annotations

import ast
import json
import warnings
from typing import Callable, Optional

from migrator.text.json_values import parse


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
        import tomli as tomllib  # type: ignore[no-redef]
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
        return _notebook(old, new)
    return None


def _frame(raw: str, sources: list) -> tuple:
    """`raw` with every cell source's strings cut out, and the cell count."""
    pieces, pos = [], 0
    for strings in sources:
        if strings:
            pieces.append(raw[pos : strings[0].start])
            pos = strings[-1].end
    pieces.append(raw[pos:])
    return "\x00".join(pieces), len(sources)


def _code(document) -> list:
    """Each cell's source text when it is a code cell, else None."""
    cells = document.get("cells") if isinstance(document, dict) else None
    out = []
    for cell in cells if isinstance(cells, list) else []:
        source = cell.get("source") if isinstance(cell, dict) and cell.get("cell_type") == "code" else None
        out.append("".join(source) if isinstance(source, list) else source if isinstance(source, str) else None)
    return out


def _notebook(old: str, new: str) -> Optional[str]:
    """The layout outside the sources is kept; code cells that parsed as Python still parse."""
    from migrator.text.notebook import source_strings  # the text tier's notebook reader: for notebooks only

    before, after = parse(old), parse(new)
    if _frame(old, source_strings(before)) != _frame(new, source_strings(after)):
        return "the fixed notebook would change more than its cells' sources"
    for number, (was, now) in enumerate(zip(_code(before), _code(after)), start=1):
        if was != now and isinstance(was, str) and isinstance(now, str) and _loads(_python, was) is None:
            problem = _loads(_python, now)
            if problem is not None:
                return f"cell {number} would no longer parse as Python: {problem}"
    return None
