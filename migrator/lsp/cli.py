"""The `astro-migrate lsp` command; pygls is imported only when the server starts."""
from __future__ import annotations

import importlib.util
import sys

import click


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default, and the only transport).")
def lsp(stdio: bool) -> None:
    """Run the language server: diagnostics and quick fixes in the editor (needs the `lsp` extra)."""
    if importlib.util.find_spec("pygls") is None:
        click.echo('astro-migrate: error: the language server needs pygls; install it with: '
                   'pip install "astro-migrate[lsp]"', err=True)
        sys.exit(2)
    from migrator.lsp.server import serve

    serve()
