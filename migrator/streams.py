"""Writing to stdout and stderr: a stream that cannot take the text is a one-line error, not a traceback."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable

EXIT_ERROR = 2


def write(data: str | bytes, err: bool = False, echo: Callable | None = None) -> None:
    """Write `data` with `echo` (default: the stream's own write) and flush; a full disk,
    /dev/full or a closed pipe ends the program with exit 2 (a reader that left, `| head`, silently)."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # started with the descriptor closed (`>&-`): nowhere to write
        return
    try:
        if echo is not None:
            echo(data)
        elif isinstance(data, bytes):
            stream.buffer.write(data)
        else:
            stream.write(data)
        stream.flush()
    except OSError as error:
        try:  # nothing more can reach this stream, also not at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        except (OSError, ValueError):
            pass
        if not err and not isinstance(error, BrokenPipeError):
            sys.stderr.write(f"astro-migrate: error: cannot write the report: {error.strerror or error}\n")
            sys.stderr.flush()
        sys.exit(EXIT_ERROR)
