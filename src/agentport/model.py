"""The neutral agent model: the one hub every dialect reads into and writes from.

Dialects never convert pairwise. A reader builds an :class:`Agent`; a writer renders one.
Whatever a dialect has that the neutral fields do not cover stays in ``Agent.extras`` under
that dialect's name, so writing back to the same dialect restores it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping


class Mode(str, enum.Enum):
    """How an agent can be used: picked by the user, delegated to, or both."""

    PRIMARY = "primary"
    SUBAGENT = "subagent"
    ALL = "all"


class Action(str, enum.Enum):
    """What happens when an agent wants to use a tool."""

    ALLOW = "allow"
    ASK = "ask"
    DENY = "deny"


ANY_TOOL = "*"
"""The tool name of a rule that applies to every tool (OpenCode's ``"*"`` key)."""


@dataclass(frozen=True)
class ModelRef:
    """A model, named as precisely as the source allowed.

    ``alias`` is a family name that tools agree on (``sonnet``, ``opus``, ``haiku``, or the
    special ``inherit``); ``provider`` and ``id`` name one concrete model
    (``anthropic`` / ``claude-sonnet-4-5``). A reference may have any of them.
    """

    alias: str | None = None
    provider: str | None = None
    id: str | None = None

    def __str__(self) -> str:
        if self.provider and self.id:
            return f"{self.provider}/{self.id}"
        return self.id or self.alias or ""


@dataclass(frozen=True)
class Rule:
    """One permission rule: ``action`` for ``tool`` (optionally only when its input matches).

    Rules are evaluated in order and the last match wins, as in OpenCode. ``tool`` is a neutral
    capability (``read``, ``edit``, ``bash`` ...; see ``formats/neutral/tools.toml``), an MCP
    tool ``mcp:SERVER/TOOL`` (``mcp:SERVER/*`` for a whole server), or :data:`ANY_TOOL`.
    ``pattern`` is a glob over the tool's input (a shell command, a path, an agent name);
    ``None`` means any input.
    """

    tool: str
    action: Action
    pattern: str | None = None


@dataclass(frozen=True)
class McpServer:
    """An MCP server the agent uses: a reference by name, or an inline definition."""

    name: str
    config: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Source:
    """Where an agent was read from, kept so that an unchanged agent is written back byte-exact.

    ``snapshot`` holds the neutral field values as read: a writer compares the agent against it
    to know which fields changed, and touches only those in the original text.
    """

    dialect: str
    text: str
    snapshot: tuple[Any, ...]
    path: str | None = None
    hints: Mapping[str, Any] = field(default_factory=dict)
    """How the file spelled what it said (a list or a comma string, a deprecated key...), so
    that an edited field is written back the way the file wrote it."""


@dataclass(frozen=True)
class Agent:
    """One coding agent, independent of any tool's file format."""

    name: str
    description: str | None = None
    prompt: str = ""
    mode: Mode | None = None
    model: ModelRef | None = None
    rules: tuple[Rule, ...] = ()
    temperature: float | None = None
    top_p: float | None = None
    max_turns: int | None = None
    color: str | None = None
    skills: tuple[str, ...] | None = None
    mcp_servers: tuple[McpServer, ...] | None = None
    hidden: bool | None = None
    disabled: bool | None = None
    extras: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    source: Source | None = field(default=None, compare=False, repr=False)

    def replace(self, **changes: Any) -> Agent:
        """A copy with ``changes`` applied; the source is kept so unchanged fields stay as written."""
        return replace(self, **changes)

    def extras_for(self, dialect: str) -> Mapping[str, Any]:
        """The fields only ``dialect`` has, as read from a file of that dialect."""
        return self.extras.get(dialect, {})

    def with_source(
        self, dialect: str, text: str, path: str | None, hints: Mapping[str, Any]
    ) -> Agent:
        """This agent, remembering ``text`` as its unchanged rendering in ``dialect``."""
        return replace(self, source=Source(dialect, text, neutral_values(self), path, hints))


NEUTRAL_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Agent) if f.name != "source")


def neutral_values(agent: Agent) -> tuple[Any, ...]:
    """The agent's neutral field values, in :data:`NEUTRAL_FIELDS` order."""
    return tuple(getattr(agent, name) for name in NEUTRAL_FIELDS)


def as_read(agent: Agent) -> Agent | None:
    """The agent as it was read from its source, or ``None`` if it was not read from a file."""
    if agent.source is None:
        return None
    return replace(agent, **dict(zip(NEUTRAL_FIELDS, agent.source.snapshot)))


def changed_fields(agent: Agent) -> frozenset[str]:
    """Names of the neutral fields that differ from the agent's source (all if it has none)."""
    if agent.source is None:
        return frozenset(NEUTRAL_FIELDS)
    return frozenset(
        name
        for name, before in zip(NEUTRAL_FIELDS, agent.source.snapshot)
        if getattr(agent, name) != before
    )
