"""``astro-migrate spec``: check the rule table against Astronomer's v1 spec, or diff two specs.

Exit codes: 0 the table holds (or the specs are equal), 1 it differs, 2 a spec cannot be read.
"""
from __future__ import annotations

import json

import click

from migrator.spec.fetch import DEFAULT_URL, Limits, SpecError, load_spec
from migrator.spec.index import build_index


def _network_options(command):
    options = (
        click.option("--allow-http", is_flag=True,
                     help="Allow plain http:// URLs (local test servers only)."),
        click.option("--timeout", type=click.FloatRange(0, min_open=True), default=Limits.timeout,
                     show_default=True, help="Seconds allowed for a connect, a read and a whole attempt."),
        click.option("--max-bytes", type=click.IntRange(1), default=Limits.max_bytes,
                     show_default=True, help="Refuse a spec larger than this."),
        click.option("--retries", type=click.IntRange(0), default=Limits.retries,
                     show_default=True, help="Retries after a timeout or a 5xx response."),
    )
    for option in reversed(options):
        command = option(command)
    return command


def _index(source: str, limits: Limits) -> dict:
    try:
        return build_index(load_spec(source, limits))
    except SpecError as exc:
        click.echo(f"astro-migrate: error: {exc}", err=True)
        raise SystemExit(2) from None


@click.group()
def spec():
    """Check the rule table against Astronomer's v1 OpenAPI spec, or diff two spec versions."""


@spec.command()
@click.option("--url", metavar="URL", help=f"Download the v1 spec from URL [default: {DEFAULT_URL}].")
@click.option("--file", "path", metavar="PATH", help="Read the v1 spec from a YAML or JSON file.")
@_network_options
def check(url, path, **limits):
    """Check that every rule still holds in the v1 spec.

    Mapped targets must exist with the same method, "no v1 equivalent" operations must still be
    absent, and renamed or removed fields must be so in the v1 schemas.
    """
    from migrator.engine import ruletable
    from migrator.spec.compare import compare

    if url and path:
        raise click.UsageError("give --url or --file, not both")
    source = path or url or DEFAULT_URL
    index = _index(source, Limits(**limits))
    table = ruletable.load()
    differences = compare(table, index)
    for difference in differences:
        click.echo(str(difference))
    against = f"{index['title']} {index['version']} ({source})"
    if differences:
        click.echo(f"rule table differs from {against}: {len(differences)} difference(s)")
        raise SystemExit(1)
    blockers = sum(op.blocked for op in table.operations)
    click.echo(
        f"rule table holds against {against}: {len(table.operations) - blockers} targets, "
        f"{blockers} blockers, {len(table.field_changes)} field changes"
    )


@spec.command()
@click.argument("old")
@click.argument("new")
@click.option("--output-format", "output", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="The same option name as `check`'s.")
@_network_options
def diff(old, new, output, **limits):
    """Show what changed between two spec versions OLD and NEW (files or URLs).

    Lists operations added and removed, query parameters and schema fields renamed, removed or
    added, so that a new minor version of v1 becomes a reviewed edit of rules/.
    """
    from migrator.spec.diff import diff as diff_indexes
    from migrator.spec.diff import has_changes, render_text

    limits = Limits(**limits)
    result = diff_indexes(_index(old, limits), _index(new, limits))
    click.echo(json.dumps(result, indent=2) if output == "json" else render_text(result))
    if has_changes(result):
        raise SystemExit(1)
