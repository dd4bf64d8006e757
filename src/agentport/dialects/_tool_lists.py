"""Tool permissions in dialects that can only list tools, or only switch some off.

Gemini CLI and Factory give an agent a plain list of the tools it may use, and Cursor only a
read-only switch: none of them can deny one tool and keep the rest, ask before a call, or limit
a tool to some inputs. :class:`ToolList` reads such a list into neutral rules and writes rules
as one; :func:`report_rule_losses` compares, tool by tool, what the agent's rules decide with
what the written file decides, and reports every difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from .. import mappings
from ..diagnostics import Code
from ..model import ANY_TOOL, Action, Rule
from ..permissions import decide, is_allowlist, mentioned_tools
from .base import ReadContext, WriteContext

REJECTED = "rejected_tools"
"""Hint: list entries the tool rejects, warned about when read; they stay in their file."""


def capabilities() -> tuple[str, ...]:
    """Every neutral capability, in ``formats/neutral/capabilities.toml`` order."""
    return tuple(mappings.table("neutral", "capabilities")["capabilities"])


@dataclass(frozen=True)
class McpNames:
    """How a dialect names MCP tools: ``prefix + server + separator + tool``."""

    prefix: str
    separator: str

    def capability(self, name: str) -> str | None:
        """``mcp:SERVER/TOOL`` (``mcp:SERVER/*`` for a whole server) for a tool name, if MCP."""
        if not name.startswith(self.prefix):
            return None
        server, separator, tool = name[len(self.prefix) :].partition(self.separator)
        if not (server and separator and tool) or server == "*":
            return None
        return f"mcp:{server}/{tool}"

    def name(self, capability: str) -> str | None:
        """The tool name for an ``mcp:`` capability; ``None`` if the server's name cannot be
        told apart from the tool's (it holds the separator)."""
        server, _, tool = capability[len("mcp:") :].partition("/")
        if not server or self.separator in server:
            return None
        return f"{self.prefix}{server}{self.separator}{tool or '*'}"


class ToolList:
    """A dialect's list of allowed tools, as neutral rules and back.

    Names are matched exactly (these dialects reject ``read`` for ``Read``). ``implied`` are
    capabilities the tool grants every agent whether listed or not: read as allowed, never
    written. ``all_tools`` is the entry that grants every tool, if the dialect has one;
    ``accepted_prefixes`` start names the tool accepts without knowing them in advance.
    """

    def __init__(
        self,
        dialect: str,
        title: str,
        mcp: McpNames,
        *,
        implied: Sequence[str] = (),
        all_tools: str | None = None,
        accepted_prefixes: tuple[str, ...] = (),
    ) -> None:
        data = mappings.table(dialect)
        self.dialect = dialect
        self.title = title
        self.known: dict[str, tuple[str, ...]] = {}
        for table in ("tools", "legacy_tools"):
            for name, granted in data.get(table, {}).items():
                self.known.setdefault(name, (granted,) if isinstance(granted, str) else tuple(granted))
        self.native = frozenset(data.get("native_tools", {}).get("names", ()))
        self.names = mappings.ToolMap.of(dialect)
        self.mcp = mcp
        self.implied = tuple(implied)
        self.all_tools = all_tools
        self.accepted_prefixes = accepted_prefixes

    def accepts(self, name: str) -> bool:
        """Whether the tool accepts ``name`` in a list, with or without a neutral capability."""
        return (
            name in self.known
            or name in self.native
            or self.mcp.capability(name) is not None
            or name.startswith(self.accepted_prefixes)
        )

    def read_list(self, names: list[str], key: str, context: ReadContext) -> tuple[tuple[Rule, ...], list[str]]:
        """:meth:`read`, warning about the entries the tool rejects."""
        rules, unmapped = self.read(names)
        for name in unmapped:
            if not self.accepts(name):
                context.warn(
                    Code.UNKNOWN_TOOL, key, f"'{name}' is not a {self.title} tool (names are case-sensitive); kept in this file"
                )
                context.hints.setdefault(REJECTED, []).append(name)
        return rules, unmapped

    def kept(self, unmapped: list[str], context: WriteContext) -> list[str]:
        """The entries a file had that name no neutral capability, to write back: without those
        the tool rejects, reported as dropped unless they stay in the file the agent came from."""
        rejected = context.hints.get(REJECTED, ())
        for name in unmapped:
            if not self.accepts(name) and name not in rejected:
                context.dropped(f"{self.dialect}.tools", f"'{name}': {self.title} rejects an agent with this tool")
        return [name for name in unmapped if self.accepts(name)]

    def read(self, names: Iterable[str]) -> tuple[tuple[Rule, ...], list[str]]:
        """The rules a list grants, and its entries that name no neutral capability (in order).

        A list allows only what it names, so its rules start by denying every tool, unless it
        names ``all_tools``.
        """
        names = list(names)
        everything = self.all_tools is not None and self.all_tools in names
        rules: list[Rule] = [Rule(ANY_TOOL, Action.ALLOW if everything else Action.DENY)]
        unmapped: list[str] = []
        for name in names:
            if name == self.all_tools:
                continue
            granted = self.known.get(name)
            mcp = self.mcp.capability(name)
            if granted is not None:
                rules += [Rule(capability, Action.ALLOW) for capability in granted]
            elif mcp is not None:
                rules.append(Rule(mcp, Action.ALLOW))
            else:
                unmapped.append(name)
        if not everything:
            rules += [Rule(capability, Action.ALLOW) for capability in self.implied]
        return tuple(dict.fromkeys(rules)), unmapped

    def write(self, rules: tuple[Rule, ...]) -> list[str] | None:
        """The list closest to ``rules``, or ``None`` where the agent keeps every tool.

        An allowlist names what it allows; rules that only deny some tools become the list of
        every other tool the dialect names. What the list cannot say, :func:`report_rule_losses`
        finds by reading it back.
        """
        names: list[str] = []
        if is_allowlist(rules):
            candidates = mentioned_tools(rules)
        elif any(decide(rules, tool) is Action.DENY for tool in (*capabilities(), *mentioned_tools(rules))):
            candidates = [*self.names.from_neutral, *mentioned_tools(rules)]
        elif rules and rules[0] == Rule(ANY_TOOL, Action.ALLOW) and self.all_tools is not None:
            names.append(self.all_tools)
            candidates = [tool for tool in mentioned_tools(rules) if tool.startswith("mcp:")]
        else:
            return None
        for capability in candidates:
            if capability in self.implied or decide(rules, capability) is Action.DENY:
                continue
            name = self.mcp.name(capability) if capability.startswith("mcp:") else self.names.name_for(capability)
            if name is not None:
                names.append(name)
        return list(dict.fromkeys(names))


def report_rule_losses(wanted: tuple[Rule, ...], written: tuple[Rule, ...], context: WriteContext, why: str) -> None:
    """Report each tool whose decision differs between the agent's rules and the written ones.

    ``why`` says what the target can state, for the messages.
    """
    for rule in wanted:
        if rule.pattern is not None:
            context.dropped(
                f"permission.{rule.tool}({rule.pattern})",
                f"'{rule.action.value}' only for '{rule.pattern}' cannot be stated: {why}",
            )
    mcp_tools = [tool for tool in mentioned_tools((*wanted, *written)) if tool.startswith("mcp:")]
    changes: dict[tuple[Action | None, Action | None], list[str]] = {}
    for tool in (*capabilities(), *mcp_tools, ANY_TOOL):
        before, after = _decision(wanted, tool), _decision(written, tool)
        if before != after:
            changes.setdefault((before, after), []).append(tool)
    for (before, after), tools in changes.items():
        # One tool is named by the field; several by the message, under the field "permission".
        field = f"permission.{tools[0]}" if len(tools) == 1 else "permission"
        named = "" if len(tools) == 1 else ", ".join("any other tool" if tool == ANY_TOOL else tool for tool in tools) + ": "
        was = f"'{before.value}'" if before else "no rule"
        if after is None:
            context.dropped(field, f"{named}{was} cannot be stated, the session's setting applies: {why}")
        else:
            context.approximated(field, f"{named}{was} written as '{after.value}': {why}")


def _decision(rules: tuple[Rule, ...], tool: str) -> Action | None:
    """What ``rules`` decide for ``tool``; for :data:`ANY_TOOL`, for a tool no rule names (an
    MCP tool, a tool only one dialect has)."""
    if tool != ANY_TOOL:
        return decide(rules, tool)
    return next((rule.action for rule in reversed(rules) if rule.tool == ANY_TOOL and rule.pattern is None), None)
