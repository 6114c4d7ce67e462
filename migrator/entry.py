"""The `astro-migrate` program: an unchanged `check` is replayed before anything else is imported."""
from __future__ import annotations

import sys


def main(argv: list | None = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    from migrator import replay

    replay.replay_or_record(argv)
    from migrator.cli import main as command_line

    try:
        command_line(args=argv, prog_name="astro-migrate")
    finally:
        replay.disarm()
