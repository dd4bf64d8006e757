"""Checking agent files: their dialect's schema and everything its reader notices.

Each problem becomes a :class:`~agentport.diagnostics.Diagnostic` naming the line and column in
the file as written (YAML frontmatter, JSON or TOML), so editors and CI can point at it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from . import schemas
from .api import PathLike, read_text, reader_for
from .diagnostics import AgentportError, Code, Report
from .text import frontmatter, locate

if TYPE_CHECKING:
    from .dialects.base import Dialect


def validate_text(text: str, dialect: str | None = None, *, path: PathLike | None = None) -> Report:
    """Every problem in ``text`` (an agent file in ``dialect``, detected if omitted)."""
    where = os.fspath(path) if path is not None else None
    report = Report(where)
    try:
        reader, text, where, _ = reader_for(text, dialect, path, report)
        reader.read_all(text, path=where, report=report)
        documents = reader.schema_documents(text, where) if schemas.has_schema(reader.name) else []
    except AgentportError:
        return report  # the reader has reported why, with the line
    for location, data in documents:
        for problem in schemas.problems(reader.name, data):
            where_in_file = (*location, *problem.location)
            line, column = _position(reader, text, where_in_file)
            field = schemas.field_name(where_in_file) or None
            report.error(Code.SCHEMA, problem.message, field=field, line=line, column=column)
    by_line = Report(where)
    by_line.extend(sorted(report, key=lambda item: (item.line or 0, item.column or 0)))
    return by_line


def validate_file(path: PathLike, dialect: str | None = None) -> Report:
    """Every problem in the agent file at ``path``; a file that cannot be read is one error."""
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as error:
        report = Report(os.fspath(path))
        report.error(Code.INVALID_INPUT, f"{type(error).__name__}: {error}")
        return report
    return validate_text(text, dialect, path=path)


def validate_paths(paths: Iterable[PathLike], dialect: str | None = None) -> Iterator[Report]:
    """One report per agent file under ``paths``, folders searched as ``convert`` searches them."""
    from .bulk import discover

    for path in discover((Path(p) for p in paths), dialect):
        yield validate_file(path, dialect)


def _position(dialect: "Dialect", text: str, location: tuple[str | int, ...]) -> tuple[int, int]:
    from .dialects.base import MarkdownDialect

    if isinstance(dialect, MarkdownDialect):
        document = frontmatter.split(text)
        return locate.in_yaml(document.frontmatter or "", location, document.frontmatter_line)
    return locate.in_text(locate.kind_of(text, dialect.suffix), text, location)
