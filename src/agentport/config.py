"""The sync configuration: ``agentport.toml``, or ``[tool.agentport]`` in ``pyproject.toml``.

One source folder of agents in one dialect, and targets: each a dialect written into a project
folder in that dialect's conventional layout, with its own options. Paths are relative to the
folder of the file the configuration is read from::

    [source]
    dialect = "claude"
    path = ".claude/agents"        # default: the dialect's own folder
    exclude = ["README.md"]        # files in the folder that are not agents (path globs)

    [targets.opencode]             # the table's name is the dialect unless `dialect` is given
    root = "."                     # project folder: files go to its .opencode/agents/
    wrap = 100                     # re-wrap prompts: "keep" (default), "no" or a column
    numbering = "one"              # ordered lists when re-wrapping: keep, one, consecutive
    models = { sonnet = "github-copilot/claude-sonnet-4" }   # model family (or id) -> model
    include = ["*"]                # agent names or globs
    exclude = ["draft-*"]

Read with ``tomllib``; :func:`starter` writes a commented configuration with ``tomlkit``.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import posixpath
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from . import containment, registry
from .diagnostics import AgentportError, UnknownDialectError
from .model import Agent
from .text.markdown import KEEP, Layout, Wrap

if TYPE_CHECKING:
    from .dialects.base import Dialect

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_FILE = "agentport.toml"
PYPROJECT = "pyproject.toml"
DEFAULT_MANIFEST = ".agentport/manifest.tsv"
_NUMBERINGS = ("keep", "one", "consecutive")


class ConfigError(AgentportError):
    """The configuration cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class SourceFolder:
    """Where the agents are written by hand, and in which dialect."""

    dialect: str
    path: str
    """Relative to the configuration's folder, ``/``-separated."""
    exclude: tuple[str, ...] = ()
    """Globs over paths inside the folder: files there that are not agents."""

    def skips(self, relative: str) -> bool:
        """Whether the file at ``relative`` (inside the folder) is excluded."""
        name = relative.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatchcase(relative, p) or fnmatch.fnmatchcase(name, p) for p in self.exclude)


@dataclass(frozen=True)
class Target:
    """One generated tool folder: a dialect, where its project is, and how to write it."""

    name: str
    dialect: str
    root: str
    """The project folder, relative to the configuration's folder (``.`` for that folder)."""
    layout: Layout = KEEP
    models: Mapping[str, str] | None = None
    """Model family alias (or model id) -> the model this target's agents use instead."""
    include: tuple[str, ...] = ()
    """Agent names or globs to generate; empty means every agent."""
    exclude: tuple[str, ...] = ()

    def wants(self, agent_name: str) -> bool:
        """Whether this target generates the agent called ``agent_name``."""
        if self.include and not any(fnmatch.fnmatchcase(agent_name, p) for p in self.include):
            return False
        return not any(fnmatch.fnmatchcase(agent_name, p) for p in self.exclude)


@dataclass(frozen=True)
class Config:
    file: Path
    """The file the configuration was read from."""
    source: SourceFolder
    targets: tuple[Target, ...]
    manifest: str = DEFAULT_MANIFEST
    """Where sync records the files it generated, relative to :attr:`root`."""

    @property
    def root(self) -> Path:
        """The folder every configured path is relative to."""
        return self.file.parent


def find(start: Path) -> Path | None:
    """The configuration for ``start``: ``agentport.toml``, or a ``pyproject.toml`` with a
    ``[tool.agentport]`` table, in ``start`` or the nearest folder above it, not looking past
    the repository's top folder."""
    folder = start.resolve()
    while True:
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and has_tool_table(pyproject):
            return pyproject
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


def has_tool_table(pyproject: Path) -> bool:
    """Whether ``pyproject`` has a ``[tool.agentport]`` table."""
    try:
        return "agentport" in _read_toml(pyproject).get("tool", {})
    except ConfigError:
        return False


def load(path: Path) -> Config:
    """The configuration in ``path`` (an ``agentport.toml`` or a ``pyproject.toml``)."""
    path = path.resolve()
    data = _read_toml(path)
    if path.name == PYPROJECT:
        table = data.get("tool", {}).get("agentport")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: no [tool.agentport] table")
        return parse(table, path, prefix="tool.agentport.")
    return parse(data, path)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror or error}") from None


def parse(data: Mapping[str, Any], file: Path, *, prefix: str = "") -> Config:
    """The configuration that ``data`` (a TOML table read from ``file``) describes."""
    reader = _Reader(file, prefix)
    top = reader.table(data, "", ("source", "targets", "manifest"))
    source = _source(reader, top.get("source"))
    targets_table = reader.table(top.get("targets"), "targets", None)
    if not targets_table:
        reader.fail("targets", "no targets: add a [targets.<dialect>] table (for example [targets.opencode])")
    targets = tuple(_target(reader, name, value) for name, value in targets_table.items())
    manifest = reader.relative_path(top.get("manifest", DEFAULT_MANIFEST), "manifest")
    config = Config(file, source, targets, manifest)
    _check_overlaps(reader, config)
    return config


def _source(reader: _Reader, value: Any) -> SourceFolder:
    if value is None:
        reader.fail("source", 'missing: add a [source] table with dialect = "claude" (or another dialect)')
    table = reader.table(value, "source", ("dialect", "path", "exclude"))
    if "dialect" not in table:
        reader.fail("source.dialect", "missing: which dialect the source agents are written in")
    dialect = reader.dialect(table["dialect"], "source.dialect")
    path = reader.relative_path(table.get("path", home(registry.get(dialect))), "source.path")
    return SourceFolder(dialect, path, reader.globs(table.get("exclude"), "source.exclude"))


def _target(reader: _Reader, name: str, value: Any) -> Target:
    key = f"targets.{name}"
    options = ("dialect", "root", "wrap", "numbering", "models", "include", "exclude")
    table = reader.table(value, key, options)
    dialect = reader.dialect(table.get("dialect", name), f"{key}.dialect")
    models = reader.table(table.get("models"), f"{key}.models", None)
    for alias, model in models.items():
        if not isinstance(model, str) or not model.strip():
            reader.fail(f"{key}.models.{alias}", f"expected a model id such as 'provider/model', found {_short(model)}")
    return Target(
        name=name,
        dialect=dialect,
        root=reader.relative_path(table.get("root", "."), f"{key}.root"),
        layout=Layout(
            wrap=reader.wrap(table.get("wrap", "keep"), f"{key}.wrap"),
            numbering=reader.choice(table.get("numbering"), _NUMBERINGS, f"{key}.numbering"),  # type: ignore[arg-type]
        ),
        models=dict(models) or None,
        include=reader.globs(table.get("include"), f"{key}.include"),
        exclude=reader.globs(table.get("exclude"), f"{key}.exclude"),
    )


def home(dialect: Dialect) -> str:
    """Where a dialect's agents live in a project: its agents folder, or the one file that
    holds them all."""
    if dialect.holds_many:
        return dialect.relative_path(Agent(name="agent"))  # the same file for every agent
    return dialect.agents_dir


def written_by(target: Target) -> str:
    """The folder (or the one file) a target writes, relative to the configuration's folder."""
    return posixpath.normpath(posixpath.join(target.root, home(registry.get(target.dialect))))


def _check_overlaps(reader: _Reader, config: Config) -> None:
    """Two targets writing the same folder, or a target writing into the source, would
    overwrite each other's files (or the agents themselves) on every run."""
    seen: dict[str, str] = {}
    source = config.source.path
    for target in config.targets:
        folder = written_by(target)
        if folder in seen:
            reader.fail(f"targets.{target.name}", f"writes {folder}, as targets.{seen[folder]} does")
        seen[folder] = target.name
        if _inside(folder, source) or _inside(source, folder):
            reader.fail(f"targets.{target.name}", f"writes {folder}, which overlaps the source {source}")


def _inside(path: str, folder: str) -> bool:
    return folder == "." or path == folder or path.startswith(folder.rstrip("/") + "/")


class _Reader:
    """Checks values one key at a time; every error names the file and the key."""

    def __init__(self, file: Path, prefix: str) -> None:
        self.file = file
        self.prefix = prefix

    def fail(self, key: str, message: str) -> Any:
        raise ConfigError(f"{self.file}: {self.prefix}{key}: {message}")

    def table(self, value: Any, key: str, allowed: tuple[str, ...] | None) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(key or "(top level)", f"expected a table, found {_short(value)}")
        for name in value:
            if allowed is not None and name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(allowed)}"
                self.fail(f"{key}.{name}" if key else name, f"unknown key{hint}")
        return value

    def dialect(self, value: Any, key: str) -> str:
        if not isinstance(value, str):
            self.fail(key, f"expected a dialect name, found {_short(value)}")
        try:
            return registry.get(value).name
        except UnknownDialectError as error:
            return self.fail(key, str(error))

    def relative_path(self, value: Any, key: str) -> str:
        """A path inside the configuration's folder (``.`` is the folder itself): a configuration
        may come with a repository someone sent, so it never points elsewhere."""
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"expected a path, found {_short(value)}")
        if os.path.isabs(value):
            self.fail(key, f"'{value}' is absolute; write it relative to {self.file.name}'s folder")
        if posixpath.normpath(value) == ".":
            return "."
        try:
            return containment.relative(value)
        except containment.UnsafePathError as error:
            return self.fail(key, f"{error.reason}; paths stay inside {self.file.name}'s folder")

    def globs(self, value: Any, key: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            self.fail(key, f"expected a list of names or globs, found {_short(value)}")
        return tuple(value)

    def wrap(self, value: Any, key: str) -> Wrap:
        if value in ("keep", "no") or (isinstance(value, int) and not isinstance(value, bool) and value >= 20):
            return value
        return self.fail(key, f'expected "keep", "no" or a column of at least 20, found {_short(value)}')

    def choice(self, value: Any, choices: tuple[str, ...], key: str) -> str | None:
        if value is None or value in choices:
            return value
        return self.fail(key, f"expected one of {', '.join(choices)}, found {_short(value)}")


# --- a starter configuration, for ``agentport init`` -----------------------------------------


@dataclass(frozen=True)
class Found:
    """A dialect's agents folder that exists in the repository, and how many agents it holds."""

    dialect: str
    path: str
    count: int


def detect(root: Path) -> list[Found]:
    """The dialect folders under ``root`` that hold agent files, the fullest first."""
    found = []
    for dialect in registry.all_dialects():
        path = home(dialect)
        if dialect.holds_many:
            if (root / path).is_file():
                found.append(Found(dialect.name, path, 1))
        elif (root / path).is_dir():
            count = sum(1 for _, _, files in os.walk(root / path) for name in files if name.endswith(dialect.suffix))
            found.append(Found(dialect.name, path, count))
    return sorted(found, key=lambda item: -item.count)


def starter(found: list[Found], dialects: list[str]) -> Any:
    """The configuration ``init`` writes, as a commented tomlkit table (the top-level keys of
    ``agentport.toml``, or the ``[tool.agentport]`` table of ``pyproject.toml``)."""
    import tomlkit

    with_agents = [item for item in found if item.count]
    source = with_agents[0] if with_agents else Found("claude", home(registry.get("claude")), 0)
    others = [item.dialect for item in found if item.dialect != source.dialect]
    target_names = others or [next(name for name in ("opencode", "claude") if name != source.dialect)]

    config = tomlkit.table()
    source_table = tomlkit.table()
    source_table.add(tomlkit.comment("The agents you write by hand, and the dialect they are written in."))
    source_table.add("dialect", source.dialect)
    source_table.add("path", source.path)
    source_table["path"].comment(f"{source.count} agent files found" if source.count else "no agents found yet")
    source_table.add(tomlkit.comment('exclude = ["README.md"]      # files in that folder that are not agents'))
    config.add("source", source_table)

    targets = tomlkit.table(is_super_table=True)
    for index, name in enumerate(target_names):
        table = tomlkit.table()
        if index == 0:
            table.add(tomlkit.comment("One table per generated tool; the table's name is its dialect."))
            table.add(tomlkit.comment(f"Dialects: {', '.join(dialects)}."))
        table.add("root", ".")
        table["root"].comment(f"writes {home(registry.get(name))} in this folder")
        if index == 0:
            for line in _OPTION_COMMENTS:
                table.add(tomlkit.comment(line))
        targets.add(name, table)
    config.add("targets", targets)
    return config


_OPTION_COMMENTS = (
    'wrap = 100                    # re-wrap prompts at a column ("keep": as written, "no": one line a paragraph)',
    'models = { sonnet = "github-copilot/claude-sonnet-4" }   # model family -> the model this tool uses',
    'include = ["*"]               # agent names or globs to generate (default: all)',
    'exclude = ["draft-*"]         # agent names or globs to leave out',
)


def render_starter(table: Any, existing_pyproject: str | None = None) -> str:
    """The text of a new ``agentport.toml`` holding ``table``, or of ``existing_pyproject``
    with ``table`` added as ``[tool.agentport]`` (everything else in it kept as written)."""
    import tomlkit

    if existing_pyproject is None:
        document = tomlkit.document()
        document.add(tomlkit.comment("agentport sync: every tool's agent folder generated from one source folder."))
        document.add(tomlkit.comment("Paths are relative to this file. `agentport sync --dry-run` shows the plan."))
        document.add(tomlkit.nl())
        for key, value in table.items():
            document.add(key, value)
        return tomlkit.dumps(document)
    document = tomlkit.parse(existing_pyproject)
    if "tool" not in document:
        document.add("tool", tomlkit.table(is_super_table=True))
    document["tool"]["agentport"] = table
    return tomlkit.dumps(document)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
