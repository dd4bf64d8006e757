"""What every dialect is, and the machinery the field-mapping dialects share.

A dialect is a reader and a writer around the neutral :class:`~agentport.model.Agent`. Most
dialects are a mapping of fields in some file format (YAML frontmatter over a Markdown prompt,
JSON, TOML): they implement :meth:`FieldDialect.parse` and :meth:`FieldDialect.render` for the
fields, and three hooks for the format. :class:`FieldDialect` does the rest - byte-exact
write-back of an unchanged agent, in-place edits that keep comments and key order, and
reporting fields of other dialects that the target cannot hold. :class:`MarkdownDialect`
implements the hooks once for every Markdown dialect.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, ClassVar, Mapping, Sequence

from .. import containment, mappings, names, schemas
from ..diagnostics import Code, ParseError, RenderError, Report, Severity
from ..model import NEUTRAL_FIELDS, Agent, as_read, changed_fields
from ..text import frontmatter, jsonc, yamlio
from ..text.yamlio import DELETE

_MISSING = object()


class Dialect:
    """One agent file format. Subclasses set the class attributes and implement read/write."""

    name: ClassVar[str]
    """Registry key, also the ``formats/<name>/`` folder and the ``extras`` key."""
    title: ClassVar[str]
    """Human name of the tool, for tables and messages."""
    agents_dir: ClassVar[str]
    """Where the tool looks for agents in a project, e.g. ``.claude/agents``."""
    suffix: ClassVar[str] = ".md"
    """The file name ending of one agent file."""
    patterns: ClassVar[tuple[str, ...]] = ()
    """Path globs (matched against the path's end) that identify the dialect's files."""
    notes: ClassVar[str] = ""
    _compiled_patterns: ClassVar["re.Pattern[str]"]
    expresses: ClassVar[frozenset[str]] = frozenset()
    """The neutral fields this dialect can hold; conversions compare agents on these."""

    holds_many: ClassVar[bool] = False
    """One file holds many agents (``opencode.json``, ``.roomodes``): read_all and write_all
    are the real interface, and every agent of the dialect goes to :meth:`relative_path`."""
    names_from: ClassVar[str | None] = None
    """The dialect whose ``formats/<name>/mappings.toml`` states this one's name rule (its
    ``[agent_names]`` table), when not its own."""

    @functools.cached_property
    def name_rule(self) -> names.NameRule:
        """The names the tool accepts (see :mod:`agentport.names`)."""
        return names.from_table(mappings.table(self.names_from or self.name).get("agent_names", {}))

    def valid_name(self, name: str) -> str:
        """``name``, or the closest name the tool accepts; :class:`RenderError` if none is."""
        valid = self.name_rule.make_valid(name)
        if valid is None:
            raise RenderError(f"'{_short_text(name)}' cannot be made a {self.title} name ({self.name_rule.description})")
        return valid

    def read(self, text: str, *, path: str | None = None, report: Report) -> Agent:
        raise NotImplementedError

    def write(self, agent: Agent, *, report: Report) -> str:
        raise NotImplementedError

    def read_all(self, text: str, *, path: str | None = None, report: Report) -> list[Agent]:
        """Every agent in ``text``: one for a one-agent-per-file dialect."""
        return [self.read(text, path=path, report=report)]

    def write_all(self, agents: Sequence[Agent], *, existing: str | None = None, report: Report) -> str:
        """The file holding ``agents``. A many-agent dialect merges them into ``existing`` (the
        file's current text), keeping everything else in it as written."""
        if len(agents) != 1:
            raise ValueError(f"a {self.title} file holds one agent, not {len(agents)}")
        return self.write(agents[0], report=report)

    def looks_like(self, text: str) -> int:
        """How strongly ``text`` alone suggests this dialect (0 = not at all)."""
        return 0

    def schema_documents(self, text: str, path: str | None) -> list[tuple[tuple[str | int, ...], Any]]:
        """The parts of ``text`` that ``formats/<name>/schema.json`` describes, each with where it
        sits (keys and indexes from the top of the file), for ``agentport validate``."""
        return []

    @classmethod
    def matches_path(cls, path: str) -> bool:
        return cls._path_pattern().match(path.replace("\\", "/")) is not None

    @classmethod
    def _path_pattern(cls) -> re.Pattern[str]:
        # One compiled regex per dialect: detection runs once per file in bulk conversions.
        compiled = cls.__dict__.get("_compiled_patterns")
        if compiled is None:
            compiled = re.compile("|".join(map(fnmatch.translate, cls.patterns)) or "(?!)")
            cls._compiled_patterns = compiled
        return compiled

    def layout(self) -> str:
        """Where the tool keeps its agents, for people: ``.claude/agents/NAME.md``."""
        return f"{self.agents_dir}/NAME{self.suffix}" if not self.holds_many else self.relative_path(Agent(name="NAME"))

    def name_from_path(self, path: str) -> str:
        """The agent name a file's path gives, relative to the dialect's agents folder."""
        posix = path.replace("\\", "/")
        marker = f"{self.agents_dir}/"
        relative = posix.split(marker, 1)[1] if marker in posix else PurePosixPath(posix).name
        return relative[: -len(self.suffix)] if relative.endswith(self.suffix) else relative

    def relative_path(self, agent: Agent) -> str:
        """Where ``agent`` goes in a project laid out for this dialect: its file is named after
        the name the tool accepts, so the file and the name in it agree. A name that cannot be
        made one, or a path leaving the project, is an :class:`~agentport.diagnostics.AgentportError`."""
        relative = f"{self.agents_dir}/{self.valid_name(agent.name)}{self.suffix}"
        return containment.relative(relative, what="agent file path")

    def __repr__(self) -> str:
        return f"<dialect {self.name}>"


@dataclass(frozen=True)
class Parsed:
    """A file as a mapping of fields, with what diagnostics and byte-exact output need."""

    data: dict[str, Any]
    prompt: str | None = None
    """The prompt when the format keeps it outside ``data`` (a Markdown body)."""
    lines: Mapping[str, int] = field(default_factory=dict)
    """File line of each top-level key, for diagnostics."""
    hints: Mapping[str, Any] = field(default_factory=dict)
    """Layout to keep when the agent is written anew (line ending, byte order mark...)."""


class FieldDialect(Dialect):
    """A dialect whose file is one mapping of fields (plus, for Markdown, a prompt body).

    Subclasses map fields to the neutral model in :meth:`parse` and back in :meth:`render`, and
    say how their file format is parsed, emitted fresh, and edited in place (:meth:`parse_file`,
    :meth:`emit_file`, :meth:`edit_file`). This class does the rest: an unchanged agent is
    written back byte for byte; an edited one changes only the keys whose rendering changed;
    fields of other dialects that the target cannot hold are reported.
    """

    extras_keys: ClassVar[tuple[str, ...]] = ()
    """Other dialects whose extras this one also restores (a fork shares its parent's keys)."""
    markers: ClassVar[tuple[str, ...]] = ()
    """Top-level keys whose presence suggests this dialect, for content detection."""
    signature: ClassVar[tuple[str, ...]] = ()
    """Keys only this dialect uses. A dialect that names some is detected by them: without one
    (see :meth:`MarkdownDialect.has_signature`) a text does not suggest it at all; with one, its
    score is the number of its own keys (``markers``) present minus the number of keys it does
    not know, so that keys it shares with an older dialect never outvote that dialect."""
    _fields_by_key: ClassVar[Mapping[str, str]]
    field_keys: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    """Neutral field -> the keys that hold it in this dialect's files, where the names differ;
    lets a conversion's diagnostics point at the source line of the field they speak of."""

    # --- fields: to implement --------------------------------------------------------------

    def parse(self, data: dict[str, Any], context: "ReadContext") -> Agent:
        """Build the agent from the file's fields (keys not consumed go to extras)."""
        raise NotImplementedError

    def render(self, agent: Agent, context: "WriteContext") -> dict[str, Any]:
        """The file's fields for ``agent``, reporting what it cannot hold."""
        raise NotImplementedError

    # --- file format: to implement ---------------------------------------------------------

    def parse_file(self, text: str, path: str | None, report: Report) -> Parsed:
        raise NotImplementedError

    def emit_file(self, data: dict[str, Any], agent: Agent, hints: Mapping[str, Any]) -> str:
        """A new file for the rendered ``data`` (and ``agent.prompt`` where it lives outside)."""
        raise NotImplementedError

    def edit_file(self, text: str, edits: dict[str, Any], agent: Agent, render: dict[str, Any]) -> str:
        """``text`` with ``edits`` applied (``DELETE`` removes a key) and, if it changed, the
        agent's prompt; everything else as written. ``render`` is the full new rendering, for
        a file the in-place editor cannot parse."""
        raise NotImplementedError

    # --- shared machinery ----------------------------------------------------------------

    def schema_documents(self, text: str, path: str | None) -> list[tuple[tuple[str | int, ...], Any]]:
        if self.holds_many:
            return []  # a many-agent dialect knows where its entries are: it overrides this
        return [((), self.parse_file(text, path, Report()).data)]

    def read(self, text: str, *, path: str | None = None, report: Report) -> Agent:
        parsed = self.parse_file(text, path, report)
        context = ReadContext(self, parsed, path, report)
        agent = self.parse(dict(parsed.data), context)
        self._check_name(agent.name, context)
        hints = {**parsed.hints, **context.hints, "lines": self._field_lines(parsed.lines)}
        return agent.with_source(self.name, text, path, hints)

    def _check_name(self, name: str, context: "ReadContext") -> None:
        """Warn when the file names its agent in a way the tool itself rejects."""
        rule = self.name_rule
        if not rule.file_only and not rule.accepts(name):
            context.warn(
                Code.INVALID_VALUE, "name",
                f"'{_short_text(name)}': {self.title} names are {rule.description}; the tool may reject this agent",
            )

    def _field_lines(self, key_lines: Mapping[str, int]) -> dict[str, int]:
        """Source line of each neutral field and of each key (``claude.tools`` style)."""
        lines = {f"{self.name}.{key}": line for key, line in key_lines.items()}
        for key, line in key_lines.items():
            field = self._field_of_key().get(key)
            if field is not None:
                lines.setdefault(field, line)
        return lines

    @classmethod
    def _field_of_key(cls) -> Mapping[str, str]:
        found = cls.__dict__.get("_fields_by_key")
        if found is None:
            found = {}
            for field in NEUTRAL_FIELDS:
                for key in cls.field_keys.get(field, (field,)):
                    found.setdefault(key, field)
            cls._fields_by_key = found
        return found

    def write(self, agent: Agent, *, report: Report) -> str:
        source = agent.source
        if source is None or source.dialect != self.name:
            context = WriteContext(self, report, {}, _source_lines(agent))
            agent = self.named_validly(agent, context)
            data = self.render(agent, context)
            self._report_foreign_extras(agent, report)
            schemas.require_valid(self, data, report)  # like mdformat's --validate: check before writing
            return self.emit_file(data, agent, source.hints if source is not None else {})
        changed = changed_fields(agent)
        if not changed:
            return source.text
        original = as_read(agent)
        assert original is not None
        context = WriteContext(self, report, source.hints, _source_lines(agent))
        if "name" in changed:
            agent = self.named_validly(agent, context)
        before = self.render(original, WriteContext(self, Report(), source.hints))
        after = self.render(agent, context)
        return self.edit_file(source.text, field_edits(before, after), agent, after)

    def named_validly(self, agent: Agent, context: "WriteContext") -> Agent:
        """``agent`` under the name the tool accepts (reported when it differs); a name that
        cannot be made valid is an error."""
        rule = self.name_rule
        valid = rule.make_valid(agent.name)
        if valid is None:
            message = f"'{_short_text(agent.name)}' has nothing a {self.title} name can hold ({rule.description})"
            context.report.error(Code.INVALID_VALUE, message, field="name", line=context.line_of("name"))
            raise RenderError(f"{context.report.path or '<input>'}: {message}", list(context.report))
        if valid == agent.name or rule.file_only:
            return agent
        context.approximated("name", f"'{agent.name}': {self.title} names are {rule.description}; written as '{valid}'")
        return agent.replace(name=valid)

    def _report_foreign_extras(self, agent: Agent, report: Report) -> None:
        own = (self.name, *self.extras_keys)
        for dialect, fields in agent.extras.items():
            if dialect in own:
                continue
            lines = _source_lines(agent)
            for key, value in fields.items():
                field = f"{dialect}.{key}"
                report.dropped(field, f"{_short(value)} has no equivalent in {self.title}", line=lines.get(field))


def field_edits(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The keys to set (new value) or remove (``DELETE``) to turn ``before`` into ``after``."""
    edits = {key: value for key, value in after.items() if before.get(key, _MISSING) != value}
    edits.update({key: DELETE for key in before if key not in after})
    return edits


class MarkdownDialect(FieldDialect):
    """A dialect whose files are Markdown prompts with YAML frontmatter."""

    def parse_file(self, text: str, path: str | None, report: Report) -> Parsed:
        document = frontmatter.split(text)
        if document.frontmatter is None:
            report.error(
                Code.INVALID_INPUT,
                f"no YAML frontmatter: a {self.title} agent file starts with a '---' line",
                line=1,
            )
            raise ParseError(f"{path or '<input>'}: no frontmatter", list(report))
        data = yamlio.read_mapping(document.frontmatter, first_line=document.frontmatter_line, report=report)
        return Parsed(
            data,
            prompt=document.prompt,
            lines=_key_lines(document.frontmatter, document.frontmatter_line),
            hints={"newline": document.newline, "bom": document.bom},
        )

    def emit_file(self, data: dict[str, Any], agent: Agent, hints: Mapping[str, Any]) -> str:
        return frontmatter.join(
            yamlio.dump_mapping(data),
            frontmatter.body_for_prompt(agent.prompt),
            newline=hints.get("newline", "\n"),
            bom=hints.get("bom", False),
        )

    def edit_file(self, text: str, edits: dict[str, Any], agent: Agent, render: dict[str, Any]) -> str:
        document = frontmatter.split(text)
        yaml_text = document.frontmatter
        if edits or yaml_text is None:
            yaml_text = yamlio.edit_mapping(yaml_text or "", edits, fallback=lambda: yamlio.dump_mapping(render))
        body = document.body
        if document.prompt != agent.prompt:
            body = _replace_prompt(body, agent.prompt)
        return frontmatter.join(yaml_text, body, newline=document.newline, bom=document.bom)

    def looks_like(self, text: str) -> int:
        document = frontmatter.split(text[:8192])
        if document.frontmatter is None:
            return 0
        keys = {match.group(1) for match in _KEY.finditer(document.frontmatter)}
        if not self.signature:
            return sum(1 for key in self.markers if key in keys)
        if not self.has_signature(document.frontmatter, keys):
            return 0
        known = len(keys.intersection((*self.markers, *self.signature)))
        return max(0, 2 * known - len(keys))

    def has_signature(self, frontmatter_text: str, keys: set[str]) -> bool:
        """Whether the frontmatter shows one of the marks only this dialect makes."""
        return not keys.isdisjoint(self.signature)


class JsonDialect(FieldDialect):
    """A dialect whose files are one JSON object each (comments and trailing commas are read,
    as JSONC readers allow them). The prompt is one of the fields."""

    suffix = ".json"

    def parse_file(self, text: str, path: str | None, report: Report) -> Parsed:
        try:
            document = jsonc.parse(text)
        except jsonc.JsoncError as error:
            report.error(Code.INVALID_INPUT, f"invalid JSON: {error.message}", line=error.line, column=error.column)
            raise ParseError(f"{path or '<input>'}: invalid JSON at line {error.line}", list(report)) from None
        if not isinstance(document.data, dict):
            report.error(Code.INVALID_INPUT, f"a {self.title} file holds a JSON object, not {type(document.data).__name__}", line=1)
            raise ParseError(f"{path or '<input>'}: not a JSON object", list(report))
        hints = {"newline": "\r\n" if "\r\n" in text else "\n", "bom": text.startswith(frontmatter.BOM)}
        return Parsed(dict(document.data), lines=document.key_lines(), hints=hints)

    def emit_file(self, data: dict[str, Any], agent: Agent, hints: Mapping[str, Any]) -> str:
        newline = hints.get("newline", "\n")
        text = jsonc.dumps(data, newline=newline) + newline
        return frontmatter.BOM + text if hints.get("bom") else text

    def edit_file(self, text: str, edits: dict[str, Any], agent: Agent, render: dict[str, Any]) -> str:
        return jsonc.edit(text, {(key,): jsonc.DELETE if value is DELETE else value for key, value in edits.items()})

    def looks_like(self, text: str) -> int:
        keys = set(_JSON_KEY.findall(text[:8192]))
        return sum(1 for key in self.markers if key in keys)


_JSON_KEY = re.compile(r'"([A-Za-z_$][\w$-]*)"\s*:')
_KEY = re.compile(r"^([A-Za-z_][\w-]*):", re.MULTILINE)
_LEADING_BLANK = re.compile(r"\A(?:[ \t]*\n)*")


def _replace_prompt(body: str, prompt: str) -> str:
    """``body`` with its prompt replaced, keeping the blank lines around it as the file had."""
    if not body.strip():
        return frontmatter.body_for_prompt(prompt)
    leading = _LEADING_BLANK.match(body).group(0)  # type: ignore[union-attr]
    trailing = body[len(body.rstrip()) :]
    return f"{leading}{prompt}{trailing}"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _short_text(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ReadContext:
    """What a dialect's ``parse`` needs besides the data: where it is, how to report."""

    def __init__(self, dialect: Dialect, parsed: Parsed, path: str | None, report: Report) -> None:
        self.dialect = dialect
        self.path = path
        self.report = report
        self.prompt = parsed.prompt or ""
        self.hints: dict[str, Any] = {}
        self._lines = parsed.lines

    def line_of(self, key: str) -> int | None:
        """The file line of top-level ``key``, for diagnostics."""
        return self._lines.get(key)

    def warn(self, code: Code, key: str, message: str, severity: Severity = Severity.WARNING) -> None:
        self.report.add(code, message, field=key, line=self.line_of(key), severity=severity)

    def invalid(self, key: str, expected: str, value: Any) -> None:
        """Report a value of the wrong type; the caller keeps it in extras."""
        self.warn(Code.INVALID_VALUE, key, f"expected {expected}, found {_short(value)}; kept as written")

    def required_name(self, data: dict[str, Any]) -> tuple[str, bool]:
        """The ``name`` key a dialect requires, popped from ``data``, and whether the file had
        one; without it, the name the file's path gives (reported)."""
        name = take(data, "name", str, self, "a string")
        if name:
            return name, True
        name = self.dialect.name_from_path(self.path) if self.path else "agent"
        self.warn(Code.INVALID_INPUT, "name", f"no name ({self.dialect.title} requires one); using '{name}'")
        return name, False


def _key_lines(text: str, first_line: int) -> dict[str, int]:
    lines: dict[str, int] = {}
    for offset, line in enumerate(text.split("\n")):
        match = _KEY.match(line)
        if match:
            lines.setdefault(match.group(1), first_line + offset)
    return lines


class WriteContext:
    """What a dialect's ``render`` needs: where to report, how the original file spelled things."""

    def __init__(
        self, dialect: Dialect, report: Report, hints: Mapping[str, Any], source_lines: Mapping[str, int] | None = None
    ) -> None:
        self.dialect = dialect
        self.report = report
        self.hints = hints
        self._lines = source_lines or {}

    def dropped(self, field: str, message: str) -> None:
        self.report.dropped(field, message, line=self._line(field))

    def line_of(self, field: str) -> int | None:
        """The source line of ``field``, for diagnostics."""
        return self._line(field)

    def approximated(self, field: str, message: str) -> None:
        self.report.approximated(field, message, line=self._line(field))

    def _line(self, field: str) -> int | None:
        """The source line of the neutral field a diagnostic speaks of (``permission.x`` is
        about ``rules``)."""
        root = field.split(".", 1)[0].split("(", 1)[0]
        return self._lines.get(field) or self._lines.get(_DIAGNOSTIC_ROOTS.get(root, root))


_DIAGNOSTIC_ROOTS = {"permission": "rules"}


def _source_lines(agent: Agent) -> Mapping[str, int]:
    return agent.source.hints.get("lines", {}) if agent.source is not None else {}


def take(data: dict[str, Any], key: str, kind: type | tuple[type, ...], context: ReadContext, expected: str) -> Any:
    """Pop ``key`` if its value has type ``kind``; otherwise leave it in ``data`` (for extras)
    and report it. ``bool`` never passes for a number."""
    if key not in data:
        return None
    value = data[key]
    if value is None:
        data.pop(key)
        return None
    number_wanted = kind in (int, float) or (isinstance(kind, tuple) and int in kind)
    if isinstance(value, kind) and not (number_wanted and isinstance(value, bool)):
        return data.pop(key)
    context.invalid(key, expected, value)
    return None
