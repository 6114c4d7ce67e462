"""Configuration: `[tool.astro-migrate]` in pyproject.toml, or the top level of astro-migrate.toml.

The file is found by walking up from the checked paths; in each folder astro-migrate.toml wins
over a pyproject.toml, and a pyproject.toml without the table is skipped. Unknown keys and
values of the wrong type are errors that name them.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields
from typing import Optional

from migrator.engine import deadline as clock
from migrator.engine import registry, ruletable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

OWN_FILE = "astro-migrate.toml"
PYPROJECT = "pyproject.toml"
SEVERITIES = ("error", "warning", "info")
MAX_BYTES = 4 * 1024 * 1024  # of a configuration file read; never an endless one (a FIFO, /dev/zero)


class ConfigError(Exception):
    """The configuration file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Config:
    """The settings of `[tool.astro-migrate]` (or the defaults)."""

    path: Optional[str] = None  # the file it came from, None for the defaults
    select: tuple = ()
    ignore: tuple = ()
    exclude: tuple = ()
    extend_exclude: tuple = ()
    per_file_ignores: dict = field(default_factory=dict)
    deadline: Optional[str] = None  # YYYY-MM-DD; None: the rule table's end of support
    error_within_days: int = clock.Thresholds.error_within_days
    warning_within_days: int = clock.Thresholds.warning_within_days
    extra_hosts: tuple = ()
    fail_on: tuple = ("error", "warning")  # an info (a comment, advice) is shown, not a failure
    extension: dict = field(default_factory=dict)  # file name pattern -> "python" | "text" | "none"
    include: tuple = ()  # globs of more files to read with the text tier
    roots: tuple = ()  # more Python import roots, relative to the configuration file

    def import_roots(self) -> tuple:
        """`roots` as absolute folders (relative ones are read from the configuration's folder)."""
        base = os.path.dirname(os.path.abspath(self.path)) if self.path else os.getcwd()
        return tuple(os.path.normpath(os.path.join(base, folder)) for folder in self.roots)

    def extensions(self, more: dict = None) -> dict:
        """filetypes.kind_of's `extra`: command-line mappings, then configured ones, then includes."""
        merged = {**(more or {}), **{p: k for p, k in self.extension.items() if p not in (more or {})}}
        merged.update({glob: "text" for glob in self.include if glob not in merged})
        return {pattern: (None if kind == "none" else kind) for pattern, kind in merged.items()}

    @property
    def thresholds(self) -> clock.Thresholds:
        return clock.Thresholds(self.error_within_days, self.warning_within_days)

    def options(self, select: tuple = (), ignore: tuple = (), extensions: dict = None, **flags):
        """run.Options: command-line `select` replaces the configured one, `ignore` adds to it."""
        from migrator.options import Options

        return Options(
            select=select or self.select,
            ignore=self.ignore + tuple(ignore),
            hosts=ruletable.facts().all_hosts(self.extra_hosts),
            exclude=self.exclude + self.extend_exclude,
            per_file_ignores=dict(self.per_file_ignores),
            extensions=self.extensions(extensions),
            roots=self.import_roots(),
            **flags,
        )


def _strings(key: str, value) -> tuple:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"`{key}` must be a list of strings")
    return tuple(value)


def _selectors(key: str, value) -> tuple:
    items = tuple(v.strip().upper() for v in _strings(key, value))
    unknown = [v for v in items if not registry.is_selector(v)]
    if unknown:
        raise ConfigError(f"`{key}` names unknown codes: {', '.join(unknown)}")
    return items


def _per_file(key: str, value) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"`{key}` must be a table of glob = [codes]")
    return {glob: _selectors(f"{key}.{glob}", v) for glob, v in value.items()}


def _date(key: str, value) -> str:
    try:
        return clock.parse_date(value).isoformat()
    except ValueError as error:
        raise ConfigError(f"`{key}`: {error}") from None


def _days(key: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"`{key}` must be a whole number of days, 0 or more")
    return value


def _severities(key: str, value) -> tuple:
    items = tuple(v.lower() for v in _strings(key, value))
    wrong = [v for v in items if v not in SEVERITIES]
    if wrong:
        raise ConfigError(f"`{key}` accepts {', '.join(SEVERITIES)}, not {', '.join(wrong)}")
    return items


def _hosts(key: str, value) -> tuple:
    items = tuple(v.strip().lower() for v in _strings(key, value))
    wrong = [v for v in items if not v or "/" in v or " " in v]
    if wrong:
        raise ConfigError(f"`{key}` takes host names such as `astro-proxy.example.com`, not {wrong}")
    return items


KINDS = ("python", "text", "none")


def extension_pattern(pattern: str) -> str:
    """`j2` and `.j2` both mean the extension; names and globs stay as written."""
    plain = not any(c in pattern for c in "./*?[") and pattern.islower()
    return "." + pattern if plain else pattern


def _extensions(key: str, value) -> dict:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"`{key}` maps file name patterns to one of {', '.join(KINDS)}")
    wrong = sorted({v for v in value.values() if v not in KINDS})
    if wrong:
        raise ConfigError(f"`{key}` kinds are {', '.join(KINDS)}, not {', '.join(wrong)}")
    return {extension_pattern(pattern): kind for pattern, kind in value.items()}


# TOML key -> (Config attribute, parser)
KEYS = {
    "select": ("select", _selectors),
    "ignore": ("ignore", _selectors),
    "exclude": ("exclude", _strings),
    "extend-exclude": ("extend_exclude", _strings),
    "per-file-ignores": ("per_file_ignores", _per_file),
    "deadline": ("deadline", _date),
    "error-within-days": ("error_within_days", _days),
    "warning-within-days": ("warning_within_days", _days),
    "extra-hosts": ("extra_hosts", _hosts),
    "fail-on": ("fail_on", _severities),
    "extension": ("extension", _extensions),
    "include": ("include", _strings),
    "roots": ("roots", _strings),
}


def parse(table: dict, path: Optional[str] = None) -> Config:
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(f"{path or 'configuration'}: unknown key{'s' if len(unknown) > 1 else ''} "
                          f"{', '.join(unknown)} (known: {', '.join(KEYS)})")
    values = {}
    for key, value in table.items():
        attribute, parser = KEYS[key]
        try:
            values[attribute] = parser(key, value)
        except ConfigError as error:
            raise ConfigError(f"{path or 'configuration'}: {error}") from None
    return Config(path=path, **values)


def _table(path: str) -> Optional[dict]:
    """The astro-migrate table of `path`, None for a pyproject.toml without one."""
    if os.path.exists(path) and not os.path.isfile(path):
        raise ConfigError(f"{path}: not a regular file")
    try:
        with open(path, "rb") as handle:
            data = tomllib.loads(handle.read(MAX_BYTES).decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start}), as TOML must be") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from None
    if os.path.basename(path) != PYPROJECT:
        return data
    tool = data.get("tool")  # another tool's business, however it is written: not ours to refuse
    table = tool.get("astro-migrate") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.astro-migrate] must be a table")
    return table


def _start(paths: list) -> str:
    folders = [p if os.path.isdir(p) else os.path.dirname(p) or "." for p in map(os.path.abspath, paths)]
    return os.path.commonpath(folders) if folders else os.getcwd()


def find(paths: list) -> Optional[str]:
    """The configuration file that governs `paths`, walking up from their common folder."""
    folder = _start(paths or ["."])
    while True:
        for name in (OWN_FILE, PYPROJECT):
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate) and _table(candidate) is not None:
                return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load(paths: list, explicit: Optional[str] = None) -> Config:
    """The configuration from `explicit`, or from the file found above `paths`, or the defaults."""
    path = explicit or find(paths)
    if path is None:
        return Config()
    table = _table(path)
    return parse(table or {}, path)


def _toml_value(value) -> str:
    import json

    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)


def render(config: Config, end_of_support: str) -> str:
    """The effective configuration as TOML for `[tool.astro-migrate]`."""
    by_attribute = {attribute: key for key, (attribute, _) in KEYS.items()}
    lines = [f"# from {config.path}" if config.path else "# defaults (no configuration file found)",
             "[tool.astro-migrate]"]
    for item in fields(config):
        if item.name == "path":
            continue
        value = getattr(config, item.name)
        if item.name == "deadline" and value is None:
            value = end_of_support
        note = "  # every code but the AM4xx advice" if item.name == "select" and not value else ""
        lines.append(f"{by_attribute[item.name]} = {_toml_value(value)}{note}")
    return "\n".join(lines) + "\n"
