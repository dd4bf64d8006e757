"""``show``, ``detect`` and ``dialects``: looking at agents without converting them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import api
from ..diagnostics import AgentportError, Report
from ..serialize import agent_to_json
from .choices import DIALECT, PathArgument
from .output import Reporter


@click.command()
@click.argument("file", type=PathArgument(dir_okay=False, allow_dash=True))
@click.option("--from", "-f", "read", type=DIALECT, help="Dialect of FILE (detected if omitted).")
def show(file: str, read: str | None) -> int:
    """Print the neutral model of an agent FILE as JSON (diagnostics go to standard error).

    \b
    Example:
      agentport show .claude/agents/reviewer.md | jq .rules
    """
    reporter = Reporter()
    report = Report(file)
    try:
        if file == "-":
            agent = api.loads(sys.stdin.buffer.read().decode("utf-8"), read, report=report)
        else:
            agent = api.load(file, read, report=report)
    except (AgentportError, OSError, UnicodeDecodeError) as error:
        reporter.diagnostics(getattr(error, "diagnostics", []) or report)
        if not getattr(error, "diagnostics", None):
            click.echo(f"{file}: error: {error}", err=True)
        return 1
    reporter.diagnostics(report)
    json.dump(agent_to_json(agent), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return reporter.exit_code()


@click.command()
@click.argument("paths", nargs=-1, required=True, type=PathArgument(exists=True))
def detect(paths: tuple[str, ...]) -> int:
    """Print the dialect of each file (folders are searched for agent files).

    \b
    Example:
      agentport detect .claude/agents .opencode/agents
    """
    from ..bulk import discover

    unknown = 0
    for path in discover((Path(p) for p in paths), None):
        try:
            name = api.detect(api.read_text(path), path)
        except (OSError, UnicodeDecodeError):
            name = None
        unknown += name is None
        click.echo(f"{name or 'unknown'}\t{path}")
    return 1 if unknown else 0


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
def dialects(fmt: str) -> int:
    """List every dialect: what it reads and writes, and where its files live."""
    from ..support import markdown_table, support_table

    rows = support_table()
    if fmt == "json":
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif fmt == "markdown":
        click.echo(markdown_table(rows))
    else:
        width = max(len(row["dialect"]) for row in rows)
        for row in rows:
            click.echo(f"{row['dialect']:<{width}}  {row['read']:<4} {row['write']:<5} {row['files']:<36} {row['notes']}")
    return 0

