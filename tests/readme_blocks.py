"""The README's fenced code blocks (outside the generated per-code sections, whose examples the
registry tests run), for the tests that run them as a user would paste them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from migrator.report.explain import README_END, README_START

README = Path(__file__).resolve().parent.parent / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.M | re.S)


@dataclass(frozen=True)
class Block:
    language: str
    text: str
    line: int  # of the opening fence, 1-based

    def commands(self) -> list:
        """Shell lines without the prompt and the trailing comment (in a `console` block, only
        the lines after a `$ ` prompt: the others are output)."""
        out = []
        for line in self.text.splitlines():
            if self.language == "console" and not line.startswith("$ "):
                continue
            line = line.removeprefix("$ ")
            line = re.sub(r"\s+#\s.*$", "", line).strip()
            if line and not line.startswith("#"):
                out.append(line)
        return out


def blocks() -> list:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END)
    return [
        Block(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1)
        for m in FENCE.finditer(text)
        if not start <= m.start() < end
    ]
