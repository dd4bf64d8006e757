"""The ``agentport`` command line: a thin layer over the library.

Each subcommand lives in its own module and is imported only when it runs, so that
``agentport --help`` and one conversion stay quick. This package is the only place that knows
about terminals, colours and exit codes.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from .. import __version__

COMMANDS: dict[str, tuple[str, str]] = {
    "convert": ("agentport.cli.convert", "Convert agent files or whole trees to another dialect."),
    "show": ("agentport.cli.inspect", "Print the neutral model of an agent file as JSON."),
    "detect": ("agentport.cli.inspect", "Tell which dialect each file is written in."),
    "dialects": ("agentport.cli.inspect", "List the supported dialects and their file layouts."),
    "validate": ("agentport.cli.validate", "Check agent files against their dialect's schema."),
    "init": ("agentport.cli.sync", "Write a starter agentport.toml for this repository."),
    "sync": ("agentport.cli.sync", "Generate every configured target from the source agents."),
    "check": ("agentport.cli.sync", "Exit 1 if any generated target is out of date or hand-edited."),
    "diff": ("agentport.cli.sync", "Show what sync would change, as unified diffs."),
    "pack": ("agentport.cli.publish", "Build a Claude Code plugin or marketplace from agents."),
    "publish": ("agentport.cli.publish", "Commit and push a packed plugin or marketplace to git."),
    "install": ("agentport.cli.publish", "Install a marketplace plugin's agents into any dialect."),
    "push": ("agentport.cli.publish", "Push an agent bundle to an OCI registry."),
    "pull": ("agentport.cli.publish", "Pull an agent bundle from an OCI registry into any dialect."),
}
"""Command name -> (module defining a click command of that name, one-line help)."""


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[name][0])
        return getattr(module, name.replace("-", "_"))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="""\b
Examples:
  agentport convert .claude/agents --to opencode      # into .opencode/agents/
  agentport convert agent.md --to claude -o -         # to standard output
  agentport show .opencode/agents/review.md           # the neutral model, as JSON
  agentport dialects                                  # what can be read and written

Run 'agentport COMMAND --help' for a command's options.""",
)
@click.version_option(__version__, "-V", "--version", prog_name="agentport")
def cli() -> None:
    """Convert coding-agent definitions between dialects (Claude Code, OpenCode, ...),
    keeping every field both sides can express and reporting whatever is lost."""


def main(args: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (the library never exits)."""
    try:
        result: Any = cli.main(args=args, standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as error:
        error.show()
        return error.exit_code
    return result if isinstance(result, int) else 0
