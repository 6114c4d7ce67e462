"""Reduce an OpenAPI 3 document to an index: its operations and the property names of its schemas.

An index is plain JSON data::

    {"title": ..., "version": ...,
     "operations": [{"method", "path", "operationId", "query": {name: [allowed values]}}],
     "schemas": {name: [property names]}}

Property names include those reached through ``$ref``, ``allOf``, ``oneOf`` and ``anyOf``.
"""
from __future__ import annotations

import re

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
COMPOSITIONS = ("allOf", "oneOf", "anyOf")


def build_index(doc: dict) -> dict:
    info = doc.get("info") or {}
    operations = [
        _operation(doc, path, method, item)
        for path, item in (doc.get("paths") or {}).items()
        for method in METHODS
        if isinstance(item, dict) and isinstance(item.get(method), dict)
    ]
    schemas = (doc.get("components") or {}).get("schemas") or {}
    return {
        "title": str(info.get("title", "")),
        "version": str(info.get("version", "")),
        "operations": sorted(operations, key=lambda op: (op["path"], op["method"])),
        "schemas": {name: sorted(property_names(doc, schemas[name])) for name in sorted(schemas)},
    }


def operation_key(method: str, path: str) -> tuple:
    """Identify an operation regardless of how its path parameters are named."""
    return method.upper(), re.sub(r"\{[^}/]*\}", "{}", path.rstrip("/") or "/")


def operations_by_key(index: dict) -> dict:
    return {operation_key(op["method"], op["path"]): op for op in index["operations"]}


def label(op: dict) -> str:
    name = f" ({op['operationId']})" if op.get("operationId") else ""
    return f"{op['method']} {op['path']}{name}"


def resolve(doc: dict, node, seen: frozenset = frozenset()):
    """Follow local ``$ref``s; an external or broken one resolves to ``{}``."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
            return {}
        seen |= {ref}
        node = doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def property_names(doc: dict, schema, seen: frozenset = frozenset()) -> set:
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        if schema["$ref"] in seen:
            return set()
        seen |= {schema["$ref"]}
    node = resolve(doc, schema)
    names = set(node.get("properties") or {})
    for key in COMPOSITIONS:
        for member in node.get(key) or ():
            names |= property_names(doc, member, seen)
    return names


def _operation(doc: dict, path: str, method: str, item: dict) -> dict:
    operation = item[method]
    parameters = {}  # operation-level parameters override path-level ones
    for raw in list(item.get("parameters") or ()) + list(operation.get("parameters") or ()):
        param = resolve(doc, raw)
        if param.get("in") == "query" and "name" in param:
            parameters[param["name"]] = _allowed_values(doc, param.get("schema"))
    return {
        "method": method.upper(),
        "path": path,
        "operationId": operation.get("operationId"),
        "query": {name: parameters[name] for name in sorted(parameters)},
    }


def _allowed_values(doc: dict, schema) -> list:
    """The enum of a parameter's schema (or of its items), ``[]`` when any value goes."""
    node = resolve(doc, schema)
    values = node.get("enum") or resolve(doc, node.get("items")).get("enum") or []
    return [str(value) for value in values]
