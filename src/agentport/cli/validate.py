"""``agentport validate``: check agent files against their dialect's schema and reader."""

from __future__ import annotations

import click

from ..diagnostics import Severity
from .choices import DIALECT, PathArgument
from .output import Reporter


@click.command()
@click.argument("paths", nargs=-1, required=True, type=PathArgument(exists=True))
@click.option("--from", "-f", "read", type=DIALECT, help="Dialect of the files (detected per file if omitted).")
@click.option("--report", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Problems as FILE:LINE:COL lines on standard error, or one JSON document on standard output.")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
@click.option("--verbose", "-v", is_flag=True, help="Print every file and informational notes.")
def validate(paths: tuple[str, ...], read: str | None, fmt: str, quiet: bool, verbose: bool) -> int:
    """Check agent files, or folders of them, against their dialect's JSON Schema and reader.

    Every problem is reported as FILE:LINE:COL with the line in the file as written. Folders are
    searched for agent files the way convert searches them.

    \b
    Examples:
      agentport validate .claude/agents
      agentport validate agents/ --from opencode --report json

    Exit status: 0 no errors (warnings allowed); 1 an error in some file; 2 bad usage.
    """
    from ..validate import validate_paths

    reporter = Reporter(fmt=fmt, quiet=quiet, verbose=verbose)
    for report in validate_paths(paths, read):
        status = "invalid" if any(item.severity >= Severity.ERROR for item in report) else "valid"
        reporter.file(status, report.path, None, report)
    return reporter.finish("validated")
