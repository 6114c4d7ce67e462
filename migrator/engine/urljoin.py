"""`urllib.parse.urljoin` on templates: the same resolution, step by step, on text with holes.

A full URL replaces the base; an absolute path replaces the base's path; a relative path
replaces the base's last segment (everything after its last `/`), then `.` and `..` segments
are resolved. Literal text keeps its place in the source where it stays whole, so a base found
in the result can still be fixed. A hole is taken for text without `/`, `?` or `#` in it, except
one that starts the base, which stands for the scheme and host (`{host}/platform/v1beta1/`).
"""
from __future__ import annotations

import re
from typing import Optional

from migrator.engine.templates import HOLE_CHAR, Lit, compact, cut, flatten

FULL_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
# Scheme and host: written out, a host variable first (`{host}:8080`), or network-path `//host`.
AUTHORITY = re.compile(rf"(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*|{HOLE_CHAR}+[^/?#{HOLE_CHAR}]*|//[^/?#]+)")


def _split(template: tuple, separator: str) -> tuple:
    """(pieces, separators): `template` cut at every `separator`; the separators keep their source."""
    flat = flatten(template)
    pieces, separators, rest, consumed = [], [], template, 0
    for found in re.finditer(re.escape(separator), flat):
        piece, rest = cut(rest, found.start() - consumed)
        mark, rest = cut(rest, 1)
        pieces.append(piece)
        separators.append(mark)
        consumed = found.end()
    pieces.append(rest)
    return pieces, separators


def _parts(template: tuple, host: bool = True) -> tuple:
    """(authority, path, query, fragment) of a URL template, each a template; `host`: it may
    start with one."""
    head = AUTHORITY.match(flatten(template)) if host else None
    authority, rest = cut(template, head.end() if head else 0)
    rest_flat = flatten(rest)
    hash_at = rest_flat.find("#")
    rest, fragment = cut(rest, hash_at) if hash_at >= 0 else (rest, ())
    query_at = flatten(rest).find("?")
    path, query = cut(rest, query_at) if query_at >= 0 else (rest, ())
    return authority, path, query, fragment


def _resolve_dots(segments: list, separators: list) -> tuple:
    """The path of `segments` (templates) with `.` and `..` resolved as urljoin does."""
    kept: list = []  # (segment, the separator that followed it in the source or None)
    for index, segment in enumerate(segments):
        text = flatten(segment)
        if text == "..":
            if kept:
                kept.pop()
        elif text != ".":
            kept.append((segment, separators[index] if index < len(separators) else None))
    if segments and flatten(segments[-1]) in (".", ".."):
        kept.append(((), None))
    out: list = []
    for index, (segment, separator) in enumerate(kept):
        out.extend(segment)
        if index < len(kept) - 1:
            out.extend(separator or (Lit("/"),))
    return tuple(out) or (Lit("/"),)


def _relative(base_path: tuple, path: tuple) -> tuple:
    """(segments, the separator after each as the source has it or None) of a relative `path`
    joined to the base's directory, empty segments inside dropped, as urljoin does."""
    base_segments, base_separators = _split(base_path, "/")
    if flatten(base_segments[-1]) != "":  # the last segment is not a directory: it goes
        base_segments = base_segments[:-1]
    own, own_separators = _split(path, "/")
    pairs = [(s, base_separators[i] if i < len(base_separators) else None) for i, s in enumerate(base_segments)]
    pairs += [(s, own_separators[i] if i < len(own_separators) else None) for i, s in enumerate(own)]
    if len(pairs) > 2:
        pairs = pairs[:1] + [pair for pair in pairs[1:-1] if flatten(pair[0])] + pairs[-1:]
    return [s for s, _ in pairs], [separator for _, separator in pairs]


def url_join(base: tuple, url: tuple) -> Optional[tuple]:
    """What `urljoin(base, url)` evaluates to; None when the url's kind is out of sight (a hole
    first: it may be a full URL, a path or a name, so the base may or may not stay)."""
    url_flat, base_flat = flatten(url), flatten(base)
    if not base_flat:
        return url
    if not url_flat:
        return base
    if url_flat[0] == HOLE_CHAR:
        return None
    if FULL_URL.match(url_flat):
        return url
    authority, base_path, base_query, _ = _parts(base)
    if url_flat.startswith("//"):
        if re.match(r"//[^/?#]", url_flat):  # another host
            scheme = re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", base_flat)
            return concat_all(cut(base, scheme.end())[0] if scheme else (), url)
        url = cut(url, 2)[1]  # no host: what follows is the path
    _, path, query, fragment = _parts(url, host=False)
    if not flatten(path):
        return concat_all(authority, base_path, query or base_query, fragment)
    if flatten(path).startswith("/"):  # an absolute path replaces the base's
        segments, separators = _split(path, "/")
    else:
        segments, separators = _relative(base_path, path)
    resolved = _resolve_dots(segments, separators)
    if flatten(authority) and not flatten(resolved).startswith("/"):
        resolved = (Lit("/"),) + resolved
    return concat_all(authority, resolved, query, fragment)


def concat_all(*templates: tuple) -> tuple:
    return compact(tuple(part for template in templates for part in template))

