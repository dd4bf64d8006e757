"""Config files that hold agents as the members of one JSON object, keyed by agent name.

``opencode.json`` and Kilo's ``kilo.json`` keep their agents in the ``agent`` map among the
project's other settings, JSONC allowed. Reading gives one agent per member. Writing merges
agents into the file: an agent read from it and changed since is edited field by field in
place, another agent of that name is rewritten field by field, a new one goes after the last,
and every other byte - other settings, other agents, comments - stays as written.
"""

from __future__ import annotations

import functools
import re
from typing import Any, ClassVar, Sequence

from ..diagnostics import Code, ParseError, Report
from ..model import Agent, as_read, changed_fields
from ..text import jsonc
from .base import FieldDialect, Parsed, ReadContext, WriteContext, _source_lines

ENTRY = "entry"
"""Source hint: the key the agent had in the map."""
ENTRY_FIELDS = "entry_fields"
"""Source hint: the agent's fields as read, to tell whether its entry changed since."""


class AgentMapDialect(FieldDialect):
    """A dialect whose agents are the members of ``map_key`` in one JSON(C) config file.

    The fields of each member are mapped by :meth:`parse` and :meth:`render`, which take the
    agent's name from :meth:`agent_name`.
    """

    holds_many = True
    suffix = ".json"
    map_key: ClassVar[str] = "agent"
    config_file: ClassVar[str]
    """The file new agents are written to, in the project root."""
    schema_url: ClassVar[str]
    """The ``$schema`` of a new file; its presence identifies the dialect's files."""

    def relative_path(self, agent: Agent) -> str:
        return self.config_file

    def agent_name(self, data: dict[str, Any], context: ReadContext) -> str:
        return str(context.hints[ENTRY])

    def looks_like(self, text: str) -> int:
        head = text[:8192]
        if self.schema_url in head:
            return 3
        return 1 if _map_key_pattern(self.map_key).search(head) else 0

    # --- reading -------------------------------------------------------------------------

    def read(self, text: str, *, path: str | None = None, report: Report) -> Agent:
        agents = self.read_all(text, path=path, report=report)
        if len(agents) != 1:
            names = ", ".join(agent.name for agent in agents) or "none"
            report.error(
                Code.INVALID_INPUT,
                f"the file holds {len(agents)} agents ({names}), not one: read them all with loads_all",
            )
            raise ParseError(f"{path or '<input>'}: {len(agents)} agents where one was expected", list(report))
        return agents[0]

    def read_all(self, text: str, *, path: str | None = None, report: Report) -> list[Agent]:
        document = self._document(text, path, report)
        agents = []
        for key, node in self._entries(document, path, report):
            entry_path = (self.map_key, key)
            parsed = Parsed(dict(node.value), lines=document.key_lines(entry_path))
            context = ReadContext(self, parsed, path, report)
            context.hints[ENTRY] = key
            agent = self.parse(dict(parsed.data), context)
            hints = {**context.hints, ENTRY_FIELDS: node.value, "lines": self._field_lines(parsed.lines)}
            agents.append(agent.with_source(self.name, text, path, hints))
        return agents

    def schema_documents(self, text: str, path: str | None) -> list[tuple[tuple[str | int, ...], Any]]:
        document = self._document(text, path, Report())
        return [((self.map_key, key), node.value) for key, node in self._entries(document, path, Report())]

    def _document(self, text: str, path: str | None, report: Report) -> jsonc.Document:
        try:
            document = jsonc.parse(text)
        except jsonc.JsoncError as error:
            report.error(Code.INVALID_INPUT, f"invalid JSON: {error.message}", line=error.line, column=error.column)
            raise ParseError(f"{path or '<input>'}: invalid JSON at line {error.line}", list(report)) from None
        if document.root.members is None:
            report.error(Code.INVALID_INPUT, f"a {self.config_file} file holds a JSON object", line=1)
            raise ParseError(f"{path or '<input>'}: not a JSON object", list(report))
        return document

    def _entries(self, document: jsonc.Document, path: str | None, report: Report) -> list[tuple[str, jsonc.Node]]:
        """The map's members (the last of a repeated key, as the tools read it)."""
        agents = document.node((self.map_key,))
        if agents is None:
            return []
        where = document.root.member(self.map_key)
        if agents.members is None:
            assert where is not None
            report.error(
                Code.INVALID_INPUT, f"'{self.map_key}' holds agents by name: an object, not {_kind(agents.value)}",
                field=self.map_key, line=document.line(where.key_start),
            )
            raise ParseError(f"{path or '<input>'}: '{self.map_key}' is not an object", list(report))
        entries = []
        for key in agents.value:
            member = agents.member(key)
            assert member is not None
            if member.value.members is None:
                report.error(
                    Code.INVALID_INPUT, f"agent '{key}' is an object of fields, not {_kind(member.value.value)}",
                    field=f"{self.map_key}.{key}", line=document.line(member.key_start),
                )
                raise ParseError(f"{path or '<input>'}: agent '{key}' is not an object", list(report))
            entries.append((key, member.value))
        return entries

    # --- writing -------------------------------------------------------------------------

    def write(self, agent: Agent, *, report: Report) -> str:
        source = agent.source
        existing = source.text if source is not None and source.dialect == self.name else None
        return self.write_all([agent], existing=existing, report=report)

    def write_all(self, agents: Sequence[Agent], *, existing: str | None = None, report: Report) -> str:
        """``existing`` with ``agents`` merged in; without it, the file holding exactly ``agents``:
        the one they were all read from, if so, less the agents not given, or a new one."""
        seen: dict[str, Agent] = {}
        for agent in agents:
            if agent.name in seen:
                where = agent.source.path if agent.source is not None and agent.source.path else "a later agent"
                report.add(Code.INVALID_INPUT, f"two agents are named '{agent.name}': the one from {where} replaces the other")
            seen[agent.name] = agent
        agents = list(seen.values())
        base = existing if existing is not None else self._shared_source(agents)
        if base is None:
            entries = {agent.name: self._fields(agent, report) for agent in agents}
            return jsonc.dumps({"$schema": self.schema_url, self.map_key: entries}) + "\n"
        document = self._document(base, None, report)
        changes: dict[tuple[str, ...], Any] = {}
        for agent in agents:
            changes.update(self._changes(agent, document, report))
        if existing is None:
            wanted = {agent.name for agent in agents}
            for key, _ in self._entries(document, None, report):
                if key not in wanted:
                    changes[(self.map_key, key)] = jsonc.DELETE
        return jsonc.edit(base, changes)

    def _shared_source(self, agents: Sequence[Agent]) -> str | None:
        """The text every agent was read from, if that is one file of this dialect."""
        texts = {agent.source.text if agent.source is not None and agent.source.dialect == self.name else None for agent in agents}
        return texts.pop() if len(texts) == 1 else None

    def _changes(self, agent: Agent, document: jsonc.Document, report: Report) -> dict[tuple[str, ...], Any]:
        """The edits that put ``agent`` into ``document``'s map."""
        path = (self.map_key, agent.name)
        node = document.node(path)
        source = agent.source
        if source is not None and source.dialect == self.name and node is not None:
            if source.hints.get(ENTRY) == agent.name and node.value == source.hints.get(ENTRY_FIELDS):
                # The entry is as the agent was read: only the fields the agent changed move.
                if not changed_fields(agent):
                    return {}
                original = as_read(agent)
                assert original is not None
                before = self.render(original, WriteContext(self, Report(), source.hints))
                after = self.render(agent, WriteContext(self, report, source.hints, _source_lines(agent)))
                return jsonc.member_changes(path, before, after)
        after = self._fields(agent, report)
        if node is None or node.members is None:
            return {path: after}
        return jsonc.member_changes(path, node.value, after)

    def _fields(self, agent: Agent, report: Report) -> dict[str, Any]:
        """All of the entry's fields for ``agent``, reporting those of other dialects it lacks."""
        source = agent.source
        if source is not None and source.dialect == self.name:
            return self.render(agent, WriteContext(self, report, source.hints, _source_lines(agent)))
        fields = self.render(agent, WriteContext(self, report, {}, _source_lines(agent)))
        self._report_foreign_extras(agent, report)
        return fields



@functools.lru_cache(maxsize=None)
def _map_key_pattern(key: str) -> re.Pattern[str]:
    return re.compile(rf'"{re.escape(key)}"\s*:\s*\{{')


def _kind(value: Any) -> str:
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")
