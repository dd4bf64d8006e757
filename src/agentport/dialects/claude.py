"""Claude Code subagents: ``.claude/agents/**/*.md``, Markdown with YAML frontmatter.

``tools`` is an allowlist (a comma string or a YAML list) and ``disallowedTools`` a denylist;
entries are tool names, ``Tool(specifier)`` rules such as ``Bash(git diff:*)``, or MCP tools
``mcp__server__tool``. ``model`` is an alias (sonnet, opus, haiku, inherit) or a full model id.
"""

from __future__ import annotations

from typing import Any, ClassVar

from .. import mappings
from ..diagnostics import Code, Severity
from ..model import ANY_TOOL, Action, Agent, McpServer, Mode, ModelRef, Rule
from ..permissions import is_allowlist
from .base import MarkdownDialect, ReadContext, WriteContext, take

FIELD_ORDER = (
    "name", "description", "tools", "disallowedTools", "model", "permissionMode", "maxTurns",
    "skills", "mcpServers", "hooks", "memory", "background", "effort", "isolation", "color",
    "initialPrompt",
)
MCP_PREFIX = "mcp__"


class Claude(MarkdownDialect):
    name = "claude"
    title = "Claude Code"
    agents_dir = ".claude/agents"
    patterns: ClassVar[tuple[str, ...]] = ("*.claude/agents/*.md", "*/.claude/agents/*.md")
    markers: ClassVar[tuple[str, ...]] = ("name", "tools", "disallowedTools", "permissionMode", "maxTurns", "color")
    notes = "subagents; tools allowlist + disallowedTools; model alias or full id"
    field_keys = {"rules": ("tools", "disallowedTools"), "max_turns": ("maxTurns",), "mcp_servers": ("mcpServers",)}
    expresses = frozenset(
        {"name", "description", "prompt", "model", "rules", "max_turns", "color", "skills", "mcp_servers"}
    )
    list_style: ClassVar[str] = "string"
    """How ``tools`` and ``disallowedTools`` are written when no source file says: a comma string."""

    def __init__(self) -> None:
        data = mappings.table(self.name)
        self.tools = mappings.ToolMap.of(self.name)
        self.aliases = frozenset(data["models"]["aliases"])
        self.provider = data["models"]["provider"]
        self.colors = {name: mappings.named_colors()[name] for name in data["colors"]["names"]}
        self.list_specifier = frozenset(data["patterns"]["list_specifier"])
        self.prefix_specifier = frozenset(data["patterns"]["prefix_specifier"])

    # --- reading -------------------------------------------------------------------------

    def parse(self, data: dict[str, Any], context: ReadContext) -> Agent:
        data = dict(data)
        name, _ = context.required_name(data)
        extras: dict[str, Any] = {}
        rules: list[Rule] = []
        if "tools" in data:
            context.hints["tools_style"] = "list" if isinstance(data["tools"], list) else "string"
            rules.append(Rule(ANY_TOOL, Action.DENY))
            rules += self._read_rules(data.pop("tools"), Action.ALLOW, "tools", extras, context)
        if "disallowedTools" in data:
            context.hints["disallowed_style"] = "list" if isinstance(data["disallowedTools"], list) else "string"
            rules += self._read_rules(data.pop("disallowedTools"), Action.DENY, "disallowedTools", extras, context)
        skills = data.pop("skills", None)
        if isinstance(skills, str):
            context.hints["skills_style"] = "string"
            skills = _split_entries(skills)
        elif skills is not None and not _is_list_of(skills, str):
            context.invalid("skills", "a list of skill names", skills)
            extras["skills"], skills = skills, None
        agent = Agent(
            name=name,
            description=take(data, "description", str, context, "a string"),
            prompt=context.prompt,
            mode=Mode.SUBAGENT,
            model=self._read_model(data, context),
            rules=tuple(rules),
            max_turns=take(data, "maxTurns", int, context, "a whole number"),
            color=take(data, "color", str, context, "a colour name"),
            skills=tuple(skills) if skills is not None else None,
            mcp_servers=self._read_mcp_servers(data, extras, context),
        )
        extras.update(data)
        return agent.replace(extras={self.name: extras} if extras else {})

    def _read_rules(
        self, value: Any, action: Action, key: str, extras: dict[str, Any], context: ReadContext
    ) -> list[Rule]:
        if isinstance(value, str):
            entries = _split_entries(value)
        elif _is_list_of(value, str):
            entries = [entry.strip() for entry in value if entry.strip()]
        else:
            context.invalid(key, "a comma-separated string or a list of tool names", value)
            extras[key] = value
            return []
        rules: list[Rule] = []
        unmapped: list[str] = []
        for entry in entries:
            tool, specifier = _parse_entry(entry)
            mapped = self._entry_rules(tool, specifier, action)
            if mapped is None:
                unmapped.append(entry)
                if tool.lower() not in self.tools.native:
                    context.warn(
                        Code.UNKNOWN_TOOL,
                        key,
                        f"'{entry}' is not a {self.title} tool; kept for {self.title}, not converted",
                    )
            rules += mapped or []
        if unmapped:
            extras[key] = unmapped
        return rules

    def _entry_rules(self, tool: str, specifier: str | None, action: Action) -> list[Rule] | None:
        if tool.startswith(MCP_PREFIX):
            server, _, name = tool[len(MCP_PREFIX) :].partition("__")
            return [Rule(f"mcp:{server}/{name or '*'}", action, specifier)] if server else None
        capabilities = self.tools.capabilities(tool)
        if capabilities is None:
            return None
        if specifier is None:
            patterns: list[str | None] = [None]
        elif tool in self.list_specifier:
            patterns = list(_split_entries(specifier)) or [None]
        elif tool in self.prefix_specifier and specifier.endswith(":*"):
            patterns = [specifier[:-2] + "*"]
        else:
            patterns = [specifier]
        return [Rule(capability, action, pattern) for capability in capabilities for pattern in patterns]

    def _read_model(self, data: dict[str, Any], context: ReadContext) -> ModelRef | None:
        value = take(data, "model", str, context, "a model alias or id")
        if value is None:
            return None
        if value in self.aliases:
            return ModelRef(alias=value)
        family = mappings.family_of(value)
        if family is None:
            context.warn(
                Code.UNKNOWN_MODEL, "model", f"'{value}' is not a model alias agentport knows; kept as an id",
                severity=Severity.INFO,
            )
        return ModelRef(alias=family, provider=self.provider, id=value)

    def _read_mcp_servers(
        self, data: dict[str, Any], extras: dict[str, Any], context: ReadContext
    ) -> tuple[McpServer, ...] | None:
        value = data.pop("mcpServers", None)
        if value is None:
            return None
        if isinstance(value, dict):
            context.hints["mcp_style"] = "mapping"
            return tuple(McpServer(str(name), config) for name, config in value.items())
        servers: list[McpServer] = []
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    servers.append(McpServer(item))
                elif isinstance(item, dict) and len(item) == 1:
                    (server_name, config), = item.items()
                    servers.append(McpServer(str(server_name), config))
                else:
                    break
            else:
                return tuple(servers)
        context.invalid("mcpServers", "a list of server names or {name: config} entries", value)
        extras["mcpServers"] = value
        return None

    # --- writing -------------------------------------------------------------------------

    def render(self, agent: Agent, context: WriteContext) -> dict[str, Any]:
        extras = dict(agent.extras_for(self.name))
        fields: dict[str, Any] = {"name": agent.name}
        if agent.description is not None:
            fields["description"] = agent.description
        tools, disallowed = self._render_rules(agent, context)
        allowlist = is_allowlist(agent.rules) or "tools" in extras
        tools += extras.pop("tools", [])
        disallowed += extras.pop("disallowedTools", [])
        if allowlist:
            fields["tools"] = _entries(tools, context.hints.get("tools_style", self.list_style))
        if disallowed:
            fields["disallowedTools"] = _entries(disallowed, context.hints.get("disallowed_style", self.list_style))
        model = self._render_model(agent.model, context)
        if model is not None:
            fields["model"] = model
        if agent.max_turns is not None:
            fields["maxTurns"] = agent.max_turns
        if agent.skills is not None:
            fields["skills"] = (
                ", ".join(agent.skills) if context.hints.get("skills_style") == "string" else list(agent.skills)
            )
        if agent.mcp_servers is not None:
            fields["mcpServers"] = self._render_mcp_servers(agent.mcp_servers, context)
        color = self._render_color(agent.color, context)
        if color is not None:
            fields["color"] = color
        if agent.mode in (Mode.PRIMARY, Mode.ALL):
            context.approximated(
                "mode", f"'{agent.mode.value}': {self.title} agent files define subagents only"
            )
        for field in ("temperature", "top_p", "hidden", "disabled"):
            value = getattr(agent, field)
            if value is not None and value is not False:  # false is every tool's default
                context.dropped(field, f"{self.title} subagents have no {field} setting ({value!r})")
        fields.update(extras)
        return {key: fields[key] for key in (*FIELD_ORDER, *fields) if key in fields}

    def _render_mcp_servers(self, servers: tuple[McpServer, ...], context: WriteContext) -> Any:
        return _render_mcp(servers, context.hints.get("mcp_style"))

    def _render_rules(self, agent: Agent, context: WriteContext) -> tuple[list[str], list[str]]:
        rules = agent.rules[1:] if is_allowlist(agent.rules) else agent.rules
        allowlist = is_allowlist(agent.rules)
        allowed: dict[str, list[str | None]] = {}
        denied: dict[str, list[str | None]] = {}
        for rule in rules:
            field = f"permission.{rule.tool}" + (f"({rule.pattern})" if rule.pattern else "")
            if rule.tool == ANY_TOOL:
                context.dropped(
                    field, f"'{rule.action.value}' for every tool: {self.title} subagents inherit the session's permissions"
                )
                continue
            tool = self._tool_name(rule.tool)
            if tool is None:
                context.dropped(field, f"{rule.action.value}: {self.title} has no tool for '{rule.tool}'")
                continue
            if rule.action is Action.DENY:
                denied.setdefault(tool, []).append(rule.pattern)
            elif allowlist:
                if rule.action is Action.ASK:
                    context.approximated(field, "'ask' written as allowed: a subagent's tools list cannot ask")
                allowed.setdefault(tool, []).append(rule.pattern)
            else:
                context.dropped(
                    field,
                    f"'{rule.action.value}' cannot be stated without a tools allowlist; the tool stays inherited",
                )
        return self._entries_for(allowed), self._entries_for(denied)

    def _tool_name(self, capability: str) -> str | None:
        if capability.startswith("mcp:"):
            server, _, tool = capability[4:].partition("/")
            return f"{MCP_PREFIX}{server}" if tool in ("", "*") else f"{MCP_PREFIX}{server}__{tool}"
        return self.tools.name_for(capability)

    def _entries_for(self, grants: dict[str, list[str | None]]) -> list[str]:
        entries: list[str] = []
        for tool, patterns in grants.items():
            if None in patterns:
                entries.append(tool)
                patterns = [pattern for pattern in patterns if pattern is not None]
            if not patterns:
                continue
            if tool in self.list_specifier:
                entries.append(f"{tool}({', '.join(dict.fromkeys(patterns))})")  # type: ignore[arg-type]
            else:
                entries += [f"{tool}({self._specifier(tool, pattern)})" for pattern in dict.fromkeys(patterns)]  # type: ignore[arg-type]
        return list(dict.fromkeys(entries))

    def _specifier(self, tool: str, pattern: str) -> str:
        if tool in self.prefix_specifier and pattern.endswith("*") and "*" not in pattern[:-1]:
            return pattern[:-1].rstrip() + ":*"
        return pattern

    def _render_model(self, model: ModelRef | None, context: WriteContext) -> str | None:
        if model is None:
            return None
        if model.id is None:
            if model.alias in self.aliases:
                return model.alias
            context.dropped("model", f"'{model.alias}' is not a {self.title} model alias")
            return None
        if model.provider in (None, self.provider):
            default = mappings.family_default(model.alias) if model.alias else None
            return model.alias if default is not None and default.id == model.id else model.id
        if model.alias in self.aliases:
            context.approximated(
                "model", f"'{model}' is not an Anthropic model id; written as the family alias '{model.alias}'"
            )
            return model.alias
        context.dropped("model", f"'{model}' has no {self.title} equivalent; the subagent inherits the session's model")
        return None

    def _render_color(self, color: str | None, context: WriteContext) -> str | None:
        if color is None or color in self.colors:
            return color
        by_hex = {value: name for name, value in self.colors.items()}
        if color.upper() in by_hex:
            return by_hex[color.upper()]
        rgb = _rgb(color)
        if rgb is None:
            context.dropped("color", f"'{color}' is not a colour {self.title} knows ({', '.join(self.colors)})")
            return None
        nearest = min(self.colors, key=lambda name: _distance(rgb, _rgb(self.colors[name])))  # type: ignore[arg-type]
        context.approximated("color", f"'{color}' written as the nearest {self.title} colour, '{nearest}'")
        return nearest


def _split_entries(text: str) -> list[str]:
    """Split a comma list, keeping commas inside ``Tool(a, b)`` specifiers."""
    if "(" not in text:
        return [entry for entry in map(str.strip, text.split(",")) if entry]
    entries: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "," and depth == 0:
            entries.append("".join(current).strip())
            current = []
            continue
        depth += (char == "(") - (char == ")")
        current.append(char)
    entries.append("".join(current).strip())
    return [entry for entry in entries if entry]


def _parse_entry(entry: str) -> tuple[str, str | None]:
    if entry.endswith(")") and "(" in entry:
        tool, _, rest = entry.partition("(")
        return tool.strip(), rest[:-1].strip()
    return entry, None


def _entries(entries: list[str], style: str | None) -> str | list[str]:
    return list(entries) if style == "list" else ", ".join(entries)


def _render_mcp(servers: tuple[McpServer, ...], style: str | None) -> Any:
    if style == "mapping":
        return {server.name: dict(server.config or {}) for server in servers}
    return [server.name if server.config is None else {server.name: dict(server.config)} for server in servers]


def _is_list_of(value: Any, kind: type) -> bool:
    return isinstance(value, list) and all(isinstance(item, kind) for item in value)


def _rgb(color: str) -> tuple[int, int, int] | None:
    text = color.lstrip("#")
    if len(text) == 3:
        text = "".join(char * 2 for char in text)
    if len(text) != 6 or not all(char in "0123456789abcdefABCDEF" for char in text):
        return None
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> int:
    return sum((x - y) ** 2 for x, y in zip(a, b))
