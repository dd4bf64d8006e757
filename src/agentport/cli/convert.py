"""``agentport convert``: files, whole trees or standard input, into another dialect."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import click

from .. import api
from .. import registry
from ..bulk import Job, Options, discover, discover_dialects, project_root, run
from ..diagnostics import AgentportError, Report
from ..text.markdown import Layout
from .choices import DIALECT, PathArgument
from .output import Reporter


def _wrap(value: str) -> str | int:
    if value in ("keep", "no"):
        return value
    if value.isdigit() and int(value) >= 20:
        return int(value)
    raise click.BadParameter("use keep, no, or a column of at least 20")


@click.command()
@click.argument("sources", nargs=-1, required=True, type=PathArgument(allow_dash=True))
@click.option("--to", "-t", "write", required=True, type=DIALECT, help="Dialect to write.")
@click.option("--from", "-f", "read", type=DIALECT, help="Dialect to read (detected per file if omitted).")
@click.option(
    "--output", "-o", type=PathArgument(allow_dash=True),
    help="Project folder to write into (files go to the target's layout inside it), a file name "
    "for a single input, or - for standard output. Default: the source's own project.",
)
@click.option("--force", is_flag=True, help="Replace existing files whose content differs.")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@click.option("--wrap", default="keep", show_default=True, metavar="keep|no|N", callback=lambda c, p, v: _wrap(v),
              help="Re-wrap prompts: keep them as written, one line per paragraph, or at column N.")
@click.option("--numbering", type=click.Choice(["keep", "one", "consecutive"]),
              help="Ordered-list numbers when re-wrapping: as written, all '1.', or 1. 2. 3. [default: one]")
@click.option("--strict", is_flag=True, help="Exit 1 if anything is lost or approximated.")
@click.option("--report", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Diagnostics as lines on standard error, or one JSON document on standard output.")
@click.option("--jobs", "-j", type=click.IntRange(1), help="Worker processes for large trees [default: all cores].")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
@click.option("--verbose", "-v", is_flag=True, help="Print every file and informational notes.")
def convert(
    sources: tuple[str, ...], write: str, read: str | None, output: str | None, force: bool, dry_run: bool,
    wrap: str | int, numbering: str | None, strict: bool, fmt: str, jobs: int | None, quiet: bool, verbose: bool,
) -> int:
    """Convert agent files, folders of them, or standard input (-) to another dialect.

    Folders are searched for agent files in any dialect's layout, and each file is written into
    the target's layout: .claude/agents/x.md becomes .opencode/agents/x.md. Nothing is
    overwritten without --force; every field the target cannot hold is reported; a file that
    cannot be read is reported with its line and the others are still converted.

    \b
    Examples:
      agentport convert .claude/agents --to opencode
      agentport convert . --to claude -o ../other-project --dry-run
      agentport convert reviewer.md --from claude --to opencode -o -
      cat agent.md | agentport convert - --to opencode --wrap 120
      agentport convert .claude --to opencode --strict --report json > report.json

    Exit status: 0 all converted; 1 a file failed or conflicted (or, with --strict, lost
    information); 2 bad usage.
    """
    layout = Layout(wrap=wrap, numbering=numbering)  # type: ignore[arg-type]
    reporter = Reporter(fmt=fmt, quiet=quiet, verbose=verbose, strict=strict)
    if "-" in sources:
        if len(sources) > 1:
            raise click.UsageError("'-' (standard input) cannot be combined with other sources")
        return _convert_stdin(read, write, output, layout, force, reporter)
    missing = [source for source in sources if not Path(source).exists()]
    if missing:
        raise click.BadParameter(f"no such file or folder: {', '.join(missing)}", param_hint="SOURCES")
    paths = [Path(source) for source in sources]
    if output == "-":
        return _convert_to_stdout(paths, read, write, layout, reporter)
    options = Options(read=read, write=write, layout=layout, force=force, dry_run=dry_run)
    jobs_iter = _jobs(paths, read, write, output)
    for outcome in _with_progress(run(jobs_iter, options, workers=jobs), paths, read, quiet or fmt == "json"):
        status = outcome.status.value
        if dry_run and status in ("created", "updated"):
            status = f"would be {status}"
        reporter.file(status, str(outcome.source), str(outcome.target) if outcome.target else None, outcome.diagnostics)
    if not reporter.counts and fmt == "text":
        click.echo(_nothing_found(paths, read), err=True)
    return reporter.finish("dry run" if dry_run else "converted")


def _nothing_found(paths: list[Path], read: str | None) -> str:
    where = ", ".join(map(str, paths))
    if read:
        layout = registry.get(read).layout()
        return f"no {read} agent files under {where} (looked for {layout} and *{registry.get(read).suffix})"
    return (
        f"no agent files under {where}: folders are searched for the dialects' layouts "
        "(.claude/agents/*.md, .opencode/agents/*.md, ...); name the dialect with --from to convert other files"
    )


def _jobs(paths: list[Path], read: str | None, write: str, output: str | None) -> Iterator[Job]:
    single_file = len(paths) == 1 and paths[0].is_file()
    target_suffix = registry.get(write).suffix
    for found in discover_dialects(paths, read):
        source, dialect, within = found.path, found.dialect, found.within
        if output is None:
            yield Job(source, project_root(source, dialect), read=dialect, within=within)
        elif single_file and output.endswith(target_suffix) and not Path(output).is_dir():
            yield Job(source, Path(output).parent, target=Path(output), read=dialect, within=within)
        else:
            yield Job(source, Path(output), read=dialect, within=within)


def _with_progress(outcomes, paths: list[Path], read: str | None, silent: bool):
    """Show a progress bar on a terminal for runs long enough to want one."""
    if silent or not sys.stderr.isatty() or all(path.is_file() for path in paths):
        yield from outcomes
        return
    from rich.progress import Progress

    total = sum(1 for _ in discover(paths, read))
    if total < 200:
        yield from outcomes
        return
    with Progress(transient=True) as progress:
        task = progress.add_task("converting", total=total)
        for outcome in outcomes:
            progress.advance(task)
            yield outcome


def _convert_stdin(read: str | None, write: str, output: str | None, layout: Layout, force: bool, reporter: Reporter) -> int:
    text = sys.stdin.buffer.read().decode("utf-8")
    report = Report("<stdin>")
    try:
        agent = api.loads(text, read, report=report)
        result = api.dumps(agent, write, report=report, layout=layout)
    except AgentportError:
        reporter.file("failed", "<stdin>", None, report)
        return reporter.finish()
    if output in (None, "-"):
        sys.stdout.write(result)
        reporter.diagnostics(report)
        return reporter.exit_code()
    from ..containment import Folder, split

    try:
        if output.endswith(registry.get(write).suffix):
            folder, relative = split(output)
        else:
            folder, relative = Folder(output), registry.get(write).relative_path(agent)
        with folder:
            written = folder.write(relative, result.encode("utf-8"), overwrite=force)
    except FileExistsError as error:
        click.echo(f"{output}: error: {error}", err=True)
        return 1
    except (AgentportError, OSError) as error:
        click.echo(f"{output}: error: {error}", err=True)
        return 1
    reporter.file(written.value, "<stdin>", str(folder.root / relative), report)
    return reporter.finish()


def _convert_to_stdout(paths: list[Path], read: str | None, write: str, layout: Layout, reporter: Reporter) -> int:
    sources = list(discover(paths, read))
    if len(sources) != 1:
        raise click.UsageError(f"-o - writes one agent to standard output, but {len(sources)} files were given")
    report = Report(str(sources[0]))
    try:
        text = api.dumps(api.load(sources[0], read, report=report), write, report=report, layout=layout)
    except (AgentportError, OSError, UnicodeDecodeError) as error:
        reporter.file("failed", str(sources[0]), None, report)
        if not report:
            click.echo(f"{sources[0]}: error: {error}", err=True)
        return 1
    sys.stdout.write(text)
    reporter.diagnostics(report)
    return reporter.exit_code()
