"""Agent files in and out of project layouts, through the library API only.

Packing and pushing read agents from files in any dialect (:func:`read_sources`); installing and
pulling write agents into a dialect's layout, such as ``.opencode/agents/NAME.md``
(:func:`render`). Every loss a conversion reports travels with the agent it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import api
from ..bulk import discover, project_root
from ..diagnostics import Diagnostic, Report
from ..model import Agent
from .errors import SourceError
from .tree import sha256


@dataclass(frozen=True)
class SourceFile:
    """One agent file as read: where it sits in its project, its dialect, bytes and agents."""

    path: str
    """Relative POSIX path inside the project, e.g. ``.claude/agents/review.md``."""
    dialect: str
    data: bytes
    agents: tuple[Agent, ...]
    diagnostics: tuple[Diagnostic, ...]


def read_sources(sources: Iterable[Path], read: str | None = None) -> list[SourceFile]:
    """Every agent file under ``sources`` (files, or folders searched like ``convert`` does).

    The dialect is ``read`` or detected per file. A file that cannot be read raises its
    :class:`ParseError`: a package must never be built from part of what was asked for.
    """
    files: list[SourceFile] = []
    for path in discover(list(sources), read):
        data = path.read_bytes()
        reader, text, where, report = api.reader_for(data.decode("utf-8"), read, path, Report(str(path)))
        agents = reader.read_all(text, path=where, report=report)
        try:
            relative = path.resolve().relative_to(project_root(path, read)).as_posix()
        except ValueError:
            relative = path.name
        files.append(SourceFile(relative, reader.name, data, tuple(agents), tuple(report)))
    if not files:
        raise SourceError(f"no agent files found in {', '.join(str(source) for source in sources)}")
    return files


SourcedAgent = tuple[str, Agent, Sequence[Diagnostic]]
"""An agent, the file it came from (its origin), and what reading that file reported."""


def load_agents(origin: str, data: bytes, dialect: str) -> list[SourcedAgent]:
    """The agents in one file; what reading it reported goes with the first of them."""
    agents: list[SourcedAgent] = []
    report = Report(origin)
    for agent in api.loads_all(data.decode("utf-8"), dialect, path=origin, report=report):
        agents.append((origin, agent, tuple(report)))
        report = Report(origin)
    return agents


@dataclass(frozen=True)
class Placed:
    """Where one agent went, and what writing it there lost."""

    name: str
    origin: str
    target: str
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class Rendering:
    """The files to write for a set of agents in one dialect's layout."""

    files: dict[str, bytes]
    merged: dict[str, str]
    """Files that hold many agents and were merged into their current content: path -> the
    digest of that content, which may therefore be replaced."""
    placed: tuple[Placed, ...]


def render(agents: Sequence[SourcedAgent], dialect: str, root: Path) -> Rendering:
    """Write each ``(origin, agent, read diagnostics)`` in ``dialect``'s layout under ``root``.

    Nothing is written to disk; ``root`` is read only to merge agents into a file that holds
    many (``opencode.json``-style dialects keep everything else in it).
    """
    target_dialect = api.get_dialect(dialect)
    by_target: dict[str, list[SourcedAgent]] = {}
    for entry in agents:
        by_target.setdefault(target_dialect.relative_path(entry[1]), []).append(entry)
    files: dict[str, bytes] = {}
    merged: dict[str, str] = {}
    placed: list[Placed] = []
    for target, entries in by_target.items():
        report = Report(target)
        if target_dialect.holds_many:
            existing_path = root / target
            existing = api.read_text(existing_path) if existing_path.is_file() else None
            text = api.dumps_all([agent for _, agent, _ in entries], target_dialect, existing=existing, report=report)
            if existing is not None:
                merged[target] = sha256(existing_path.read_bytes())
        elif len(entries) > 1:
            origins = ", ".join(origin for origin, _, _ in entries)
            raise SourceError(f"{origins} would all be written to {target}: agent names must differ")
        else:
            text = api.dumps(entries[0][1], target_dialect, report=report)
        files[target] = text.encode("utf-8")
        written = tuple(report)
        for index, (origin, agent, read_diagnostics) in enumerate(entries):
            placed.append(Placed(agent.name, origin, target, (*read_diagnostics, *(written if index == 0 else ()))))
    return Rendering(files, merged, tuple(placed))
