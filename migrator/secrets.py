"""Mask credentials in source lines before any report shows them."""
from __future__ import annotations

import re

MASK = "****"

_PATTERNS = (
    # Authorization: Bearer <token>, "Bearer " + token, bearer tokens in f-strings.
    re.compile(r"(?i)(\bbearer\s+)([A-Za-z0-9._~+/=-]{8,})"),
    # NAME_TOKEN=value, api_key: value, "password": "value"
    re.compile(
        r"(?i)((?:[\w-]*(?:token|secret|password|passwd|api[_-]?key|apikey|auth)[\w-]*)[\"']?\s*[:=]\s*[\"']?)"
        r"([^\s\"'{}$]{6,})"
    ),
    # JWT-looking values anywhere.
    re.compile(r"()(eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,})"),
)


def mask(line: str) -> str:
    for pattern in _PATTERNS:
        line = pattern.sub(lambda m: m.group(1) + MASK, line)
    return line
