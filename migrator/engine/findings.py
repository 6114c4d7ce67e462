"""What analysis produces: findings with optional fixes, located in a source text."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Edit:
    """Replace ``source[start:end]`` (character offsets) with ``content``.

    ``expected`` is the text the analysis saw at that span (for an insertion, ""); an edit
    whose span no longer holds it is refused, never applied. None: not known (refused too).
    """

    start: int
    end: int
    content: str
    expected: Optional[str] = None

    @property
    def inserts(self) -> bool:
        return self.expected == ""


@dataclass(frozen=True)
class Fix:
    """Edits applied whole or not at all. ``refused``: why planning would not apply them."""

    applicability: str  # "safe" | "unsafe"
    message: str
    edits: tuple
    refused: Optional[str] = None


@dataclass(frozen=True)
class Endpoint:
    """The v1beta1 endpoint a finding is about, and its v1 path."""

    method: Optional[str]
    path: str
    operation_id: Optional[str]
    v1_path: Optional[str]

    def label(self) -> str:
        name = self.operation_id or self.path
        return f"{self.method} {name}" if self.method else name


@dataclass(frozen=True)
class Finding:
    """Something to report about a file, at character offsets of its text, with its fix if any."""

    code: str
    message: str
    start: int  # character offsets into the analysed text
    end: int
    fix: Optional[Fix] = None
    endpoint: Optional[Endpoint] = None
    # A location inside a container file (a notebook cell), shown as "cell N".
    context: Optional[str] = None
    extra: dict = field(default_factory=dict, compare=False)


def dedupe(findings: list) -> list:
    """`findings` in order of position, one per (position, code)."""
    seen, out = set(), []
    for finding in sorted(findings, key=lambda f: (f.start, f.code)):
        if (finding.start, finding.code) not in seen:
            seen.add((finding.start, finding.code))
            out.append(finding)
    return out
