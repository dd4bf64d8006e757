"""The library: read, write, convert and detect agents. Nothing here prints, prompts or exits."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union

from . import registry
from .diagnostics import Code, Diagnostic, LossError, ParseError, Report
from .model import Agent
from .text import pagecopy
from .text.markdown import KEEP, Layout, relayout

if TYPE_CHECKING:
    from .dialects.base import Dialect

DialectLike = Union[str, "Dialect"]
PathLike = Union[str, "os.PathLike[str]"]


def dialects() -> list[str]:
    """Names of every dialect agentport can read and write, plugins included."""
    return registry.names()


def get_dialect(name: DialectLike) -> "Dialect":
    """The dialect object for ``name``; raises :class:`UnknownDialectError` with a suggestion."""
    return registry.get(name)


def detect(text: str | None = None, path: PathLike | None = None) -> str | None:
    """The dialect a file is written in, judged by its path and then its content, or ``None``."""
    names = registry.names()
    if path is not None:
        # Classes, not instances: a path match must not load every dialect's data.
        by_path = [name for name in names if registry.dialect_class(name).matches_path(os.fspath(path))]
        if len(by_path) == 1:
            return by_path[0]
        if by_path:
            names = by_path
    if text is None:
        return None
    if pagecopy.is_page_copy(text):
        text = pagecopy.recover(text, Report())
    candidates = [registry.get(name) for name in names]
    scores = [(dialect.looks_like(text), index, dialect.name) for index, dialect in enumerate(candidates)]
    best = max(scores, default=(0, 0, None))
    return best[2] if best[0] > 0 else None


def loads(
    text: str,
    dialect: DialectLike | None = None,
    *,
    path: PathLike | None = None,
    report: Report | None = None,
) -> Agent:
    """Read one agent from ``text``. Without ``dialect`` it is detected from path and content.

    Web page copies of agent files are recovered first. Diagnostics go to ``report``; a file
    that cannot be read raises :class:`ParseError` naming the line.
    """
    reader, text, where, report = reader_for(text, dialect, path, report)
    return reader.read(text, path=where, report=report)


def loads_all(
    text: str,
    dialect: DialectLike | None = None,
    *,
    path: PathLike | None = None,
    report: Report | None = None,
) -> list[Agent]:
    """Every agent in ``text``: several for files such as ``opencode.json`` or ``.roomodes``."""
    reader, text, where, report = reader_for(text, dialect, path, report)
    return reader.read_all(text, path=where, report=report)


def reader_for(
    text: str, dialect: DialectLike | None, path: PathLike | None, report: Report | None
) -> tuple["Dialect", str, str | None, Report]:
    """The dialect to read ``text`` with, the text itself (a page copy recovered), its path as
    text, and the report its diagnostics go to. No dialect fits: :class:`ParseError`."""
    where = os.fspath(path) if path else None
    report = report if report is not None else Report(where)
    if pagecopy.is_page_copy(text):
        text = pagecopy.recover(text, report)
    name = dialect if dialect is not None else detect(text, path)
    if name is None:
        report.error(Code.INVALID_INPUT, "cannot tell which dialect this file is written in; name it (--from on the command line)")
        raise ParseError(f"{path or '<input>'}: unknown dialect", list(report))
    return registry.get(name), text, where, report


def dumps_all(
    agents: "list[Agent]",
    dialect: DialectLike,
    *,
    existing: str | None = None,
    report: Report | None = None,
    layout: Layout = KEEP,
) -> str:
    """The text of a file holding ``agents`` in ``dialect``, merged into ``existing`` if given."""
    report = report if report is not None else Report()
    if not layout.is_identity:
        agents = [agent.replace(prompt=relayout(agent.prompt, layout, report)) for agent in agents]
    return registry.get(dialect).write_all(agents, existing=existing, report=report)


def load(path: PathLike, dialect: DialectLike | None = None, *, report: Report | None = None) -> Agent:
    """Read the agent file at ``path``."""
    return loads(read_text(path), dialect, path=path, report=report)


def dumps(
    agent: Agent,
    dialect: DialectLike,
    *,
    report: Report | None = None,
    layout: Layout = KEEP,
) -> str:
    """The text of ``agent`` in ``dialect``. An agent read from that dialect and not changed
    comes back byte for byte; an edited one keeps its comments and key order."""
    report = report if report is not None else Report()
    if not layout.is_identity:
        agent = agent.replace(prompt=relayout(agent.prompt, layout, report))
    return registry.get(dialect).write(agent, report=report)


def dump(
    agent: Agent,
    path: PathLike,
    dialect: DialectLike | None = None,
    *,
    report: Report | None = None,
    layout: Layout = KEEP,
    overwrite: bool = False,
) -> bool:
    """Write ``agent`` to ``path`` atomically; returns whether the file changed.

    The dialect defaults to the one ``path`` suggests. An existing file with other content is
    replaced only with ``overwrite=True`` (:class:`FileExistsError` otherwise).
    """
    from .files import Written, write_atomic

    name = dialect if dialect is not None else detect(path=path)
    if name is None:
        raise ValueError(f"cannot tell the dialect from the path {os.fspath(path)!r}; pass dialect=")
    written = write_atomic(Path(path), dumps(agent, name, report=report, layout=layout), overwrite=overwrite)
    return written is not Written.UNCHANGED


@dataclass(frozen=True)
class Conversion:
    """The outcome of :func:`convert`: the text written, and everything worth knowing."""

    text: str
    agent: Agent
    read: str
    write: str
    diagnostics: tuple[Diagnostic, ...]

    @property
    def lossless(self) -> bool:
        return not any(item.is_loss for item in self.diagnostics)


def convert(
    text: str,
    read: DialectLike | None = None,
    write: DialectLike = "opencode",
    *,
    path: PathLike | None = None,
    layout: Layout = KEEP,
    strict: bool = False,
) -> Conversion:
    """Convert one agent file's ``text`` from dialect ``read`` (detected if omitted) to ``write``.

    With ``strict=True`` any loss raises :class:`LossError` instead of being reported.
    """
    report = Report(os.fspath(path) if path else None)
    agent = loads(text, read, path=path, report=report)
    output = dumps(agent, write, report=report, layout=layout)
    diagnostics = tuple(report)
    if strict and any(item.is_loss for item in diagnostics):
        raise LossError(f"{path or '<input>'}: the conversion loses information", list(diagnostics))
    source = agent.source.dialect if agent.source else str(read)
    return Conversion(output, agent, source, registry.get(write).name, diagnostics)


def read_text(path: PathLike) -> str:
    """A file's text as written: UTF-8, line endings and byte order mark untouched."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()
