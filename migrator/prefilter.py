"""The cheap first look: bytes that cannot lead to a finding are never decoded or parsed."""
from __future__ import annotations

MARKERS = (b"v1beta1",)


def may_match(data: bytes, markers: tuple = MARKERS) -> bool:
    return any(marker in data for marker in markers)
