"""The `astro-migrate` command line, following ruff's contract.

Exit codes: 0 nothing left to report, 1 findings remain, 2 the run itself failed (bad usage,
or a file named on the command line could not be checked).
"""
from __future__ import annotations

import sys

import click

from migrator import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> tuple:
    return tuple(part.strip().upper() for part in (value or "").split(",") if part.strip())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="astro-migrate")
def main() -> None:
    """Find and rewrite Astronomer Astro API v1beta1 calls before end of support."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--fix", is_flag=True, help="Apply safe fixes.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, also apply unsafe fixes.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--select", default="", help="Comma-separated codes or prefixes to report (e.g. AM1,AM201).")
@click.option("--ignore", default="", help="Comma-separated codes or prefixes not to report.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option(
    "--output-format",
    type=click.Choice(["full", "concise", "json"]),
    default="full",
    show_default=True,
)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), help="Write the report to a file.")
@click.option("--as-of", metavar="YYYY-MM-DD", help="Count days to end of support from this date.")
def check(paths, fix, unsafe_fixes, diff, select, ignore, exit_zero, output_format, output_file, as_of):
    """Check PATHS (default: the current folder) for Astro API v1beta1 usage."""
    from migrator import deadline, reports, run

    try:
        today = deadline.today(as_of)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--as-of")
    options = run.Options(
        select=_codes(select),
        ignore=_codes(ignore),
        fix=fix,
        unsafe_fixes=unsafe_fixes,
        diff=diff,
    )
    result = run.check(list(paths) or ["."], options)
    from migrator import ruletable

    end = deadline.parse_date(ruletable.load().end_of_support)
    report = reports.build(result, deadline.days_left(end, today), end.isoformat())
    for path, reason in report.problems:
        click.echo(f"astro-migrate: error: {path}: {reason}", err=True)
    for item in result.files:
        if item.error:
            click.echo(f"astro-migrate: error: {item.path}: {item.error}", err=True)
    if diff:
        click.echo("".join(item.diff for item in result.files), nl=False)
    text = reports.render(report, output_format)
    if output_file:
        with open(output_file, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)
    failed_explicit = any(item.error and item.explicit for item in result.files) or report.problems
    if failed_explicit:
        sys.exit(EXIT_ERROR)
    pending = any(item.diff for item in result.files)
    if exit_zero:
        sys.exit(EXIT_CLEAN)
    sys.exit(EXIT_FINDINGS if report.rows or pending else EXIT_CLEAN)


def _register_subcommands() -> None:
    from migrator.spec.cli import spec

    main.add_command(spec)


_register_subcommands()
