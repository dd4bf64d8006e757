"""GitHub Copilot custom agents: ``.github/agents/NAME.agent.md``, Markdown with YAML frontmatter.

The name is the ``name`` key, else the file name without ``.agent.md``. ``tools`` is an
allowlist (a YAML list or a comma string) of aliases (``read``, ``edit``, ``search``,
``execute``, ``web``, ``agent``, ``todo``; Claude Code's names are accepted for them), VS Code
tools and tool sets, and MCP tools ``server/tool`` or ``server/*``. ``model`` is a display name
such as ``Claude Sonnet 4.5`` or ``GPT-5 (copilot)``, or a list tried in order.
``disable-model-invocation`` and ``user-invocable`` say who may start the agent.

Sources: https://docs.github.com/en/copilot/reference/custom-agents-configuration and
https://code.visualstudio.com/docs/copilot/customization/custom-agents (read 2026-11).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from .. import mappings
from ..diagnostics import Code, Severity
from ..model import ANY_TOOL, Action, Agent, McpServer, Mode, ModelRef, Rule
from ..permissions import decide, is_allowlist, mentioned_tools
from .base import MarkdownDialect, ReadContext, WriteContext, _short, take

FIELD_ORDER = (
    "name", "description", "argument-hint", "target", "tools", "agents", "model", "user-invocable",
    "user-invokable", "disable-model-invocation", "infer", "mcp-servers", "handoffs", "metadata", "hooks",
)
NEUTRAL_FIELD = {
    "name": None,  # a file of a kind without the key takes its name from the file name
    "description": "description",
    "tools": "permission",
    "agents": "permission",
    "model": "model",
    "user-invocable": "hidden",
    "user-invokable": "hidden",
    "disable-model-invocation": "mode",
    "infer": "mode",
    "mcp-servers": "mcp_servers",
}
"""The neutral field each rendered key says, for reporting a key a kind of file cannot hold."""
UNEXPRESSED = ("temperature", "top_p", "max_turns", "color", "skills", "disabled")

_QUALIFIED_MODEL = re.compile(r"(.+?)\s*\(([^()]+)\)")
_MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]*")
_TOOLS_LINE = re.compile(r"^tools:[ \t]*(.*)$", re.MULTILINE)
_MODEL_LINE = re.compile(r"^model:[ \t]*(.*)$", re.MULTILINE)
_BLOCK_ITEM = re.compile(r"[ \t]*-[ \t]+(.*)")


class Copilot(MarkdownDialect):
    name = "copilot"
    title = "GitHub Copilot"
    agents_dir = ".github/agents"
    suffix = ".agent.md"
    patterns: ClassVar[tuple[str, ...]] = ("*.github/agents/*.md", "*.copilot/agents/*.md", "*.agent.md")
    markers: ClassVar[tuple[str, ...]] = FIELD_ORDER
    signature: ClassVar[tuple[str, ...]] = (
        "argument-hint", "handoffs", "mcp-servers", "target", "user-invocable", "user-invokable",
        "disable-model-invocation", "infer", "agents", "metadata",
    )
    notes = "custom agents; tools allowlist of aliases, VS Code tools and MCP server/tool; model display names"
    expresses = frozenset({"name", "description", "prompt", "mode", "model", "rules", "mcp_servers", "hidden"})
    extras_keys = ("copilot-chatmode",)
    field_keys = {
        "rules": ("tools", "agents"),
        "mode": ("disable-model-invocation", "infer", "user-invocable", "user-invokable"),
        "hidden": ("user-invocable", "user-invokable"),
        "mcp_servers": ("mcp-servers",),
    }

    keys: ClassVar[tuple[str, ...]] = FIELD_ORDER
    """The frontmatter keys this kind of file defines; the others are kept as written."""
    model_lists: ClassVar[bool] = True
    """Whether ``model`` may be a list of models tried in order."""

    def __init__(self) -> None:
        data = mappings.table("copilot")
        self.tools = mappings.ToolMap.of("copilot")
        self.tool_sets = frozenset(name.lower() for name in data["native_tools"]["sets"])
        self.aliases = tuple(name for name in data["tools"] if "/" not in name)
        self.provider = data["models"]["provider"]
        self.vendor = data["models"]["vendor"]
        self.model_names: dict[str, str] = dict(data["models"]["names"])
        self.model_ids = {display.lower(): model_id for model_id, display in self.model_names.items()}
        self.family_models: dict[str, str] = dict(data["models"]["families"])
        self.mcp_types: dict[str, str] = dict(data["mcp"]["types"])

    def name_from_path(self, path: str) -> str:
        name = super().name_from_path(path)
        return name.removesuffix(".md")  # VS Code reads any .md in the agents folder

    def has_signature(self, frontmatter_text: str, keys: set[str]) -> bool:
        """A Copilot-only key, a tool name only Copilot writes, or a Copilot model name."""
        if super().has_signature(frontmatter_text, keys):
            return True
        entries, listed = _tool_entries(frontmatter_text)
        if any(self._is_copilot_spelling(entry, listed) for entry in entries):
            return True
        model = _MODEL_LINE.search(frontmatter_text)
        return model is not None and self._model_from_text(_first_scalar(model.group(1).split(",")[0]))[1]

    def _is_copilot_spelling(self, entry: str, listed: bool) -> bool:
        """A tool name only Copilot writes. Claude Code capitalises its names in a comma string
        and names MCP tools ``mcp__server__tool``; Copilot files list lower-case names."""
        if entry.startswith("mcp__"):
            return False
        return (
            entry in self.aliases
            or entry == ANY_TOOL
            or entry.lower() in self.tools.native
            or "/" in entry
            or (listed and entry[:1].islower())
        )

    # --- reading -------------------------------------------------------------------------

    def parse(self, data: dict[str, Any], context: ReadContext) -> Agent:
        data = dict(data)
        extras = {key: data.pop(key) for key in FIELD_ORDER if key in data and key not in self.keys}
        name = self._read_name(data, context)
        rules = self._read_tools(data, extras, context)
        mode, hidden = self._read_invocation(data, context)
        agent = Agent(
            name=name,
            description=take(data, "description", str, context, "a string"),
            prompt=context.prompt,
            mode=mode,
            model=self._read_model(data, extras, context),
            rules=rules,
            mcp_servers=self._read_mcp_servers(data, context),
            hidden=hidden,
        )
        extras.update(data)
        return agent.replace(extras={self.name: extras} if extras else {})

    def _read_name(self, data: dict[str, Any], context: ReadContext) -> str:
        given = take(data, "name", str, context, "a string")
        if given:
            return given
        if context.path:
            return self.name_from_path(context.path)
        context.warn(Code.INVALID_INPUT, "name", "no name and no file name to take it from; using 'agent'")
        return "agent"

    def _read_tools(self, data: dict[str, Any], extras: dict[str, Any], context: ReadContext) -> tuple[Rule, ...]:
        if "tools" not in data:
            return ()
        value = data.pop("tools")
        if isinstance(value, str):
            context.hints["tools_style"] = "string"
            entries = [entry.strip() for entry in value.split(",")]
        elif _is_list_of(value, str):
            entries = [entry.strip() for entry in value]
        else:
            context.invalid("tools", "a list of tool names or a comma-separated string", value)
            extras["tools"] = value
            return ()
        entries = [entry for entry in entries if entry]
        if ANY_TOOL in entries:
            return ()  # every tool, as when the key is absent
        rules = [Rule(ANY_TOOL, Action.DENY)]
        unmapped: list[str] = []
        for entry in entries:
            capabilities = self._capabilities(entry)
            if capabilities is None:
                unmapped.append(entry)
                self._report_unmapped(entry, context)
            else:
                rules += [Rule(capability, Action.ALLOW) for capability in capabilities]
        if unmapped:
            extras["tools"] = unmapped
        return tuple(self._read_subagents(data, rules, context))

    def _capabilities(self, entry: str) -> tuple[str, ...] | None:
        known = self.tools.capabilities(entry)
        if known is not None:
            return known
        prefix, slash, tool = entry.partition("/")
        if not (slash and prefix and tool) or prefix.lower() in self.tool_sets or _is_extension(prefix, tool):
            return None
        return (f"mcp:{prefix}/{tool}",)

    def _report_unmapped(self, entry: str, context: ReadContext) -> None:
        prefix, slash, tool = entry.partition("/")
        if entry.lower() in self.tools.native or (slash and prefix.lower() in self.tool_sets):
            return  # a VS Code tool: kept for Copilot, as Claude Code's own tools are
        extension = slash and _is_extension(prefix, tool)
        kind = "a VS Code extension's tool" if extension else "not a Copilot tool agentport knows"
        context.warn(Code.UNKNOWN_TOOL, "tools", f"'{entry}' is {kind}; kept for Copilot, not converted")

    def _read_subagents(self, data: dict[str, Any], rules: list[Rule], context: ReadContext) -> list[Rule]:
        """``agents`` narrows the ``agent`` tool to the agents named (kept as written otherwise)."""
        value = data.get("agents")
        delegate = Rule("task", Action.ALLOW)
        if value is None or delegate not in rules:
            return rules
        names: list[str] = [value] if isinstance(value, str) else value
        if not _is_list_of(names, str):
            context.invalid("agents", "a list of agent names", value)
            return rules
        del data["agents"]
        if ANY_TOOL in names:
            return rules
        return [rule for rule in rules if rule != delegate] + [Rule("task", Action.ALLOW, name) for name in names]

    def _read_invocation(self, data: dict[str, Any], context: ReadContext) -> tuple[Mode | None, bool | None]:
        user_key = "user-invokable" if "user-invokable" in data and "user-invocable" not in data else "user-invocable"
        if user_key != "user-invocable":
            context.hints["user_key"] = user_key
        user_invocable = take(data, user_key, bool, context, "true or false")
        model_disabled = take(data, "disable-model-invocation", bool, context, "true or false")
        if model_disabled is None and "infer" in data:  # the retired key; the new one wins over it
            infer = take(data, "infer", bool, context, "true or false")
            if infer is not None:
                context.hints["invocation_key"] = "infer"
                model_disabled = not infer
        mode = Mode.PRIMARY if model_disabled else Mode.SUBAGENT if user_invocable is False else None
        return mode, None if user_invocable is None else not user_invocable

    def _read_model(self, data: dict[str, Any], extras: dict[str, Any], context: ReadContext) -> ModelRef | None:
        value = data.get("model")
        if value is None:
            data.pop("model", None)
            return None
        names = value if isinstance(value, list) and self.model_lists else [value]
        model, known = self._model_from_text(names[0]) if names and _is_list_of(names, str) else (None, False)
        if model is None:
            context.invalid("model", "a model name such as 'Claude Sonnet 4.5' or 'GPT-5 (copilot)', or a list", value)
            return None
        del data["model"]
        if isinstance(value, list):
            context.hints["model_style"] = "list"
        if len(names) > 1:
            extras["model"] = names[1:]  # the fallbacks: the neutral model names one model
        context.hints["model_text"] = names[0]
        if not known:
            context.warn(
                Code.UNKNOWN_MODEL, "model", f"'{names[0]}' is not a Copilot model agentport knows; read as '{model}'",
                severity=Severity.INFO,
            )
        return model

    def _model_from_text(self, text: str) -> tuple[ModelRef | None, bool]:
        """The model a Copilot model name means, and whether it is one agentport knows."""
        qualified = _QUALIFIED_MODEL.fullmatch(text.strip())
        name, vendor = (qualified.group(1), qualified.group(2).strip()) if qualified else (text.strip(), None)
        if not _MODEL_NAME.fullmatch(name):
            return None, False
        model_id = self.model_ids.get(name.lower(), name.lower().replace(" ", "-"))
        provider = self.provider if vendor in (None, self.vendor) else vendor
        model = ModelRef(alias=mappings.family_of(model_id), provider=provider, id=model_id)
        return model, provider == self.provider and model_id in self.model_names

    def _read_mcp_servers(self, data: dict[str, Any], context: ReadContext) -> tuple[McpServer, ...] | None:
        value = data.get("mcp-servers")
        if value is None:
            data.pop("mcp-servers", None)
            return None
        if not isinstance(value, dict) or not all(isinstance(config, dict) for config in value.values()):
            context.invalid("mcp-servers", "a map of server names to server settings", value)
            return None
        del data["mcp-servers"]
        return tuple(McpServer(str(name), self._neutral_server(config)) for name, config in value.items())

    def _neutral_server(self, config: dict[str, Any]) -> dict[str, Any]:
        server_type = config.get("type")
        if isinstance(server_type, str) and server_type in self.mcp_types:
            return {**config, "type": self.mcp_types[server_type]}
        return config

    # --- writing -------------------------------------------------------------------------

    def render(self, agent: Agent, context: WriteContext) -> dict[str, Any]:
        own = {key: (self.name, value) for key, value in agent.extras_for(self.name).items()}
        borrowed = {
            key: (dialect, value) for dialect in self.extras_keys for key, value in agent.extras_for(dialect).items()
        }
        unmapped = own.pop("tools", borrowed.pop("tools", (None, None)))[1]
        model_extra = own.pop("model", borrowed.pop("model", (self.name, None)))
        fields = self._render_neutral(agent, unmapped, model_extra, context)
        for key in [key for key in fields if key not in self.keys]:
            value = fields.pop(key)
            field = NEUTRAL_FIELD[key]
            if field is not None:
                context.dropped(field, f"{self.title} files have no '{key}' key ({_short(value)})")
        for key, (dialect, value) in [*own.items(), *borrowed.items()]:
            if dialect != self.name and key in FIELD_ORDER and key not in self.keys:
                context.dropped(f"{dialect}.{key}", f"{self.title} files have no '{key}' key ({_short(value)})")
            else:
                fields.setdefault(key, value)
        return {key: fields[key] for key in (*FIELD_ORDER, *fields) if key in fields}

    def _render_neutral(
        self, agent: Agent, unmapped: Any, model_extra: tuple[str, Any], context: WriteContext
    ) -> dict[str, Any]:
        """The keys a Copilot agent file gives the neutral fields, reporting those it has none for."""
        fields: dict[str, Any] = {"name": agent.name}
        if agent.description is not None:
            fields["description"] = agent.description
        tools, subagents = self._render_tools(agent.rules, unmapped, context)
        if tools is not None:
            fields["tools"] = tools
        if subagents:
            fields["agents"] = subagents
        model = self._render_model(agent.model, model_extra, context)
        if model is not None:
            fields["model"] = model
        fields.update(self._render_invocation(agent, context))
        if agent.mcp_servers is not None:
            servers = self._render_mcp(agent.mcp_servers, context)
            if servers or not agent.mcp_servers:
                fields["mcp-servers"] = servers
        for field in UNEXPRESSED:
            value = getattr(agent, field)
            if not (value is None or value is False or value == ()):
                context.dropped(field, f"{self.title} agents have no {field.replace('_', ' ')} setting ({value!r})")
        return fields

    def _render_tools(
        self, rules: tuple[Rule, ...], unmapped: Any, context: WriteContext
    ) -> tuple[str | list[str] | None, list[str]]:
        """The ``tools`` value and the ``agents`` it narrows the ``agent`` tool to.

        An allowlist lists what it allows. Rules that deny some tools become the list of the
        aliases and tools they do not deny (narrower than the rules: what the list does not name
        is not available). Other rules leave every tool available, as no list does.
        """
        if not rules:
            return unmapped, []  # set only when the file's tools could not be read: kept as written
        if is_allowlist(rules):
            candidates = mentioned_tools(rules)
            for rule in rules[1:]:
                if rule.tool == ANY_TOOL:
                    context.dropped(
                        _rule_field(rule), f"'{rule.action.value}' for every tool: a Copilot tools list names tools"
                    )
        elif any(decide(rules, tool) is Action.DENY for tool in mentioned_tools(rules)):
            aliased = [capability for alias in self.aliases for capability in self.tools.covered(alias)]
            candidates = list(dict.fromkeys([*aliased, *mentioned_tools(rules)]))
            context.approximated(
                f"permission.{ANY_TOOL}",
                "written as a tools list of the aliases and tools not denied: a Copilot tools list cannot deny, "
                "and the tools it does not name (other MCP servers, extension tools) are not available",
            )
        else:
            for rule in rules:
                if rule.tool == ANY_TOOL and rule.action is not Action.ALLOW:
                    context.dropped(
                        _rule_field(rule), f"'{rule.action.value}' for every tool cannot be stated in {self.title}"
                    )
            for tool in mentioned_tools(rules):
                self._grant(tool, rules, context)  # every tool is available: report what it cannot say
            return None, []
        granted: list[str] = []
        subagents: list[str] = []
        for tool in candidates:
            scope = self._grant(tool, rules, context)
            if scope is None:
                continue
            if tool == "task" and scope:
                subagents += scope
            granted.append(tool)
        names: dict[str, list[str]] = {}
        for tool in granted:
            name = self._tool_name(tool)
            if name is None:
                context.dropped(f"permission.{tool}", f"allow: {self.title} has no tool for '{tool}'")
            else:
                names.setdefault(name, []).append(tool)
        for name, wanted in list(names.items()):
            together = f"Copilot's '{name}' grants {' and '.join(self.tools.covered(name))} together"
            others = [capability for capability in self.tools.covered(name) if capability not in granted]
            denied = [capability for capability in others if _denied_by_name(rules, capability)]
            for capability in wanted if denied else others:
                because = f"not granted: {together}, and {', '.join(denied)} is denied" if denied else (
                    f"{together}; {capability} is granted too"
                )  # never grant what a rule denies by name
                context.approximated(f"permission.{capability}", because)
            if denied:
                del names[name]
        entries = [*names, *(unmapped if isinstance(unmapped, list) else [])]
        return self._spelled(entries, context), list(dict.fromkeys(subagents))

    def _grant(self, tool: str, rules: tuple[Rule, ...], context: WriteContext) -> list[str] | None:
        """Whether a tools list grants ``tool``: ``None`` no; ``[]`` wholly; else the patterns
        the rules allow it for (Copilot grants the whole tool, except subagents via ``agents``)."""
        own = [rule for rule in rules if rule.tool == tool]
        decision = decide(rules, tool) or Action.ALLOW  # no rule for it: available, as in Copilot
        if decision in (Action.ALLOW, Action.ASK):
            if decision is Action.ASK:
                context.approximated(f"permission.{tool}", "'ask' written as granted: a Copilot tools list cannot ask")
            for rule in own:
                if rule.pattern is not None and rule.action is Action.DENY:
                    context.approximated(
                        _rule_field(rule), f"a Copilot tools list cannot deny single uses; {tool} is granted"
                    )
            return []
        patterns = [rule.pattern for rule in own if rule.pattern is not None and rule.action is not Action.DENY]
        if not patterns or _denied_by_name(rules, tool):
            return None
        if tool != "task":
            context.approximated(
                f"permission.{tool}",
                f"granted only for {', '.join(patterns)}: a Copilot tools list grants the whole tool",
            )
        return patterns

    def _tool_name(self, capability: str) -> str | None:
        if capability.startswith("mcp:"):
            server, _, tool = capability[4:].partition("/")
            return f"{server}/{tool or '*'}"
        return self.tools.name_for(capability)

    def _spelled(self, entries: Any, context: WriteContext) -> Any:
        if context.hints.get("tools_style") == "string" and isinstance(entries, list):
            return ", ".join(entries)
        return entries

    def _render_model(
        self, model: ModelRef | None, extra: tuple[str, Any], context: WriteContext
    ) -> str | list[str] | None:
        """The ``model`` value; ``extra`` is what the file's ``model`` said beyond the neutral
        model (fallbacks, or an unreadable value) and the dialect that read it."""
        dialect, fallbacks = extra
        primary = self._model_text(model, context)
        if primary is None or (fallbacks is not None and not isinstance(fallbacks, list)):
            return fallbacks if primary is None else primary
        names = [primary, *(fallbacks or [])]
        if not self.model_lists:
            if fallbacks:
                context.dropped(
                    f"{dialect}.model", f"{self.title} files name one model; {', '.join(fallbacks)} left out"
                )
            return primary
        return names if len(names) > 1 or context.hints.get("model_style") == "list" else primary

    def _model_text(self, model: ModelRef | None, context: WriteContext) -> str | None:
        if model is None or (model.id is None and model.alias == "inherit"):
            return None
        spelled = context.hints.get("model_text")
        if spelled is not None and self._model_from_text(spelled)[0] == model:
            return spelled
        if model.id is not None and model.provider in (None, self.provider):
            return self.model_names.get(model.id, model.id)
        family_model = self.family_models.get(model.alias or "")
        if family_model is not None:
            written = self.model_names[family_model]
            if model != mappings.family_default(model.alias):  # type: ignore[arg-type]
                context.approximated("model", f"'{model}' written as Copilot's model of the same family, '{written}'")
            return written
        if model.id in self.model_names:
            written = self.model_names[model.id]
            context.approximated("model", f"'{model}' written as the same model served by Copilot, '{written}'")
            return written
        context.dropped("model", f"'{model}' has no {self.title} equivalent; the agent uses the model picked in chat")
        return None

    def _render_invocation(self, agent: Agent, context: WriteContext) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if agent.mode is Mode.PRIMARY:
            if context.hints.get("invocation_key") == "infer":
                fields["infer"] = False
            else:
                fields["disable-model-invocation"] = True
        elif agent.mode is Mode.SUBAGENT and agent.hidden is not True:
            context.approximated(
                "mode", "'subagent': a Copilot agent is offered in the agents dropdown too (unless hidden)"
            )
        if agent.hidden is not None:
            fields[context.hints.get("user_key", "user-invocable")] = not agent.hidden
        return fields

    def _render_mcp(self, servers: tuple[McpServer, ...], context: WriteContext) -> dict[str, Any]:
        inline: dict[str, Any] = {}
        for server in servers:
            if server.config is None:
                context.dropped(
                    "mcp_servers",
                    f"'{server.name}' names a server configured elsewhere; "
                    f"{self.title} agent files define servers inline",
                )
            else:
                inline[server.name] = dict(server.config)
        return inline


def _tool_entries(yaml_text: str) -> tuple[list[str], bool]:
    """The entries of a top-level ``tools`` value, without parsing the YAML, and whether it is
    a YAML list (rather than a comma string)."""
    match = _TOOLS_LINE.search(yaml_text)
    if match is None:
        return [], False
    rest = yaml_text[match.start(1) :].lstrip(" \t\n")
    if rest.startswith("["):
        flow = rest[1:].split("]", 1)[0]
        return [_first_scalar(item) for item in flow.split(",") if item.strip()], True
    value = match.group(1).split(" #")[0].strip()
    if value:
        return [_first_scalar(item) for item in value.split(",") if item.strip()], False
    entries = []
    for line in yaml_text[match.end() + 1 :].split("\n"):
        item = _BLOCK_ITEM.fullmatch(line)
        if item:
            entries.append(_first_scalar(item.group(1)))
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    return entries, True


def _first_scalar(text: str) -> str:
    """A flow item or a one-line value without quotes, brackets and a trailing comment."""
    return text.split(" #")[0].strip().lstrip("[").rstrip("],").strip().strip("'\"")


def _is_extension(prefix: str, tool: str) -> bool:
    """``publisher.extension/tool`` names a VS Code extension's tool, not an MCP server's."""
    return "." in prefix and tool != ANY_TOOL


def _denied_by_name(rules: tuple[Rule, ...], capability: str) -> bool:
    """Whether a rule denies ``capability`` itself for every input (not only ``*`` does)."""
    return any(rule.tool == capability and rule.pattern is None and rule.action is Action.DENY for rule in rules)


def _rule_field(rule: Rule) -> str:
    return f"permission.{rule.tool}" + (f"({rule.pattern})" if rule.pattern else "")


def _is_list_of(value: Any, kind: type) -> bool:
    return isinstance(value, list) and all(isinstance(item, kind) for item in value)
