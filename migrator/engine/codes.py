"""Transitional names for `migrator.engine.registry`, kept until report/__init__.py,
policy/suppress.py and project/config.py import the registry (then delete this module)."""
from __future__ import annotations

from migrator.engine.registry import help_url as url
from migrator.engine.registry import is_selector, rules

CODES = rules()

__all__ = ["CODES", "is_selector", "url"]
