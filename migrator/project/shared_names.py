"""Values the project's configuration sets for its code to read: names shared across files.

A `.env` line (`ASTRO_URL=…`, `AIRFLOW_VAR_X=…`, `AIRFLOW_CONN_X=…`), a docker-compose
`environment:` entry, a Kubernetes or Helm `- name: X` / `value: …` pair, and the `connections`
and `variables` of Astro's `airflow_settings.yaml` each define a name that Python reads with
`os.getenv("X")`, `Variable.get("x")` or `BaseHook.get_connection("x").host`. `collect` finds
them, with where each value starts, so a use through the name is judged on the value and a fix
of the value is judged by every read of it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Iterator

from migrator.engine.lazy_re import lazy
from migrator.project.filetypes import flavor_of


@dataclass(frozen=True)
class Definition:
    """A value a configuration file gives a name the code reads."""

    kind: str  # "env", "variable" or "connection"
    name: str  # ASTRO_URL, astro_url (lower-case), astro_api.host
    value: str
    path: str
    offset: int  # where the value starts in the file's text

    @property
    def reader_name(self) -> str:
        """The name whose mention makes a Python module a possible reader of this value."""
        return self.name.split(".")[0] if self.kind == "connection" else self.name


ENV_LINE = lazy(r"^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(.*?)[ \t]*$", re.MULTILINE)
YAML_PAIR = lazy(r"^([ \t]*)(-[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*:[ \t]*(.*?)[ \t]*$", re.MULTILINE)
COMPOSE_ITEM = lazy(r"^([ \t]*)-[ \t]+[\"']?([A-Za-z_][A-Za-z0-9_]*)=(.*?)[\"']?[ \t]*$", re.MULTILINE)
CONNECTION_FIELDS = {"conn_host": "host", "conn_schema": "schema", "conn_uri": "uri"}


def collect(texts: dict) -> list:
    """Every definition in `texts` (path -> text of a configuration file)."""
    found: list = []
    for path, text in texts.items():
        flavor = flavor_of(path)
        if flavor == "env":
            found += list(_env_file(path, text))
        elif flavor == "yaml":
            found += list(_yaml_file(path, text))
    return found


def _unquoted(value: str, offset: int) -> tuple:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1], offset + 1
    return value, offset


def _env(path: str, name: str, value: str, offset: int) -> Iterator[Definition]:
    """A variable, and what Airflow makes of `AIRFLOW_VAR_*` and `AIRFLOW_CONN_*`."""
    value, offset = _unquoted(value, offset)
    yield Definition("env", name, value, path, offset)
    upper = name.upper()
    if upper.startswith("AIRFLOW_VAR_"):
        yield Definition("variable", name[len("AIRFLOW_VAR_"):].lower(), value, path, offset)
    elif upper.startswith("AIRFLOW_CONN_"):
        yield from _connection(path, name[len("AIRFLOW_CONN_"):].lower(), value, offset)


def _connection(path: str, conn_id: str, value: str, offset: int) -> Iterator[Definition]:
    """A connection as a URI, or as JSON whose `host` (and `schema`) may hold the base."""
    if value.startswith("{"):
        try:
            fields = json.loads(value)
        except ValueError:
            return
        for field in ("host", "schema"):
            text = fields.get(field) if isinstance(fields, dict) else None
            if not isinstance(text, str) or "\\" in text:
                continue
            at = value.find(json.dumps(text))
            if at >= 0:
                yield Definition("connection", f"{conn_id}.{field}", text, path, offset + at + 1)
    else:
        yield Definition("connection", f"{conn_id}.uri", value, path, offset)


def _env_file(path: str, text: str) -> Iterator[Definition]:
    for line in ENV_LINE.finditer(text):
        yield from _env(path, line.group(1), line.group(2), line.start(2))


def _yaml_file(path: str, text: str) -> Iterator[Definition]:
    """compose `environment:` entries, `- name:`/`value:` pairs, airflow_settings.yaml items."""
    for item in COMPOSE_ITEM.finditer(text):
        yield from _env(path, item.group(2), item.group(3), item.start(3))
    pairs = [(len(m.group(1)) + len(m.group(2) or ""), bool(m.group(2)), m.group(3), m.group(4), m.start(4))
             for m in YAML_PAIR.finditer(text)]
    for index, (indent, starts_item, key, value, offset) in enumerate(pairs):
        if key == "environment" and not value:
            yield from _mapping(path, pairs[index + 1 :], indent)
        if not starts_item:
            continue
        fields = _item(pairs, index)
        if key == "name" and "value" in fields:
            yield from _env(path, value, *fields["value"])
        elif key == "variable_name" and "variable_value" in fields:
            value_text, at = _unquoted(*fields["variable_value"])
            yield Definition("variable", _unquoted(value, 0)[0].lower(), value_text, path, at)
        elif key == "conn_id":
            for field, part in CONNECTION_FIELDS.items():
                if field in fields:
                    value_text, at = _unquoted(*fields[field])
                    if value_text:
                        yield Definition("connection", f"{_unquoted(value, 0)[0].lower()}.{part}", value_text, path, at)


def _item(pairs: list, index: int) -> dict:
    """key -> (value, offset) of the list item that starts at pairs[index]."""
    indent = pairs[index][0]
    fields = {pairs[index][2]: (pairs[index][3], pairs[index][4])}
    for column, starts_item, key, value, offset in pairs[index + 1 :]:
        if column != indent or starts_item:
            if column <= indent:
                break
            continue
        fields[key] = (value, offset)
    return fields


def _mapping(path: str, rest: list, indent: int) -> Iterator[Definition]:
    """`environment:` as a mapping: `KEY: value` lines indented under it."""
    inner = None
    for column, starts_item, key, value, offset in rest:
        if column <= indent:
            return
        inner = column if inner is None else inner
        if column == inner and not starts_item and value and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            yield from _env(path, key, value, offset)
