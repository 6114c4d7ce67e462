"""Transitional names for `migrator.engine.registry`, kept until report/__init__.py,
policy/suppress.py and project/config.py import the registry (then delete this module)."""
from __future__ import annotations

from migrator.engine.registry import help_url as url
from migrator.engine.registry import is_selector, rules

__all__ = ["is_selector", "url"]  # and CODES, below


def __getattr__(name: str):
    """`CODES` is read when asked for, so importing this module does not parse codes.toml."""
    if name == "CODES":
        return rules()
    raise AttributeError(name)
