"""Which analyser reads a file: "python", "text", or none, by name (and shebang for scripts)."""
from __future__ import annotations

import os
from typing import Optional

PYTHON_SUFFIXES = (".py", ".pyi", ".pyw")


def kind_of(path: str) -> Optional[str]:
    name = os.path.basename(path)
    if name.endswith(PYTHON_SUFFIXES):
        return "python"
    return None
