"""The `astro-migrate lsp` command; pygls is imported only when the server starts."""
from __future__ import annotations

import sys

import click


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default, and the only transport).")
def lsp(stdio: bool) -> None:
    """Run the language server: diagnostics and quick fixes in the editor (needs the `lsp` extra)."""
    try:
        from migrator.lsp.server import serve
    except ImportError as error:
        click.echo(f"astro-migrate: error: the language server needs pygls ({error}); "
                   'install it with: pip install "astro-migrate[lsp]"', err=True)
        sys.exit(2)
    serve()
