"""Values joined from parts, and values set outside the code.

`merge_bases` finds a v1beta1 base that one expression joins from several parts
(`"/".join([HOST, "iam", "v1beta1"])`, `f"{HOST}/{GROUP}/{VERSION}"`, `BASE + "/" + VERSION`)
and makes it one literal whose `spelled` says which source text to replace, and with what, for
the joined value to read `v1` (`"iam", "v1beta1"` -> `"v1"`, `{GROUP}/{VERSION}` -> `v1`).
`shared_read` recognises reads of values set outside the code: environment variables, Airflow
Variables and Connections, which the project's configuration files may define.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import libcst as cst

from migrator.engine import ruletable
from migrator.engine.templates import Hole, Lit, concat, cut, flatten, index_at, shared
from migrator.python.scopes import call_name, dotted


@dataclass(frozen=True)
class Item:
    """One part of a joining expression: its value and the node that spells it in the source
    (None for a separator the call adds, `"/"` between `posixpath.join`'s arguments)."""

    template: tuple
    node: Optional[cst.CSTNode]


LITERAL_NODES = (cst.SimpleString, cst.FormattedStringText)


def merge_bases(items: list, span_of: Callable, key: str, text: str, quoted: bool) -> tuple:
    """The items' values joined, each base the join forms out of several items one literal.

    `span_of(node)` gives a node's source span; `quoted`: the items are expressions (a list,
    arguments, operands), so a replacement that starts or ends at an expression is a string of its
    own; inside an f-string it is text.
    """
    joined = concat(*(item.template for item in items))
    facts = ruletable.facts()
    if not any(isinstance(p, Lit) and any(v in p.text for v in facts.versions) for p in joined):
        return joined
    flat = flatten(joined)
    starts, offset = [], 0
    for item in items:
        starts.append(offset)
        offset += len(flatten(item.template))
    for found in reversed(list(facts.marker.finditer(flat))):
        first = index_at(starts, found.start())
        last = index_at(starts, found.end() - 1)
        if first == last or found.group(0) not in facts.base_map:
            continue
        head = _boundary(items[first], found.start() - starts[first], span_of, text, start=True)
        tail = _boundary(items[last], found.end() - starts[last], span_of, text, start=False)
        if head is None or tail is None:
            continue
        (begin, head_node), (end, tail_node) = head, tail
        quote = '"' if quoted else ""
        content = (quote if head_node else "") + facts.v1 + (quote if tail_node else "")
        before, rest = cut(joined, found.start())
        inside, after = cut(rest, found.end() - found.start())
        # the names the parts were read through: another module may set them (`settings.GROUP = …`)
        via = tuple(dict.fromkeys(ref for part in inside if isinstance(part, Lit) for ref in part.via))
        merged = Lit(found.group(0), (key, begin), via, (text[begin:end], content))
        joined = concat(before, (merged,), after)
    return joined


def _boundary(item: Item, inner: int, span_of: Callable, text: str, start: bool) -> Optional[tuple]:
    """(source offset, whether it is an expression's edge) where a base starts or ends inside
    `item`, `inner` characters into its value; None where the source does not spell it there."""
    if item.node is None:
        return None
    node_start, node_end = span_of(item.node)
    value = flatten(item.template)
    if isinstance(item.node, LITERAL_NODES):
        skip = 0
        if isinstance(item.node, cst.SimpleString):
            skip = len(item.node.prefix) + len(item.node.quote)
        if text[node_start + skip : node_start + skip + len(value)] != value:  # escapes, line continuations
            return None
        return node_start + skip + inner, False
    if not _plain(item.node):
        return None
    if start and inner == 0:
        return node_start, True
    if not start and inner == len(value):
        return node_end, True
    return None


def _plain(node: cst.CSTNode) -> bool:
    """A name or an attribute (`{GROUP}` in an f-string, without conversion or format spec): its
    value is the binding's, which analysis follows. A choice (`a if x else b`, `a or b`) or a call
    may give another value at run time, which writing `v1` in its place would drop."""
    if isinstance(node, cst.FormattedStringExpression):
        if node.conversion is not None or node.format_spec is not None:
            return False
        node = node.expression
    return isinstance(node, (cst.Name, cst.Attribute))


def operands(node: cst.CSTNode) -> list:
    """The operands of a chain of `+` (or of implicitly concatenated strings), left to right."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return operands(node.left) + operands(node.right)
    if isinstance(node, cst.ConcatenatedString):
        return operands(node.left) + operands(node.right)
    return [node]


def connection_base(call: cst.Call, endpoint: tuple) -> tuple:
    """`endpoint` as Airflow's HTTP operators send it: joined to the host of the connection the
    call names (`HttpOperator(http_conn_id="astro_api", endpoint="organizations/…")`) with one
    "/" between, as `HttpHook.url_from_endpoint` does; unchanged for a call without one."""
    conn_id = next((_literal(arg.value) for arg in call.args
                    if arg.keyword is not None and arg.keyword.value == "http_conn_id"), None)
    if conn_id is None:
        return endpoint
    first = endpoint[0] if endpoint else None
    slash = () if isinstance(first, Lit) and first.text.startswith("/") else (Lit("/"),)
    return concat((shared("connection", f"{conn_id}.host"),), slash, endpoint)


CONNECTION_PARTS = {"host": "host", "schema": "schema", "get_uri": "uri", "uri": "uri"}
CONNECTION_CALLS = {"get_connection", "get_connection_from_secrets"}


def shared_read(node: cst.CSTNode) -> Optional[Hole]:
    """The shared hole for `os.getenv("X")`, `os.environ["X"]`, `os.environ.get("X")`,
    `Variable.get("x")`, `BaseHook.get_connection("x").host` (or `.schema`, `.get_uri()`)."""
    if isinstance(node, cst.Subscript) and dotted(node.value).endswith("environ") and len(node.slice) == 1:
        index = node.slice[0].slice
        name = _literal(index.value) if isinstance(index, cst.Index) else None
        return shared("env", name) if name else None
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get_uri":
        node = node.func  # `.get_uri()` reads like `.uri`
    if isinstance(node, cst.Attribute) and node.attr.value in CONNECTION_PARTS and isinstance(node.value, cst.Call):
        call = node.value
        if call_name(call.func) in CONNECTION_CALLS and call.args:
            name = _literal(call.args[0].value)
            return shared("connection", f"{name}.{CONNECTION_PARTS[node.attr.value]}") if name else None
        return None
    if not isinstance(node, cst.Call) or not node.args:
        return None
    called = dotted(node.func)
    name = _literal(node.args[0].value)
    if name is None or any(arg.keyword is not None and arg.keyword.value in ("default", "default_var")
                           for arg in node.args):
        return None
    positional = [arg for arg in node.args if arg.keyword is None]
    if called in ("os.getenv", "getenv", "os.environ.get", "environ.get") and len(positional) == 1:
        return shared("env", name)
    if called == "Variable.get" and len(positional) == 1:
        return shared("variable", name)
    return None


def _literal(node: cst.CSTNode) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None
