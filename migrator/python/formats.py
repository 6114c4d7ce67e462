"""String formatting and URL-building calls, evaluated to templates: `%`, `.format`,
`string.Template`, `urljoin` (as `urllib.parse` resolves it) and `urlunsplit`/`urlunparse`.

`Formatting` is a part of `evaluate.Evaluator`, which gives it `evaluate` and `_or_hole`.
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from migrator.engine.templates import (
    BRACE_FIELD,
    DOLLAR_FIELD,
    PERCENT_FIELD,
    Hole,
    Lit,
    concat,
    fill_fields,
    flatten,
)
from migrator.engine.urljoin import url_join
from migrator.python.scopes import call_name


class Formatting:
    """Evaluation of formatting and URL-building calls (see `evaluate.Evaluator`)."""

    def evaluate(self, node: cst.CSTNode, depth: int = 0) -> Optional[tuple]:
        raise NotImplementedError

    def _or_hole(self, node: cst.CSTNode, depth: int) -> tuple:
        raise NotImplementedError

    def _percent(self, node: cst.BinaryOperation, depth: int) -> Optional[tuple]:
        template = self.evaluate(node.left, depth)
        if template is None:
            return None
        right = node.right
        if isinstance(right, cst.Tuple):
            values = iter([el.value for el in right.elements])
        else:
            values = iter([right])
        named = {}
        if isinstance(right, cst.Dict):
            named = {
                el.key.raw_value: el.value
                for el in right.elements
                if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString)
            }

        def substitute(match):
            key = match.group(0)
            if key.startswith("%("):
                value = named.get(key[2 : key.index(")")])
            else:
                value = next(values, None)
            return self._or_hole(value, depth) if value is not None else (Hole(),)

        return fill_fields(template, PERCENT_FIELD, substitute)

    def _format(self, template_node, positional, keywords, depth) -> Optional[tuple]:
        template = self.evaluate(template_node, depth)
        if template is None:
            return None
        auto = iter(positional)

        def substitute(match):
            field_name = match.group(1).split("!")[0].split(":")[0]
            head = field_name.split(".")[0].split("[")[0]
            if head == "":
                value = next(auto, None)
            elif head.isdigit():
                index = int(head)
                value = positional[index] if index < len(positional) else None
            else:
                value = keywords.get(head)
            return self._or_hole(value, depth) if value is not None else (Hole(head),)

        return fill_fields(template, BRACE_FIELD, substitute)

    def _urljoin(self, base_node, url_node, depth) -> Optional[tuple]:
        """`urljoin(base, url)` as `urllib.parse` resolves it; joined end to end where the url's
        kind is out of sight."""
        base, url = self.evaluate(base_node, depth), self.evaluate(url_node, depth)
        if base is None and url is None:
            return None
        joined = url_join(base, url) if base is not None and url is not None else None
        return joined if joined is not None else concat(base or (Hole(),), url or (Hole(),))

    def _unsplit(self, parts_node, with_params: bool, depth) -> Optional[tuple]:
        """`urlunsplit((scheme, host, path, query, fragment))` (`urlunparse` has params too)."""
        if not isinstance(parts_node, (cst.Tuple, cst.List)) or len(parts_node.elements) != 5 + with_params:
            return None
        values = [self._or_hole(element.value, depth) for element in parts_node.elements]
        if with_params:
            path, params = values[2], values[3]
            values = values[:2] + [concat(path, (Lit(";"),), params) if flatten(params) else path] + values[4:]
        scheme, host, path, query, fragment = values
        out = concat(scheme, (Lit("://"),), host)
        if flatten(path) and not flatten(path).startswith("/"):
            out = concat(out, (Lit("/"),))
        out = concat(out, path)
        for mark, value in (("?", query), ("#", fragment)):
            if flatten(value):
                out = concat(out, (Lit(mark),), value)
        return out

    def _substitute(self, template_node, positional, keywords, depth) -> Optional[tuple]:
        """`string.Template(text).substitute(name=…)` or with a dict of values."""
        if not (isinstance(template_node, cst.Call) and call_name(template_node.func) == "Template"
                and template_node.args):
            return None
        template = self.evaluate(template_node.args[0].value, depth)
        if template is None:
            return None
        named = dict(keywords)
        if positional and isinstance(positional[0], cst.Dict):
            named.update({
                el.key.raw_value: el.value
                for el in positional[0].elements
                if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString)
            })

        def substitute(match):
            value = named.get(match.group(1) or match.group(2))
            return self._or_hole(value, depth) if value is not None else (Hole(),)

        return fill_fields(template, DOLLAR_FIELD, substitute)
