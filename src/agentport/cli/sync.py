"""``agentport init``, ``sync``, ``check`` and ``diff``: generated tool folders kept in step.

The work is :class:`agentport.sync.Sync`'s; these commands find the configuration, report each
file through the :class:`~agentport.cli.output.Reporter`, and choose the exit code.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from .. import config as configuration
from .. import registry
from ..config import Config, ConfigError
from ..diagnostics import Diagnostic, Severity
from ..manifest import ManifestError
from ..sync import CHANGING, Action, Change, Options, Sync
from .choices import PathArgument
from .output import Reporter

PROGRESS_AFTER = 1.0
"""Seconds a run takes before a progress bar appears (on a terminal only)."""

_DONE = {Action.CREATE: "created", Action.UPDATE: "updated", Action.DELETE: "deleted"}
_LISTED = CHANGING | {Action.CONFLICT, Action.FAILED}
_PROBLEMS = ("failed", "conflict")
_OUT_OF_DATE = (*_PROBLEMS, *(action.value for action in CHANGING))


class BadConfig(click.ClickException):
    exit_code = 2


def _run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--config", "-c", "config_path", type=PathArgument(dir_okay=False, exists=True),
                     help="The configuration [default: agentport.toml, or [tool.agentport] in pyproject.toml, "
                     "here or in a folder above]."),
        click.option("--jobs", "-j", type=click.IntRange(1), help="Worker processes for large trees [default: all cores]."),
        click.option("--report", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                     help="Lines on standard error, or one JSON document on standard output."),
        click.option("--quiet", "-q", is_flag=True, help="Print problems only."),
        click.option("--verbose", "-v", is_flag=True, help="Print every file, unchanged ones too, and informational notes."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command()
@_run_options
@click.option("--dry-run", "-n", is_flag=True, help="Print the plan (create, update, delete, conflict); change nothing.")
@click.option("--force", is_flag=True, help="Take over conflicting files: replace or delete them even if edited by hand.")
def sync(config_path: str | None, jobs: int | None, fmt: str, quiet: bool, verbose: bool, dry_run: bool, force: bool) -> int:
    """Generate every configured target from the source agents.

    Each target is written in its dialect's conventional layout. Sync owns only the files it
    generated (listed with their hashes in the manifest, .agentport/manifest.tsv by default):
    those it updates, and deletes when their agent is gone. A file a person wrote or edited
    is never touched: it is reported as a conflict, and --force takes it over. Unchanged files
    are not rewritten. A source file that cannot be read is reported with its line; the rest
    is still synced, and that source's generated files are kept.

    \b
    Examples:
      agentport sync                  # write every target
      agentport sync --dry-run        # the plan, nothing written
      agentport sync --report json    # per-file status, diagnostics, counts, timings

    Exit status: 0 done; 1 a file failed or conflicted; 2 no usable configuration.
    """
    options = Options(write=not dry_run, force=force)
    reporter = Reporter(fmt=fmt, quiet=quiet, verbose=verbose, failing=_PROBLEMS)
    sync_run = _start(config_path, options, jobs)
    _report(sync_run, reporter, planning=dry_run)
    return reporter.finish("dry run" if dry_run else "sync")


@click.command()
@_run_options
def check(config_path: str | None, jobs: int | None, fmt: str, quiet: bool, verbose: bool) -> int:
    """Exit 1 if any generated target is out of date or hand-edited.

    Prints each file sync would change and why: missing, out of date, stale (its agent is
    gone), edited by hand (a conflict), or a source that cannot be read. Nothing is written.
    For CI and pre-commit.

    Agents installed with 'agentport install' are checked too, against agentport-lock.json:
    an installed file that is missing or was edited since is reported.

    Exit status: 0 every target is up to date; 1 something is not; 2 no usable configuration.
    """
    reporter = Reporter(fmt=fmt, quiet=quiet, verbose=verbose, failing=(*_OUT_OF_DATE, *_DRIFT))
    config_file = Path(config_path) if config_path else configuration.find(Path.cwd())
    lock_root = _installed_root(config_file)
    if config_file is not None or lock_root is None:
        sync_run = _start(config_path, Options(write=False), jobs)
        _report(sync_run, reporter, planning=True)
    if lock_root is not None:
        _report_install_drift(lock_root, reporter)
    code = reporter.finish("check")
    if fmt == "text" and not quiet:
        if any(reporter.counts[action.value] for action in CHANGING):
            click.echo("run 'agentport sync' to update the targets ('agentport diff' shows the changes)", err=True)
        if reporter.counts["conflict"]:
            click.echo("edited by hand: move the edit into the source agent, or overwrite it with 'agentport sync --force'", err=True)
    return code


@click.command()
@_run_options
@click.option("--force", is_flag=True, help="Also show what taking over conflicting files would change.")
def diff(config_path: str | None, jobs: int | None, fmt: str, quiet: bool, verbose: bool, force: bool) -> int:
    """Show what sync would change, as unified diffs on standard output.

    Conflicts (files edited by hand) are listed on standard error; with --force their diffs
    are shown too. Nothing is written.

    Exit status: 0 nothing to change; 1 sync would change something, or a file failed;
    2 no usable configuration.
    """
    reporter = Reporter(fmt=fmt, quiet=quiet, verbose=verbose, failing=_OUT_OF_DATE)
    sync_run = _start(config_path, Options(write=False, force=force, diffs=True), jobs)
    diffs = _report(sync_run, reporter, planning=True)
    if fmt == "text":
        for _, text in sorted(diffs):
            click.echo(text, nl=False)
    else:
        reporter.extra["diffs"] = dict(sorted(diffs))
    return reporter.finish("diff")


_DRIFT = ("missing", "modified")
"""Statuses of installed files that differ from the install lock."""


def _installed_root(config_file: Path | None) -> Path | None:
    """The project folder holding an install lock, beside the configuration or here."""
    from ..publish.lock import LOCK_FILE

    root = config_file.parent if config_file is not None else Path.cwd()
    return root if (root / LOCK_FILE).is_file() else None


def _report_install_drift(root: Path, reporter: Reporter) -> None:
    from ..publish.install import check_lock

    for drift in check_lock(root):
        reporter.file(drift.kind, drift.install, drift.path, (), reason=drift.message, listed=True)


def _start(config_path: str | None, options: Options, jobs: int | None) -> Sync:
    path = Path(config_path) if config_path else configuration.find(Path.cwd())
    if path is None:
        raise BadConfig(
            f"no {configuration.CONFIG_FILE} (or [tool.agentport] in pyproject.toml) here or above: "
            "run 'agentport init' to write one"
        )
    try:
        return Sync(configuration.load(path), options, workers=jobs)
    except ConfigError as error:
        raise BadConfig(str(error)) from None


def _report(sync_run: Sync, reporter: Reporter, *, planning: bool) -> list[tuple[str, str]]:
    """Report every change; returns the diffs (path, text) when they were asked for."""
    diffs: list[tuple[str, str]] = []
    changes = sync_run.run()
    try:
        for change in _with_progress(sync_run, changes, silent=reporter.quiet or reporter.fmt == "json"):
            status = change.action.value if planning else _DONE.get(change.action, change.action.value)
            reporter.file(
                status, change.source, change.path, _worth_telling(change, reporter),
                reason=change.reason or None, listed=change.action in _LISTED,
            )
            if change.diff:
                diffs.append((change.path or "", change.diff))
    except (ConfigError, ManifestError) as error:
        raise BadConfig(str(error)) from None
    finally:
        changes.close()
    config = sync_run.config
    if sync_run.manifest_changed and planning:
        status = "update" if sync_run.manifest_path.exists() else "create"
        reporter.file(status, None, config.manifest, (), reason="the record of generated files", listed=True)
    _report_overrides(sync_run, reporter)
    reporter.extra["manifest"] = {"path": config.manifest, "changed": sync_run.manifest_changed}
    reporter.extra["timings"] = {phase: round(seconds, 3) for phase, seconds in sync_run.timings.items()}
    return diffs


def _worth_telling(change: Change, reporter: Reporter) -> tuple[Diagnostic, ...]:
    """A file left as it is keeps its notes to itself (as an incremental build does not warn
    again about what it did not rebuild), unless asked with -v or --report json."""
    if change.action in _LISTED or reporter.verbose or reporter.fmt == "json":
        return change.diagnostics
    return tuple(item for item in change.diagnostics if item.severity >= Severity.ERROR)


def _report_overrides(sync_run: Sync, reporter: Reporter) -> None:
    """Say what every target's ``models`` table replaced (each file also has an info note)."""
    overrides = [
        {"target": target, "replaced": before, "written": after, "files": count}
        for (target, before, after), count in sorted(sync_run.overrides.items())
    ]
    if reporter.fmt == "json":
        reporter.extra["model_overrides"] = overrides
    elif not reporter.quiet:
        for item in overrides:
            click.echo(
                f"targets.{item['target']}.models: '{item['replaced']}' written as '{item['written']}' "
                f"in {item['files']} file{'s' if item['files'] != 1 else ''}",
                err=True,
            )


def _with_progress(sync_run: Sync, changes: Iterator[Change], *, silent: bool) -> Iterator[Change]:
    """A progress bar on a terminal, once the run has taken long enough to want one."""
    if silent or not sys.stderr.isatty():
        yield from changes
        return
    started = time.perf_counter()
    for change in changes:
        yield change
        if time.perf_counter() - started > PROGRESS_AFTER:
            break
    else:
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("syncing", total=sync_run.count_sources(), completed=sync_run.sources_done)
        for change in changes:
            progress.update(task, completed=sync_run.sources_done)
            yield change


@click.command()
@click.option("--pyproject", is_flag=True, help="Write [tool.agentport] into pyproject.toml instead of agentport.toml.")
@click.option("--force", is_flag=True, help="Replace an existing configuration.")
def init(pyproject: bool, force: bool) -> int:
    """Write a starter agentport.toml for the repository in this folder.

    The agent folders already present are detected: the one with the most agents becomes the
    source, the others become targets (OpenCode if there are none). Every option is in the
    file, commented out.
    """
    from ..files import write_atomic

    root = Path.cwd()
    found = configuration.detect(root)
    table = configuration.starter(found, registry.names())
    if pyproject:
        path = root / configuration.PYPROJECT
        if not path.is_file():
            raise BadConfig(f"no {path.name} in {root}: leave out --pyproject to write {configuration.CONFIG_FILE}")
        if configuration.has_tool_table(path) and not force:
            raise click.ClickException(f"{path} already has [tool.agentport] (--force replaces it)")
        text = configuration.render_starter(table, path.read_text("utf-8"))
    else:
        path = root / configuration.CONFIG_FILE
        if path.exists() and not force:
            raise click.ClickException(f"{path} already exists (--force replaces it)")
        text = configuration.render_starter(table)
    write_atomic(path, text, overwrite=True)
    _describe_start(path, configuration.load(path), found)
    return 0


def _describe_start(path: Path, config: Config, found: list[configuration.Found]) -> None:
    counts = {item.dialect: item.count for item in found}
    source = config.source
    click.echo(f"wrote {path.name}: source {source.dialect} ({source.path}/, {counts.get(source.dialect, 0)} agent files)", err=True)
    for target in config.targets:
        folder = configuration.written_by(target)
        existing = counts.get(target.dialect, 0)
        note = f"; its {existing} existing files are conflicts unless identical (sync --force takes them over)" if existing else ""
        click.echo(f"  target {target.name}: {folder}{note}", err=True)
    click.echo("next: agentport sync --dry-run", err=True)
