"""The cheap first look: bytes that cannot lead to a finding are never decoded or parsed."""
from __future__ import annotations

# A finding needs a v1beta1 base, or (field changes) a URL on an Astro API host.
MARKERS = (b"v1beta1", b"astronomer.io")


def may_match(data: bytes, markers: tuple = MARKERS) -> bool:
    return any(marker in data for marker in markers)


def holds_base(template: tuple) -> bool:
    """A template with literal text that can be a base (not only names imported from elsewhere)."""
    return any(isinstance(getattr(p, "text", None), str) and ("v1beta1" in p.text or "astronomer.io" in p.text) for p in template)
