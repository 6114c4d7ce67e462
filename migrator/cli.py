"""The `astro-migrate` command line, following ruff's contract.

Exit codes: 0 nothing left to report, 1 findings remain (of a severity in `fail-on`), 2 the run
itself failed (bad usage or configuration, or a file named on the command line could not be checked).
"""
from __future__ import annotations

import os
import sys
from typing import Union

import click

from migrator import __version__, replay, streams
from migrator.project import inputs
from migrator.report import terminal

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, streams.EXIT_ERROR
FORMAT_NAMES = ["full", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit", "markdown"]


def _codes(value: str, option: str = "--select") -> tuple:
    """Codes or prefixes from a comma-separated option; a typo is an error, not an empty gate."""
    from migrator.engine import registry

    items = tuple(part.strip().upper() for part in (value or "").split(",") if part.strip())
    unknown = [item for item in items if not registry.is_selector(item)]
    if unknown:
        raise click.BadParameter(f"unknown codes {', '.join(unknown)}", param_hint=option)
    return items


def _fail(message: str) -> None:
    click.echo(f"astro-migrate: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _today(as_of):
    from migrator.engine import deadline

    try:
        return deadline.today(as_of)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--as-of")


def _config(paths: list, path):
    from migrator.project import config

    try:
        return config.load(paths, path)
    except config.ConfigError as error:
        _fail(str(error))


def _end_of_support(cfg):
    from migrator.engine import deadline, ruletable

    return deadline.parse_date(cfg.deadline or ruletable.end_of_support())


def _changed_paths(ref: str, paths: list, cfg, excluded: tuple = ()) -> list:
    """The checkable files under `paths` changed since `ref`, minus configured exclusions."""
    from migrator.project import discover, gitfiles
    from migrator.project.filetypes import kind_of

    try:
        changed = gitfiles.changed_since(ref, paths)
    except gitfiles.GitError as error:
        _fail(f"--since {ref}: {error}")
    spec = discover.exclusion_spec(cfg.exclude + cfg.extend_exclude + excluded)
    return [p for p in changed if kind_of(p, cfg.extensions()) is not None and not (spec and spec.match_file(p))]


class _Commands(click.Group):
    """The command group; `spec` (the only part that needs httpx) is imported when it runs."""

    LAZY = {"spec": ("migrator.spec.cli", "spec"), "lsp": ("migrator.lsp.cli", "lsp")}

    def list_commands(self, ctx) -> list:
        return sorted(super().list_commands(ctx) + list(self.LAZY))

    def get_command(self, ctx, name):
        if name in self.LAZY:
            import importlib

            module, attribute = self.LAZY[name]
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="astro-migrate")
def main() -> None:
    """Find and rewrite Astronomer Astro API v1beta1 calls before end of support."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(readable=False))
@click.option("--fix", is_flag=True, help="Apply safe fixes.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, also apply unsafe fixes.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--show-fixes", is_flag=True, help="Show each fix's line before and after; with --fix, list what was fixed.")
@click.option("--statistics", is_flag=True, help="Show the number of findings per code instead of each finding.")
@click.option("--select", default="", help="Comma-separated codes or prefixes to report (replaces the configured ones).")
@click.option("--ignore", default="", help="Comma-separated codes or prefixes not to report (adds to the configured ones).")
@click.option("--exclude", "exclude_args", multiple=True, metavar="PATTERN",
              help="gitignore-style patterns of files not to check (comma-separated; adds to the configured ones).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option("--output-format", type=click.Choice(FORMAT_NAMES), default="full", show_default=True)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), help="Write the report to a file.")
@click.option("--color", type=click.Choice(terminal.CHOICES), default="auto", show_default=True,
              help="Colour the output: auto (on a terminal, unless NO_COLOR is set or FORCE_COLOR asks for it).")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings only: no summary, no notes.")
@click.option("-v", "--verbose", is_flag=True, help="Also print files checked, cache hits and time per stage (stderr).")
@click.option("--as-of", metavar="YYYY-MM-DD", help="Count days to end of support from this date [env: ASTRO_MIGRATE_AS_OF].")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True),
              help="Read this configuration file instead of searching for one.")
@click.option("--fail-on", default="", help="Comma-separated severities that make the exit code 1 (error,warning,info).")
@click.option("--baseline", type=click.Path(dir_okay=False), help="Report only findings this baseline does not hold.")
@click.option("--write-baseline", type=click.Path(dir_okay=False),
              help="Record the findings in FILE (an existing baseline only shrinks).")
@click.option("--since", metavar="REF", help="Check only files changed since git REF (merge base with HEAD).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes for analysis (0: one per core; used when enough files match).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache (.astro_migrate_cache/).")
@click.option("--extension", "extension_args", multiple=True, metavar="PATTERN:KIND",
              help="Read more files: an extension, name or glob and python|text|none (e.g. j2:text).")
@click.option("--allow-dirty", is_flag=True,
              help="Let --fix rewrite files of a walked folder that have uncommitted git changes.")
def check(paths, fix, unsafe_fixes, diff, show_fixes, statistics, select, ignore, exclude_args, exit_zero,
          output_format, output_file, color, quiet, verbose, as_of, config_file, fail_on, baseline, write_baseline,
          since, jobs, no_cache, extension_args, allow_dirty):
    """Check PATHS (default: the current folder) for Astro API v1beta1 usage."""
    from migrator import api as run
    from migrator import report as reports
    from migrator.engine import deadline
    from migrator.options import RunStats
    from migrator.report import progress

    today = _today(as_of)
    paths = list(paths) or ["."]
    recording = replay.RECORDING
    if recording is not None and (fix or diff or output_file or write_baseline or since or verbose or no_cache):
        recording.cancel()
    elif recording is not None:
        recording.begin()
        _probe_surroundings(paths, config_file, baseline)
        recording.pinned = {os.path.abspath(path) for path in (config_file, baseline) if path}
    cfg = _config(paths, config_file)
    failing = tuple(s.strip().lower() for s in fail_on.split(",") if s.strip()) or cfg.fail_on
    wrong = [s for s in failing if s not in ("error", "warning", "info")]
    if wrong:
        raise click.BadParameter(f"unknown severities {', '.join(wrong)}", param_hint="--fail-on")
    excluded = tuple(p.strip() for value in exclude_args for p in value.split(",") if p.strip())
    targets = _changed_paths(since, paths, cfg, excluded) if since else paths
    human = output_format in reports.HUMAN and not output_file
    stats = RunStats()
    line = progress.for_run(sys.stderr, human, quiet)
    stats.listener = line
    options = cfg.options(
        select=_codes(select), ignore=_codes(ignore, "--ignore"), fix=fix, unsafe_fixes=unsafe_fixes, diff=diff,
        jobs=jobs, no_cache=no_cache, today=today, allow_dirty=allow_dirty,
        extensions=_extension_args(extension_args),
    )
    options.exclude += excluded + _own_files(output_file, baseline, write_baseline)
    options.stats = stats
    result = run.check(targets, options)
    if line:
        line.close()
        if recording is not None and line.shown is not None:  # what it drew is not in the record
            recording.cancel()
    end = _end_of_support(cfg)
    report = reports.build(result, deadline.days_left(end, today), end.isoformat(), cfg.thresholds)
    report.paths = paths
    report = _apply_baselines(report, baseline, write_baseline, paths, today, quiet)
    if recording is not None and (report.problems or any(item.error for item in result.files)):
        recording.cancel()
    elif (recording is not None and result.alone is not None and not report.rows and _above(cfg.path, result.root)
          and output_format != "markdown"):  # markdown's next steps name the files checked
        from migrator.project import config

        recording.clean_run(result, paths, (".git", config.OWN_FILE, config.PYPROJECT))
    for path, reason in report.problems:
        _note(f"astro-migrate: error: {terminal.printable(path)}: {reason}")
    for item in result.files:
        if item.error:
            _note(f"astro-migrate: error: {terminal.printable(item.path)}: {item.error}")
    if diff:
        report.fixed_label = "would be fixed"
    paint = terminal.use_color(color, sys.stdout) and human and not diff
    text = _report_text(report, output_format, reports.View(paint, show_fixes, not quiet), statistics)
    _show(text, report, result, output_format, output_file, diff, quiet, paint)
    if show_fixes and (fix or diff) and not quiet:
        _emit(reports.fixed_listing(result, report.fixed_label), err=True)
    if verbose:
        stats.lap("report")
        _emit("\n".join(progress.verbose(stats, result.checked)) + "\n", err=True)
    _exit(result, report, failing, exit_zero)


def _show(text: str, report, result, output_format: str, output_file, diff: bool, quiet: bool, paint: bool) -> None:
    """The report to stdout or `output_file`; with --diff, stdout is the patch alone (so
    `--diff > fix.patch` applies); the summary goes to stderr when stdout is not for a person."""
    if diff:
        _emit(b"".join(item.diff for item in result.files))  # bytes: exact, any encoding
    if output_file:
        _write_report(output_file, text)
    elif not diff:
        _emit(text, color=paint)
    if (diff or output_format == "github") and not quiet:  # github: stdout holds workflow commands only
        _emit(report.summary() + "\n", err=True)


def _report_text(report, output_format: str, view, statistics: bool) -> str:
    from migrator import report as reports
    from migrator.report import statistics as counts

    if statistics and output_format in reports.HUMAN:
        return counts.render(report, view)
    return reports.render(report, output_format, view)


def _exit(result, report, failing: tuple, exit_zero: bool) -> None:
    code = _exit_code(result, report, failing, exit_zero)
    if replay.RECORDING is not None:
        replay.RECORDING.save(code)
    sys.exit(code)


def _exit_code(result, report, failing: tuple, exit_zero: bool) -> int:
    if result.dirty:
        shown = ", ".join(result.dirty[:5]) + (f" and {len(result.dirty) - 5} more" if len(result.dirty) > 5 else "")
        _note(
            f"astro-migrate: error: --fix would rewrite files with uncommitted changes ({terminal.printable(shown)}); "
            "commit or stash them first, or pass --allow-dirty. Nothing was written."
        )
        return EXIT_ERROR
    if any(item.error and item.explicit for item in result.files) or any(p.explicit for p in result.problems):
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    failed = any(row.severity in failing for row in report.rows)
    pending = any(item.diff for item in result.files)
    return EXIT_FINDINGS if failed or pending else EXIT_CLEAN


def _above(path, root: str) -> bool:
    """Whether the configuration file `path` (None: none) lies in `root` or a folder above it."""
    return path is None or os.path.commonpath([os.path.dirname(os.path.abspath(path)), root]) == os.path.dirname(
        os.path.abspath(path))


def _probe_surroundings(paths: list, config_file, baseline) -> None:
    """Note for the replay of this run what it reads besides the files it walks: the markers
    the root, configuration and ignore look-ups ask for above the paths, and the named
    configuration and baseline files (the tool's own code and rules are in the run's key)."""
    from migrator.project import config

    markers = (".git", ".gitignore", config.OWN_FILE, config.PYPROJECT)
    for path in paths + ["."]:
        inputs.probe_upwards(path if os.path.isdir(path) else os.path.dirname(path) or ".", markers)
    for path in (config_file, baseline):
        if path:
            inputs.probe(path)


def _emit(text: Union[str, bytes], err: bool = False, color: bool = False) -> None:
    """Write `text` (bytes as they are) and flush, through `streams.write`; the text of a run being
    recorded for `replay` is noted as it is written."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "backslashreplace").decode("utf-8")
    if not color and not isinstance(data, bytes):
        data = click.unstyle(data)  # as click.echo would: the text written is the text recorded
    if replay.RECORDING is not None:
        if isinstance(data, bytes):
            replay.RECORDING.cancel()
        else:
            replay.RECORDING.printed(data, err)
    streams.write(data, err, lambda data: click.echo(data, nl=False, err=err, color=color))


def _note(text: str) -> None:
    _emit(text + "\n", err=True)


def _extension_args(values: tuple) -> dict:
    from migrator.project.config import KINDS, extension_pattern

    mapping = {}
    for value in values:
        pattern, _, kind = value.rpartition(":")
        if not pattern or kind not in KINDS:
            raise click.BadParameter(f"{value!r}: write PATTERN:KIND, KIND one of {', '.join(KINDS)}",
                                     param_hint="--extension")
        mapping[extension_pattern(pattern)] = kind
    return mapping


@main.command()
def clean() -> None:
    """Remove the result cache (.astro_migrate_cache/) of the current folder."""
    from migrator.project.cache import CACHE_DIR
    from migrator.project.cache import clean as remove

    try:
        removed = remove()
    except OSError as error:
        _fail(f"cannot remove {CACHE_DIR}/: {error.strerror or error}")
    _emit(f"removed {CACHE_DIR}/\n" if removed else f"no {CACHE_DIR}/ here\n")


def _own_files(*paths) -> tuple:
    """Exclusions for the files this run reads or writes, so reports never report themselves."""
    cwd = os.path.abspath(".")
    relative = [os.path.relpath(os.path.abspath(p), cwd) for p in paths if p]
    return tuple("/" + r.replace(os.sep, "/") for r in relative if not r.startswith(".."))


def _write_report(path: str, text: str) -> None:
    """Write `text` to `path`, creating its folder (CI jobs name report files in fresh folders)."""
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(text)
    except OSError as error:
        _fail(f"cannot write the report to {path}: {error.strerror or error}")


def _apply_baselines(report, baseline, write_baseline, paths, today, quiet: bool = False):
    if not (baseline or write_baseline):
        return report
    from migrator.report import baseline as ratchet

    try:
        if write_baseline:
            os.makedirs(os.path.dirname(write_baseline) or ".", exist_ok=True)
            count = ratchet.write(write_baseline, report.rows, paths, today.isoformat())
            if not quiet:
                _note(f"astro-migrate: wrote {count} finding{'s' if count != 1 else ''} to {write_baseline}")
        chosen = baseline or write_baseline
        return ratchet.apply(report, chosen, paths) if chosen else report
    except ratchet.BaselineError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"cannot write the baseline {write_baseline}: {error.strerror or error}")


@main.command("config")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True),
              help="Read this configuration file instead of searching for one.")
def show_config(paths, config_file):
    """Print the effective configuration for PATHS and the file it came from."""
    from migrator.project import config

    cfg = _config(list(paths) or ["."], config_file)
    click.echo(config.render(cfg, _end_of_support(cfg).isoformat()), nl=False)


@main.command()
@click.option("--status", type=click.Choice(["rewrite", "blocker", "field-change"]),
              help="Only operations with this status.")
def rules(status):
    """List the rule table: every v1beta1 operation and what v1 offers instead."""
    from migrator.engine import ruletable
    from migrator.report import explain

    click.echo(explain.rules(ruletable.load(), status), nl=False)


@main.command("explain")
@click.argument("code", required=False)
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--as-of", metavar="YYYY-MM-DD", help="Count days to end of support from this date.")
def explain_code(code, output_format, as_of):
    """Explain a finding CODE (what it means, an example, severity, fix, deadline), or list every code."""
    from migrator.engine import deadline, registry, ruletable
    from migrator.report import explain

    code = code.strip().upper() if code else None
    if code and code not in registry.rules():
        _fail(f"unknown code {code}; known codes: {', '.join(registry.rules())}")
    if output_format == "json":
        click.echo(explain.as_json(code), nl=False)
    elif code is None:
        click.echo(explain.listing(), nl=False)
    else:
        table = ruletable.load()
        days = deadline.days_left(deadline.parse_date(table.end_of_support), _today(as_of))
        click.echo(explain.explain(code, table, days), nl=False)
