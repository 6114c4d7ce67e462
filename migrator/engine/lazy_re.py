"""Regular expressions compiled when first used: a module defines many, a run uses few of them.

`lazy(pattern, flags)` stands for `re.compile(pattern, flags)` wherever a compiled pattern's
methods and attributes are used (`.search`, `.sub`, `.pattern`, ...). Each attribute is looked up
on the compiled pattern once and kept on the object, so later uses cost what they did before.
It is not a `re.Pattern`: pass it to no `re` function, and compare it by its `.pattern`.
"""
from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    def __init__(self, pattern, flags: int = 0):
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        """Called only for attributes not kept yet: the first use of each."""
        if name.startswith("__"):  # copy, pickle and the like ask for these: not the pattern's
            raise AttributeError(name)
        value = getattr(re.compile(*self._source), name)  # re keeps the compiled pattern
        setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r})"


def lazy(pattern, flags: int = 0) -> Any:
    """`re.compile(pattern, flags)`, done on first use."""
    return LazyPattern(pattern, flags)
