"""Mask credentials in source lines before any report shows them.

A masked secret becomes as many `*` as it had characters, so columns (and a report's caret
under a finding) stay where they were. URLs are never taken for secrets: the line a finding
is about stays readable.
"""
from __future__ import annotations

import re

MASK_CHAR = "*"
# Every pattern starts only where a word starts and has bounded repeats, so a megabyte-long
# minified line costs linear time.
_PATTERNS = (
    # Authorization: Bearer <token> / Basic <base64>, "Bearer " + literal tokens in code.
    re.compile(r"(?i)(?<![\w-])(?:bearer|basic)\s{1,8}([A-Za-z0-9._~+/=-]{8,4096})"),
    # NAME_TOKEN=value, api_key: value, "password": "value", ?access_token=value.
    re.compile(
        r"(?i)(?<![\w-])[\w-]{0,64}?(?:token|secret|password|passwd|api[_-]?key|apikey|auth)[\w-]{0,64}"
        r"[\"']?\s{0,8}[:=]\s{0,8}(?:[\"']([^\"'\s{}$]{6,4096})(?=[\"'])|([^\s\"'{}$()\[\],;&]{8,4096}))"
    ),
    # JWT-looking values anywhere (Astro API tokens are JWTs).
    re.compile(r"(?<![\w-])(eyJ[\w-]{5,4096}\.[\w-]{5,4096}\.[\w-]{5,4096})"),
    # Passwords in URLs: scheme://user:password@host.
    re.compile(r"://[^/\s:@]{1,256}:([^/\s@]{1,256})@"),
    # curl -u user:password, --user "user:password".
    re.compile(r"(?<![\w-])(?:-u|--user)(?:\s{1,8}|=)[\"']?[^\s:\"']{1,256}:([^\s\"']{1,4096})"),
    # Authorization: <any scheme> <credential>; key headers: X-Api-Key: <value>.
    re.compile(r"(?i)(?<![\w-])authorization[\"']?\s{0,8}[:=]\s{0,8}[\"']?[A-Za-z-]{1,32}\s{1,8}([^\s\"'$%{][^\s\"']{5,4096})"),
    re.compile(r"(?i)(?<![\w-])x-[\w-]{0,32}(?:key|token|secret)[\"']?\s{0,8}:\s{0,8}[\"']?([^\s\"']{6,4096})"),
)


def _secret(value: str, quoted: bool) -> bool:
    """A URL is never a secret; a bare value must hold a digit (a bare word is a variable)."""
    if "://" in value or value.lower().startswith(("bearer", "basic")):
        return False
    return quoted or any(c.isdigit() for c in value)


def _masked(match: re.Match) -> str:
    text, start = match.group(0), match.start(0)
    for index in range(1, (match.lastindex or 0) + 1):
        value = match.group(index)
        if value is None or (match.re is _PATTERNS[1] and not _secret(value, index == 1)):
            continue
        left, right = match.start(index) - start, match.end(index) - start
        text = text[:left] + MASK_CHAR * (right - left) + text[right:]
    return text


def mask(line: str) -> str:
    """`line` with every credential-looking value replaced by `*` of the same length."""
    for pattern in _PATTERNS:
        line = pattern.sub(_masked, line)
    return line
