"""Amazon Q Developer CLI agents: ``.amazonq/cli-agents/NAME.json``, one JSON object per agent.

``tools`` lists the tools an agent is offered (``*`` for every tool, ``@server`` for an MCP
server's, ``@server/tool`` for one), ``allowedTools`` those it may run without asking (globs
allowed), and ``toolsSettings.execute_bash`` the shell commands it may (``allowedCommands``) or
may not (``deniedCommands``) run, as regular expressions anchored at both ends - denied ones
are checked first. A tool offered but not allowed asks, unless Amazon Q trusts it by default.
Command expressions that are globs in disguise (``git diff.*``) become bash rules; others stay
as written. Tool names, default trust and the settings' keys are data in
``formats/amazonq/mappings.toml``. What the neutral model lacks (resources, hooks, toolAliases,
other tool settings) is kept as extras.

Sources: github.com/aws/amazon-q-developer-cli ``docs/agent-format.md``,
``docs/built-in-tools.md``, ``docs/agent-file-locations.md``, ``schemas/agent-v1.json``
(read 2026-11).
"""

from __future__ import annotations

import copy
import fnmatch
import re
from typing import Any, ClassVar

from .. import mappings, schemas
from ..diagnostics import Code, Report, Severity
from ..globs import _split_top_level, globs_for_regex
from ..model import ANY_TOOL, Action, Agent, McpServer, ModelRef, Rule
from ..permissions import decide, is_allowlist, mentioned_tools
from ..text import jsonc
from ..text.yamlio import DELETE
from ._tool_lists import report_rule_losses
from .base import JsonDialect, Parsed, ReadContext, WriteContext, _short, take

FIELD_ORDER = (
    "$schema", "name", "description", "prompt", "mcpServers", "tools", "toolAliases", "allowedTools",
    "toolsSettings", "resources", "hooks", "useLegacyMcpJson", "model",
)
_REGEX_SPECIAL = frozenset("\\^$.|?*+()[]{}")
SPELLING = "command_spelling"
"""Source hint: each command expression read as globs, to write those globs back as it was."""
COMMAND_KEYS = "command_keys"
"""Source hint: the order of the keys of the command tool's settings."""


class AmazonQ(JsonDialect):
    name = "amazonq"
    title = "Amazon Q Developer"
    agents_dir = ".amazonq/cli-agents"
    patterns = ("*amazonq/cli-agents/*.json",)
    markers: ClassVar[tuple[str, ...]] = ("allowedTools", "toolsSettings", "toolAliases", "useLegacyMcpJson", "resources", "hooks")
    notes = "one JSON file per agent; tools + allowedTools; execute_bash command regexes as bash rules"
    expresses = frozenset({"name", "description", "prompt", "model", "rules", "mcp_servers"})
    field_keys = {"rules": ("tools", "allowedTools", "toolsSettings"), "mcp_servers": ("mcpServers",)}
    field_order: ClassVar[tuple[str, ...]] = FIELD_ORDER
    prompt_reference: ClassVar[re.Pattern[str] | None] = None
    """A prompt that names the file holding it, which the tool reads in its place."""

    def __init__(self) -> None:
        data = mappings.table(self.name)
        self.tools = mappings.ToolMap.of(self.name)
        self.tool_names = (*data["tools"], *data["native_tools"]["names"])
        """Every built-in's current name, in table order (``allowedTools`` globs match these)."""
        self.native = frozenset((*data["native_tools"]["names"], *data["native_tools"].get("legacy", ())))
        self.trusted = frozenset(data["trust"]["trusted"])
        names = data["names"]
        self.all_tools, self.builtins = names["all"], names["builtins"]
        self.mcp_prefix, self.mcp_separator = names["mcp_prefix"], names["mcp_separator"]
        commands = data["commands"]
        self.command_tools = tuple(commands["tools"])
        self.allowed_key, self.denied_key = commands["allow"], commands["deny"]
        self.model_ids: dict[str, str] = dict(data["models"])
        self.schema_url = data.get("schema", {}).get("url")

    def looks_like(self, text: str) -> int:
        return super().looks_like(text) if text.lstrip("\ufeff \t\r\n").startswith("{") else 0

    def edit_file(self, text: str, edits: dict[str, Any], agent: Agent, render: dict[str, Any]) -> str:
        # An object that changed (toolsSettings, hooks) is edited member by member: the rest of
        # it keeps its layout.
        current = jsonc.parse(text).data
        old = {key: current[key] for key in edits if key in current}
        new = {key: value for key, value in edits.items() if value is not DELETE}
        return jsonc.edit(text, jsonc.member_changes((), old, new))

    # --- reading -------------------------------------------------------------------------

    def parse(self, data: dict[str, Any], context: ReadContext) -> Agent:
        data = dict(data)
        extras: dict[str, Any] = {}
        context.hints["schema"] = data.pop("$schema", None)
        name = take(data, "name", str, context, "a string")
        if not name:
            name = self.name_from_path(context.path) if context.path else "agent"
        agent = Agent(
            name=name,
            description=take(data, "description", str, context, "a string"),
            prompt=self._read_prompt(data, context),
            model=self._read_model(data, context),
            rules=self._read_rules(data, extras, context),
            mcp_servers=self._read_mcp_servers(data, extras, context),
        )
        extras.update(data)
        return agent.replace(extras=self._extras_by_tool(extras))

    def _extras_by_tool(self, extras: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Where each extra is kept: a successor keeps what its predecessor shares as the
        predecessor's."""
        return {self.name: extras} if extras else {}

    def _read_prompt(self, data: dict[str, Any], context: ReadContext) -> str:
        prompt = take(data, "prompt", str, context, "a string")
        if prompt is None:
            return ""
        if self.prompt_reference is not None and self.prompt_reference.match(prompt):
            context.warn(
                Code.UNRESOLVED_REFERENCE,
                "prompt",
                f"'{prompt}' names the file {self.title} reads the prompt from; agentport keeps the "
                "reference as written, so other dialects receive it, not the prompt",
            )
        return prompt

    def _read_model(self, data: dict[str, Any], context: ReadContext) -> ModelRef | None:
        value = take(data, "model", str, context, "a model id")
        if value is None:
            return None
        family = mappings.family_of(value)
        if family is None:
            context.warn(
                Code.UNKNOWN_MODEL, "model", f"'{value}' is not a model family agentport knows; kept as an id",
                severity=Severity.INFO,
            )
            return ModelRef(id=value)
        # The id names the model in this tool's own catalogue: kept to be written back here.
        context.hints["model_id"] = value
        return ModelRef(alias=family)

    def _read_rules(self, data: dict[str, Any], extras: dict[str, Any], context: ReadContext) -> tuple[Rule, ...]:
        rules: list[Rule] = []
        tools = self._take_names(data, "tools", extras, context)
        if tools is not None and self.all_tools not in tools:
            rules.append(Rule(ANY_TOOL, Action.DENY))
        for name in tools or ():
            granted = self._grants(name) if name != self.all_tools else ()
            if granted is None:
                self._keep(extras, "tools", name, context)
            action = Action.ALLOW if name in self.trusted else Action.ASK
            rules += [Rule(capability, action) for capability in granted or ()]
        for name in self._take_names(data, "allowedTools", extras, context) or ():
            granted = self._grants_glob(name)
            if granted is None:
                self._keep(extras, "allowedTools", name, context)
            rules += [Rule(capability, Action.ALLOW) for capability in granted or ()]
        settings = data.pop("toolsSettings", None)
        if settings is None:
            return tuple(dict.fromkeys(rules))
        if not isinstance(settings, dict):
            context.invalid("toolsSettings", "an object of settings by tool", settings)
            extras["toolsSettings"] = settings
            return tuple(dict.fromkeys(rules))
        settings = copy.deepcopy(settings)
        for tool in self.command_tools:
            if isinstance(settings.get(tool), dict):
                context.hints["commands_key"] = tool
                context.hints[COMMAND_KEYS] = list(settings[tool])
                rules += self._read_commands(settings[tool], self.allowed_key, Action.ALLOW, context)
                rules += self._read_commands(settings[tool], self.denied_key, Action.DENY, context)
                if not settings[tool]:
                    del settings[tool]
        if settings:
            extras["toolsSettings"] = settings
        return tuple(dict.fromkeys(rules))

    def _take_names(self, data: dict[str, Any], key: str, extras: dict[str, Any], context: ReadContext) -> list[str] | None:
        value = data.pop(key, None)
        if value is None or (isinstance(value, list) and all(isinstance(name, str) for name in value)):
            return value
        context.invalid(key, "a list of tool names", value)
        extras[key] = value
        return None

    def _keep(self, extras: dict[str, Any], key: str, name: str, context: ReadContext) -> None:
        """Keep a list entry that names no neutral capability, warning if it names nothing."""
        extras.setdefault(key, []).append(name)
        if not (name in self.native or name == self.builtins or self._is_tool_pattern(name)):
            context.warn(Code.UNKNOWN_TOOL, key, f"'{name}' is not an {self.title} tool; kept for {self.title} only")

    def _is_tool_pattern(self, name: str) -> bool:
        return name.startswith(self.mcp_prefix) or "*" in name or "?" in name or name.lower() in self.tools.to_neutral

    def _grants(self, name: str) -> tuple[str, ...] | None:
        """The capabilities a tool name stands for (``mcp:`` ones for an MCP name)."""
        if name.startswith(self.mcp_prefix):
            server, _, tool = name[len(self.mcp_prefix) :].partition(self.mcp_separator)
            if not server or name == self.builtins or _is_glob(server) or (_is_glob(tool) and tool != "*"):
                return None
            return (f"mcp:{server}/{tool or '*'}",)
        return self.tools.capabilities(name)

    def _grants_glob(self, name: str) -> tuple[str, ...] | None:
        """:meth:`_grants`, with a glob over built-in names (``fs_*``) read as the names it matches."""
        if name.startswith(self.mcp_prefix) or not _is_glob(name):
            return self._grants(name)
        matched = [tool for tool in self.tool_names if fnmatch.fnmatchcase(tool, name)]
        granted = [capability for tool in matched for capability in self._grants(tool) or ()]
        return tuple(dict.fromkeys(granted)) or None

    def _read_commands(self, setting: dict[str, Any], key: str, action: Action, context: ReadContext) -> list[Rule]:
        """Bash rules for the command expressions that are globs; the others stay in ``setting``."""
        expressions = setting.get(key)
        if not isinstance(expressions, list):
            return []
        rules, kept = [], []
        for expression in expressions:
            globs = _globs_for_command(expression) if isinstance(expression, str) else None
            if globs is None:
                kept.append(expression)
            else:
                rules += [Rule("bash", action, glob) for glob in globs]
                context.hints.setdefault(SPELLING, []).append((action.value, tuple(globs), expression))
        if kept:
            setting[key] = kept
        else:
            del setting[key]
        return rules

    def _read_mcp_servers(self, data: dict[str, Any], extras: dict[str, Any], context: ReadContext) -> tuple[McpServer, ...] | None:
        value = data.pop("mcpServers", None)
        if value is None:
            return None
        if isinstance(value, dict) and all(isinstance(config, dict) for config in value.values()):
            # The transport is said, as other dialects say it: a server with a command is stdio.
            return tuple(
                McpServer(str(name), {"type": "http" if "url" in config and "command" not in config else "stdio", **config})
                for name, config in value.items()
            )
        context.invalid("mcpServers", "an object of server configurations by name", value)
        extras["mcpServers"] = value
        return None

    # --- writing -------------------------------------------------------------------------

    def render(self, agent: Agent, context: WriteContext) -> dict[str, Any]:
        extras: dict[str, Any] = {}
        for home in (*self.extras_keys, self.name):
            for key, value in agent.extras_for(home).items():
                earlier = extras.get(key)
                if isinstance(value, list) and isinstance(earlier, list):
                    value = list(dict.fromkeys([*earlier, *value]))
                elif isinstance(value, dict) and isinstance(earlier, dict):
                    value = {**earlier, **value}
                extras[key] = value
        fields: dict[str, Any] = {}
        schema = context.hints.get("schema", self.schema_url)
        if schema is not None:
            fields["$schema"] = schema
        fields["name"] = agent.name
        if agent.description is not None:
            fields["description"] = agent.description
        if agent.prompt:
            fields["prompt"] = agent.prompt
        if agent.mcp_servers is not None:
            fields["mcpServers"] = self._render_mcp_servers(agent.mcp_servers, context)
        self._render_rules(agent, fields, extras, context)
        model = self._render_model(agent.model, context)
        if model is not None:
            fields["model"] = model
        for field in ("temperature", "top_p", "max_turns", "color", "skills", "hidden", "disabled"):
            value = getattr(agent, field)
            if value not in (None, False, ()):  # false is every tool's default
                context.dropped(field, f"{self.title} agents have no {field.replace('_', ' ')} setting ({_short(value)})")
        fields.update(extras)
        return {key: fields[key] for key in (*self.field_order, *fields) if key in fields}

    def _render_mcp_servers(self, servers: tuple[McpServer, ...], context: WriteContext) -> dict[str, Any]:
        rendered = {}
        for server in servers:
            if server.config is None:
                context.dropped(
                    f"mcp_servers.{server.name}",
                    f"a reference to a server configured elsewhere: {self.title} agents define their servers",
                )
            elif not schemas.is_valid(self.name, {"mcpServers": {server.name: dict(server.config)}}):
                context.dropped(
                    f"mcp_servers.{server.name}", f"{_short(dict(server.config))}: not a server {self.title} can start"
                )
            else:
                rendered[server.name] = dict(server.config)
        return rendered

    def _render_rules(self, agent: Agent, fields: dict[str, Any], extras: dict[str, Any], context: WriteContext) -> None:
        rules = agent.rules
        offered: list[str] = []
        allowed: list[str] = []
        for name, capability in self._names_for(rules).items():
            action = decide(rules, capability)
            # A tool allowed for some inputs only must still be offered for its rules to matter.
            limited = any(rule.tool == capability and rule.pattern and rule.action is not Action.DENY for rule in rules)
            server = name.partition(self.mcp_separator)[0]
            if (action in (Action.ALLOW, Action.ASK) or limited) and server not in offered:
                offered.append(name)
            if action is Action.ALLOW and name not in self.trusted:
                allowed.append(name)
        if is_allowlist(rules):
            tools = offered
        elif any(decide(rules, capability) is Action.DENY for capability in mentioned_tools(rules)):
            # To take a tool away, list every other one: the tools MCP servers add are not listed.
            denied = {name for name, capability in self._names_for(rules).items() if decide(rules, capability) is Action.DENY}
            servers = [f"{self.mcp_prefix}{server.name}" for server in agent.mcp_servers or ()]
            tools = [name for name in (*self.tool_names, *offered, *servers) if name not in denied]
        else:
            tools = [self.all_tools]
        tools = list(dict.fromkeys([*tools, *extras.pop("tools", [])]))
        allowed = list(dict.fromkeys([*allowed, *extras.pop("allowedTools", [])]))
        fields["tools"] = tools
        if allowed:
            fields["allowedTools"] = allowed
        settings, expressed = self._render_commands(rules, extras.pop("toolsSettings", None), context)
        if settings is not None:
            fields["toolsSettings"] = settings
        # What the file says, read back, against what the agent wanted: every difference is reported.
        written = self._read_rules(dict(fields), {}, ReadContext(self, Parsed({}), None, Report()))
        wanted = tuple(rule for rule in rules if rule not in expressed)
        report_rule_losses(wanted, written, context, self._limits())

    def _limits(self) -> str:
        return (
            f"{self.title} offers tools ('tools'), runs some without asking ('allowedTools') and limits shell "
            "commands ('toolsSettings'); it cannot deny one tool while offering all, ask for a tool it trusts, "
            "or limit other tools' inputs"
        )

    def _names_for(self, rules: tuple[Rule, ...]) -> dict[str, str]:
        """Tool name -> the first capability the rules mention that it governs."""
        names: dict[str, str] = {}
        for capability in mentioned_tools(rules):
            name = self._name_for(capability)
            if name is not None:
                names.setdefault(name, capability)
        return names

    def _name_for(self, capability: str) -> str | None:
        if capability.startswith("mcp:"):
            server, _, tool = capability[len("mcp:") :].partition("/")
            return f"{self.mcp_prefix}{server}" if tool in ("", "*") else f"{self.mcp_prefix}{server}{self.mcp_separator}{tool}"
        return self.tools.name_for(capability)

    def _render_commands(
        self, rules: tuple[Rule, ...], kept: Any, context: WriteContext
    ) -> tuple[Any, tuple[Rule, ...]]:
        """``toolsSettings`` with the bash rules' patterns as command expressions, and the rules
        so expressed."""
        expressed = tuple(rule for rule in rules if rule.tool == "bash" and rule.pattern is not None and rule.action is not Action.ASK)
        if not expressed:
            return kept, ()
        settings = copy.deepcopy(kept) if isinstance(kept, dict) else {}
        key = context.hints.get("commands_key") or next(
            (tool for tool in self.command_tools if tool in settings), self.command_tools[0]
        )
        setting = settings.setdefault(key, {})
        for setting_key, action in ((self.allowed_key, Action.ALLOW), (self.denied_key, Action.DENY)):
            globs = [rule.pattern for rule in expressed if rule.action is action and rule.pattern is not None]
            expressions = _spelled(globs, [entry[1:] for entry in context.hints.get(SPELLING, ()) if entry[0] == action.value])
            if expressions:
                setting[setting_key] = list(dict.fromkeys([*expressions, *setting.get(setting_key, [])]))
        order = dict.fromkeys((*context.hints.get(COMMAND_KEYS, ()), *setting))
        settings[key] = {name: setting[name] for name in order if name in setting}
        seen_deny = False
        for rule in expressed:
            seen_deny = seen_deny or rule.action is Action.DENY
            if seen_deny and rule.action is Action.ALLOW:
                context.approximated(
                    f"permission.bash({rule.pattern})",
                    f"'allow' after a 'deny' rule: {self.title} checks denied commands first, so a command both match is denied",
                )
        return settings, expressed

    def _render_model(self, model: ModelRef | None, context: WriteContext) -> str | None:
        if model is None or (model.alias == "inherit" and model.id is None):
            return None
        if model.alias is None:
            if model.provider is None and model.id:
                return model.id
            context.dropped("model", f"'{model}' has no {self.title} model id")
            return None
        written = context.hints.get("model_id")
        if written is not None and mappings.family_of(written) == model.alias:
            return str(written)
        default = self.model_ids.get(model.alias)
        if default is None:
            context.dropped("model", f"{self.title} offers no '{model.alias}' model")
            return None
        if model.id is not None or model.provider is not None:
            context.approximated("model", f"'{model}' written as {self.title}'s '{default}'")
        else:
            context.approximated("model", f"the family alias '{model.alias}' written as {self.title}'s '{default}'")
        return default


def _spelled(globs: list[str], spellings: list[tuple[tuple[str, ...], str]]) -> list[str]:
    """Command expressions for ``globs``: as the file spelled them where it did."""
    expressions: list[str] = []
    index = 0
    while index < len(globs):
        match = next((item for item in spellings if tuple(globs[index : index + len(item[0])]) == item[0]), None)
        if match is None:
            expressions.append(_command_regex(globs[index]))
            index += 1
        else:
            expressions.append(match[1])
            index += len(match[0])
    return expressions


def _is_glob(text: str) -> bool:
    return "*" in text or "?" in text


def _globs_for_command(expression: str) -> list[str] | None:
    """The globs matching exactly what a command expression, anchored at both ends, matches."""
    globs: list[str] = []
    for alternative in _split_top_level(expression) or ():
        converted = globs_for_regex(f"^{alternative}$")
        if converted is None:
            return None
        globs += converted
    return globs or None


def _command_regex(glob: str) -> str:
    """A command glob as the anchored expression Amazon Q matches commands with."""
    return "".join(".*" if char == "*" else "." if char == "?" else f"\\{char}" if char in _REGEX_SPECIAL else char for char in glob)

