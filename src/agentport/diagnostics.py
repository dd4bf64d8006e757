"""One channel for everything a read or a conversion has to tell: losses, guesses, bad input.

Readers and writers never print and never raise for a loss: they add a :class:`Diagnostic` to
the :class:`Report` they were handed. The caller decides what a loss means (``--strict``).
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, replace
from typing import Any, Iterator


class Severity(enum.IntEnum):
    INFO = 10
    WARNING = 20
    ERROR = 30

    def __str__(self) -> str:
        return self.name.lower()


class Code(str, enum.Enum):
    """Stable identifiers of what was found; tests and ``--report json`` rely on them."""

    FIELD_DROPPED = "field-dropped"
    """The target dialect has no place for a field: its value is not in the output."""
    VALUE_APPROXIMATED = "value-approximated"
    """The target holds the field, but not this exact value: a close one was written."""
    UNKNOWN_TOOL = "unknown-tool"
    """A tool name the dialect does not define; kept in extras, never invented elsewhere."""
    UNKNOWN_MODEL = "unknown-model"
    """A model the maps do not know; kept as written where the target allows it."""
    MODEL_OVERRIDDEN = "model-overridden"
    """A sync target's ``models`` table replaced the agent's model with the one it names."""
    UNRESOLVED_REFERENCE = "unresolved-reference"
    """A field names a file holding its value (``{file:./x}``, ``file://x``): kept as written,
    so other dialects receive the reference, not the file's content."""
    LENIENT_YAML = "lenient-yaml"
    """Frontmatter that strict YAML rejects, read the way the agent tools read it."""
    INVALID_INPUT = "invalid-input"
    """The input cannot be read as an agent of the dialect."""
    INVALID_VALUE = "invalid-value"
    """A field has a value of the wrong type or outside its allowed set."""
    PAGE_COPY = "page-copy"
    """The file is a copy of a web page view of an agent; the source was recovered."""
    PAGE_COPY_LOSS = "page-copy-loss"
    """Something the web page view lost and recovery cannot restore."""
    REWRAP_REFUSED = "rewrap-refused"
    """Re-wrapping the prompt would change what it renders to; the prompt was kept as is."""
    SCHEMA = "schema"
    """The document does not satisfy the dialect's JSON Schema."""
    DUPLICATE_NAME = "duplicate-name"
    """Two sources give agents that land on one target (a file, or one entry of a many-agent
    file): neither is written, so that neither silently replaces the other."""
    UNSAFE_PATH = "unsafe-path"
    """A path from content that would lead outside its folder or through a link: refused."""

    def __str__(self) -> str:
        return self.value


LOSS_CODES = frozenset({Code.FIELD_DROPPED, Code.VALUE_APPROXIMATED, Code.UNKNOWN_TOOL})
"""Codes that mean the output does not say everything the input said."""


@dataclass(frozen=True)
class Diagnostic:
    code: Code
    severity: Severity
    message: str
    field: str | None = None
    path: str | None = None
    line: int | None = None
    column: int | None = None

    @property
    def is_loss(self) -> bool:
        return self.code in LOSS_CODES

    def location(self) -> str:
        parts = [self.path or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        where = f" {self.field}:" if self.field else ""
        return f"{self.location()}: {self.severity}[{self.code}]{where} {self.message}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["code"] = self.code.value
        data["severity"] = str(self.severity)
        return {key: value for key, value in data.items() if value is not None}


class Report:
    """The diagnostics of one read or conversion, in the order they were found."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self._items: list[Diagnostic] = []

    def add(
        self,
        code: Code,
        message: str,
        *,
        severity: Severity = Severity.WARNING,
        field: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self._items.append(Diagnostic(code, severity, message, field, self.path, line, column))

    def dropped(self, field: str, message: str, *, line: int | None = None) -> None:
        self.add(Code.FIELD_DROPPED, message, field=field, line=line)

    def approximated(self, field: str, message: str, *, line: int | None = None) -> None:
        self.add(Code.VALUE_APPROXIMATED, message, field=field, line=line)

    def error(self, code: Code, message: str, **where: Any) -> None:
        self.add(code, message, severity=Severity.ERROR, **where)

    def extend(self, diagnostics: "Report | list[Diagnostic]") -> None:
        for item in diagnostics:
            self._items.append(item if item.path or not self.path else replace(item, path=self.path))

    @property
    def has_errors(self) -> bool:
        return any(item.severity >= Severity.ERROR for item in self._items)

    @property
    def has_losses(self) -> bool:
        return any(item.is_loss for item in self._items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __repr__(self) -> str:
        return f"Report({self._items!r})"


class AgentportError(Exception):
    """Base of every error agentport raises on purpose."""


class ParseError(AgentportError):
    """The input is not a readable agent file; ``diagnostics`` say where and why."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics or []


class RenderError(AgentportError):
    """The agent cannot be written in the dialect (a name with nothing valid in it, say);
    ``diagnostics`` say where and why. Nothing is written."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics or []


class UnknownDialectError(AgentportError, ValueError):
    """A dialect name that no built-in dialect or installed plugin provides."""


class LossError(AgentportError):
    """Raised in strict mode when the output cannot say everything the input said."""

    def __init__(self, message: str, diagnostics: list[Diagnostic]) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics
