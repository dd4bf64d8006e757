"""``pack``, ``publish``, ``install``, ``push`` and ``pull``: agents to and from registries.

Two ways to share agents, each with a way back in:

* Claude Code plugin marketplaces (git): ``pack --plugin``, ``pack --marketplace``, ``publish``;
  anyone then installs with ``claude plugin install`` or, into any dialect, ``agentport install``.
* OCI registries: ``push`` a bundle, ``pull`` it into any dialect.

The work is done by :mod:`agentport.publish`; this module only parses options and reports.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..diagnostics import AgentportError, ParseError
from .choices import DIALECT, PathArgument
from .output import Reporter

if TYPE_CHECKING:
    from ..publish.install import InstallResult
    from ..publish.oci import RegistryAccess

_Command = TypeVar("_Command", bound=Callable[..., Any])


_FAILURES = (AgentportError, OSError, UnicodeDecodeError)


def _fail(error: Exception, reporter: Reporter | None = None) -> click.ClickException:
    """The one-line error a failed operation ends with (a file's own diagnostics first)."""
    if isinstance(error, ParseError) and error.diagnostics:
        (reporter or Reporter()).diagnostics(error.diagnostics)
    return click.ClickException(str(error))


def _report_options(command: _Command) -> _Command:
    options = [
        click.option("--dry-run", is_flag=True, help="Do everything but write: show what would change."),
        click.option("--force", is_flag=True, help="Replace what exists (files, a published version, a tag)."),
        click.option("--strict", is_flag=True, help="Exit 1 if a conversion loses or approximates anything."),
        click.option(
            "--report",
            "fmt",
            type=click.Choice(["text", "json"]),
            default="text",
            show_default=True,
            help="Diagnostics as lines on standard error, or one JSON document on standard output.",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print errors only."),
        click.option("--verbose", "-v", is_flag=True, help="Print every file and informational notes."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _registry_options(command: _Command) -> _Command:
    options = [
        click.option("--username", "-u", help="Registry user name [env: AGENTPORT_REGISTRY_USERNAME]."),
        click.option(
            "--password",
            help="Registry password or access token; prefer --password-stdin [env: AGENTPORT_REGISTRY_PASSWORD].",
        ),
        click.option("--password-stdin", is_flag=True, help="Read the password from standard input."),
        click.option("--token", help="Bearer token sent as is [env: AGENTPORT_REGISTRY_TOKEN]."),
        click.option(
            "--plain-http/--https",
            "plain_http",
            default=None,
            help="Talk HTTP or HTTPS [default: HTTP for localhost and 127.0.0.1 only].",
        ),
        click.option(
            "--retries",
            type=click.IntRange(1, 10),
            default=4,
            show_default=True,
            help="Attempts per request on 5xx answers and dropped connections (backoff 0.25 s, doubling).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _access(
    username: str | None,
    password: str | None,
    password_stdin: bool,
    token: str | None,
    plain_http: bool | None,
    retries: int,
) -> RegistryAccess:
    from ..publish.oci import RegistryAccess, RetryPolicy

    if password_stdin:
        if password is not None:
            raise click.UsageError("give --password or --password-stdin, not both")
        password = sys.stdin.readline().rstrip("\r\n")
    return RegistryAccess(
        username=username, password=password, token=token, plain_http=plain_http, retry=RetryPolicy(attempts=retries)
    )


def _report_placed(reporter: Reporter, result: InstallResult) -> None:
    """One line (or JSON record) per agent installed: where from, where to, what was lost."""
    status_of = {change.path: change.status for change in result.changes}
    for placed in result.placed:
        status = status_of.get(placed.target, "unchanged")
        reporter.file(
            f"would be {status}" if result.dry_run and status != "unchanged" else status,
            placed.origin,
            placed.target,
            placed.diagnostics,
        )
    for change in result.changes:
        if change.status in ("removed", "kept"):
            reporter.file(change.status, None, change.path, [])


def _note(reporter: Reporter, message: str) -> None:
    if reporter.fmt == "text" and not reporter.quiet:
        click.echo(message, err=True)


# --- pack --------------------------------------------------------------------------------------


@click.command()
@click.argument("sources", nargs=-1, required=True, type=PathArgument(exists=True))
@click.option("--plugin", "kind", flag_value="plugin", help="Pack agent files (any dialect) into a plugin.")
@click.option("--marketplace", "kind", flag_value="marketplace", help="Pack plugin folders into a marketplace.")
@click.option(
    "--output",
    "-o",
    required=True,
    type=PathArgument(file_okay=False),
    help="The folder to build (refused if it holds something else, unless --force).",
)
@click.option("--name", help="Plugin or marketplace name, kebab-case [default: the output folder's name].")
@click.option("--version", "version", help="Semantic version, e.g. 1.0.0 (required for --plugin).")
@click.option("--description", help="One line saying what the plugin or marketplace offers.")
@click.option("--author", help="Plugin author's name.")
@click.option("--author-email", help="Plugin author's e-mail.")
@click.option("--owner", help="Marketplace owner's name (required for --marketplace).")
@click.option("--owner-email", help="Marketplace owner's e-mail.")
@click.option("--license", "license_id", help="SPDX license of the plugin, e.g. MIT.")
@click.option("--homepage", help="Plugin documentation URL.")
@click.option("--repository", help="Plugin source repository URL.")
@click.option("--keyword", "keywords", multiple=True, help="A plugin keyword (repeatable).")
@click.option("--from", "-f", "read", type=DIALECT, help="Dialect of the agent files (detected per file if omitted).")
@_report_options
def pack(
    sources: tuple[str, ...],
    kind: str | None,
    output: str,
    name: str | None,
    version: str | None,
    description: str | None,
    author: str | None,
    author_email: str | None,
    owner: str | None,
    owner_email: str | None,
    license_id: str | None,
    homepage: str | None,
    repository: str | None,
    keywords: tuple[str, ...],
    read: str | None,
    dry_run: bool,
    force: bool,
    strict: bool,
    fmt: str,
    quiet: bool,
    verbose: bool,
) -> int:
    """Build a Claude Code plugin from agent files, or a marketplace from plugins.

    --plugin reads SOURCES (agent files or folders, in any dialect agentport knows), writes each
    agent as a Claude Code agent in OUTPUT/agents/, and OUTPUT/.claude-plugin/plugin.json with the
    name, version, description, author and license given. Claude Code agents keep their exact
    bytes; others are converted and anything lost is reported.

    --marketplace copies the plugin folders SOURCES into OUTPUT/plugins/ and writes
    OUTPUT/.claude-plugin/marketplace.json listing them. Both manifests are checked against
    Claude Code's documented schema before anything is written. Then publish OUTPUT with
    'agentport publish'.

    \b
    Examples:
      agentport pack --plugin .claude/agents -o dist/reviewers --version 1.0.0 \\
          --description "Code review agents" --author "Platform team" --license MIT
      agentport pack --plugin .opencode/agents -o dist/helpers --version 0.3.0
      agentport pack --marketplace dist/reviewers dist/helpers -o dist/market \\
          --owner "Platform team" --description "Our agents"
    """
    from ..publish.plugin import MarketplaceInfo, Person, PluginInfo, pack_marketplace, pack_plugin

    if kind is None:
        raise click.UsageError("say what to build: --plugin (from agent files) or --marketplace (from plugin folders)")
    out = Path(output)
    name = name or out.resolve().name
    reporter = Reporter(fmt=fmt, quiet=quiet, verbose=verbose, strict=strict)
    try:
        if kind == "plugin":
            if not version:
                raise click.UsageError("--plugin needs --version (a semantic version such as 1.0.0)")
            info = PluginInfo(
                name,
                version,
                description,
                Person(author, author_email) if author else None,
                license_id,
                homepage,
                repository,
                keywords,
            )
            packed = pack_plugin(
                [Path(source) for source in sources], out, info, read=read, force=force, dry_run=dry_run
            )
        else:
            if not owner:
                raise click.UsageError("--marketplace needs --owner (the name people see as the publisher)")
            market = MarketplaceInfo(name, Person(owner, owner_email), description, version)
            packed = pack_marketplace([Path(source) for source in sources], out, market, force=force, dry_run=dry_run)
    except _FAILURES as error:
        raise _fail(error, reporter) from None
    for placed in packed.placed:
        reporter.file("packed", placed.origin, placed.target, placed.diagnostics)
    if kind == "marketplace":
        for source in sources:
            reporter.file("packed", source, None, [])
    status = f"would be {packed.status}" if dry_run and packed.status != "unchanged" else packed.status
    what = f"{len(packed.placed)} agents" if kind == "plugin" else f"{len(sources)} plugins"
    _note(reporter, f"{kind} {name}: {what} in {out} ({status})")
    return reporter.finish("dry run" if dry_run else "packed")


# --- publish -----------------------------------------------------------------------------------


@click.command()
@click.argument("folder", type=PathArgument(exists=True, file_okay=False))
@click.argument("remote")
@click.option("--branch", "-b", help="Branch to publish to [default: the remote's default branch, else main].")
@click.option("--message", "-m", help="Commit message [default: 'Publish NAME VERSION, ...'].")
@click.option("--force", is_flag=True, help="Replace a published version's content (and move its tag).")
@click.option("--dry-run", is_flag=True, help="Build the commit and check versions, but push nothing.")
def publish(folder: str, remote: str, branch: str | None, message: str | None, force: bool, dry_run: bool) -> int:
    """Commit a packed plugin or marketplace FOLDER to the git REMOTE and push it.

    REMOTE is anything git accepts: https://host/team/market.git, git@host:team/market.git,
    file:///srv/market.git, or a local bare repository. git's own credentials are used.

    Publishing the same content again commits nothing. Each plugin version is tagged
    NAME@VERSION, so every published version stays installable. A published version is never
    silently replaced: changing a plugin without raising its version (or going back to an older
    one) is refused unless --force.

    \b
    Examples:
      agentport publish dist/market https://git.example.com/team/market.git
      agentport publish dist/market git@github.com:team/market.git --dry-run
    Then, in Claude Code:
      claude plugin marketplace add https://git.example.com/team/market.git
      claude plugin install reviewers@market
    """
    from ..publish.gitremote import publish as publish_folder
    from ..publish.plugin import manifest_kind, read_manifest

    try:
        result = publish_folder(Path(folder), remote, branch=branch, message=message, force=force, dry_run=dry_run)
    except _FAILURES as error:
        raise _fail(error) from None
    plugins = ", ".join(f"{plugin.name} {plugin.version}".strip() for plugin in result.plugins)
    if result.status == "unchanged":
        click.echo(f"unchanged: {remote} {result.branch} already holds {plugins} ({result.commit[:12]})", err=True)
        return 0
    tags = f"; tags {', '.join(result.tags)}" if result.tags else ""
    verb = "would publish" if dry_run else "published"
    click.echo(f"{verb} {plugins} to {remote} ({result.branch} @ {result.commit[:12]}{tags})", err=True)
    if manifest_kind(Path(folder)) == "marketplace" and not dry_run:
        market = read_manifest(Path(folder), "marketplace")["name"]
        first = result.plugins[0].name if result.plugins else "PLUGIN"
        click.echo(
            f"Claude Code: claude plugin marketplace add {remote} && claude plugin install {first}@{market}", err=True
        )
        click.echo(f"any dialect: agentport install {remote} {first} --to opencode", err=True)
    return 0


# --- install -----------------------------------------------------------------------------------


@click.command()
@click.argument("arguments", nargs=-1, metavar="[SOURCE PLUGIN] [DIR]")
@click.option("--to", "-t", "dialect", type=DIALECT, help="Dialect to install the agents as (needed with SOURCE).")
@click.option(
    "--ref", help="Branch, tag (e.g. reviewers@1.0.0) or commit of a git marketplace [default: its default branch]."
)
@_report_options
@_registry_options
def install(
    arguments: tuple[str, ...],
    dialect: str | None,
    ref: str | None,
    dry_run: bool,
    force: bool,
    strict: bool,
    fmt: str,
    quiet: bool,
    verbose: bool,
    **registry: Any,
) -> int:
    """Install a Claude Code marketplace plugin's agents into any dialect.

    SOURCE is a marketplace: a git URL (https, ssh, file://) or a local folder holding
    .claude-plugin/marketplace.json. PLUGIN is the name of one of its plugins. Its agents are
    converted into the --to dialect's layout under DIR (default: the current folder), with the
    usual loss report. Nothing is replaced that agentport did not install (or that was edited
    since) unless --force, and a failure leaves DIR as it was.

    DIR/agentport-lock.json records the source, the commit and every file's sha256. Without
    SOURCE and PLUGIN, 'agentport install [DIR]' installs again exactly what the lock records
    (same commits, same bytes), for every plugin and bundle in it.

    \b
    Examples:
      agentport install https://git.example.com/team/market.git reviewers --to opencode
      agentport install ../market reviewers --to copilot ~/src/app --dry-run
      agentport install https://git.example.com/team/market.git reviewers --to claude --ref reviewers@1.0.0
      agentport install          # reproduce what agentport-lock.json records
    """
    from ..publish.install import install as install_plugin
    from ..publish.install import install_from_lock

    reporter = Reporter(fmt=fmt, quiet=quiet, verbose=verbose, strict=strict)
    if len(arguments) in (2, 3):
        if dialect is None:
            raise click.UsageError("name the dialect to install into with --to (e.g. --to opencode)")
        source, plugin, root = arguments[0], arguments[1], Path(arguments[2] if len(arguments) == 3 else ".")
        try:
            results = [install_plugin(source, plugin, dialect, root, ref=ref, force=force, dry_run=dry_run)]
        except _FAILURES as error:
            raise _fail(error, reporter) from None
    elif len(arguments) <= 1:
        if ref or dialect:
            raise click.UsageError("--to and --ref go with SOURCE PLUGIN; the lock file already records both")
        root = Path(arguments[0] if arguments else ".")
        try:
            results = install_from_lock(root, force=force, dry_run=dry_run, access=_access(**registry))
        except _FAILURES as error:
            raise _fail(error, reporter) from None
    else:
        raise click.UsageError("expected SOURCE PLUGIN [DIR], or just [DIR] to install from the lock file")
    for result in results:
        _report_placed(reporter, result)
        revision = f" @ {result.entry.revision[:12]}" if result.entry.revision else ""
        version = f" {result.entry.version}" if result.entry.version else ""
        _note(reporter, f"{result.entry.title}{version}{revision} -> {result.entry.dialect} in {root}")
    return reporter.finish("dry run" if dry_run else "installed")


# --- push and pull -------------------------------------------------------------------------------


@click.command()
@click.argument("reference", metavar="REF")
@click.argument("sources", nargs=-1, required=True, type=PathArgument(exists=True))
@click.option("--from", "-f", "read", type=DIALECT, help="Dialect of the agent files (detected per file if omitted).")
@click.option("--version", "version", help="org.opencontainers.image.version [default: REF's tag, unless 'latest'].")
@click.option("--source", "source_url", help="org.opencontainers.image.source [default: git's origin URL].")
@click.option("--revision", help="org.opencontainers.image.revision [default: git's HEAD commit].")
@click.option("--description", help="org.opencontainers.image.description.")
@_report_options
@_registry_options
def push(
    reference: str,
    sources: tuple[str, ...],
    read: str | None,
    version: str | None,
    source_url: str | None,
    revision: str | None,
    description: str | None,
    dry_run: bool,
    force: bool,
    strict: bool,
    fmt: str,
    quiet: bool,
    verbose: bool,
    **registry: Any,
) -> int:
    """Push the agent files SOURCES to an OCI registry as an agentport bundle.

    REF is HOST/REPOSITORY:TAG (ghcr.io/team/agents:1.0.0, localhost:5000/agents:dev). The bundle
    holds each agent's neutral model as JSON and the original files byte for byte (format:
    docs/bundle-format.md). A tag that already holds the same agents is left alone; one holding
    anything else is replaced only with --force.

    Credentials come from --username/--password-stdin or --token, else the environment
    (AGENTPORT_REGISTRY_USERNAME and _PASSWORD, or _TOKEN), else Docker's config.json (read only;
    agentport never writes it). Failed requests (5xx, dropped connections) are retried with a
    short backoff.

    \b
    Examples:
      agentport push ghcr.io/team/agents:1.0.0 .claude/agents -u me --password-stdin < token.txt
      AGENTPORT_REGISTRY_TOKEN=... agentport push registry.example.com/agents:2.1.0 .opencode/agents
      agentport push localhost:5000/agents:dev agents/ --dry-run
    """
    from ..publish.oci import push as push_bundle

    reporter = Reporter(fmt=fmt, quiet=quiet, verbose=verbose, strict=strict)
    try:
        result = push_bundle(
            reference,
            [Path(source) for source in sources],
            read=read,
            version=version,
            source=source_url,
            revision=revision,
            description=description,
            access=_access(**registry),
            force=force,
            dry_run=dry_run,
        )
    except _FAILURES as error:
        raise _fail(error, reporter) from None
    for placed in result.placed:
        reporter.file("bundled", placed.origin, None, placed.diagnostics)
    agents = len(result.bundle.models)
    if result.status == "unchanged":
        _note(reporter, f"unchanged: {result.reference} already holds these {agents} agents ({result.digest})")
    else:
        _note(
            reporter, f"{'would push' if dry_run else 'pushed'} {agents} agents to {result.reference} ({result.digest})"
        )
    return reporter.finish("dry run" if dry_run else "pushed")


@click.command()
@click.argument("reference", metavar="REF")
@click.argument("directory", metavar="[DIR]", required=False, type=PathArgument(file_okay=False))
@click.option("--to", "-t", "dialect", type=DIALECT, required=True, help="Dialect to install the agents as.")
@_report_options
@_registry_options
def pull(
    reference: str,
    directory: str | None,
    dialect: str,
    dry_run: bool,
    force: bool,
    strict: bool,
    fmt: str,
    quiet: bool,
    verbose: bool,
    **registry: Any,
) -> int:
    """Pull an agentport bundle from an OCI registry and install its agents into any dialect.

    REF is HOST/REPOSITORY:TAG or HOST/REPOSITORY@sha256:DIGEST. The manifest and every blob are
    checked against their sha256 before anything is written; a damaged or tampered download is
    refused and nothing is installed. The agents are written in the --to dialect's layout under
    DIR (default: the current folder), and DIR/agentport-lock.json records the exact digest, so
    'agentport install' reproduces the pull.

    Credentials and retries work as for 'agentport push'.

    \b
    Examples:
      agentport pull ghcr.io/team/agents:1.0.0 --to opencode
      agentport pull localhost:5000/agents@sha256:4f1c... --to claude ~/src/app --dry-run
    """
    from ..publish.oci import pull as pull_bundle

    reporter = Reporter(fmt=fmt, quiet=quiet, verbose=verbose, strict=strict)
    root = Path(directory or ".")
    try:
        result = pull_bundle(reference, dialect, root, access=_access(**registry), force=force, dry_run=dry_run)
    except _FAILURES as error:
        raise _fail(error, reporter) from None
    _report_placed(reporter, result)
    _note(reporter, f"{reference} ({result.entry.revision}) -> {result.entry.dialect} in {root}")
    return reporter.finish("dry run" if dry_run else "pulled")
