"""OpenCode agents: ``.opencode/agent[s]/**/*.md``; the file's path is the agent's name.

``permission`` is one action for everything or a map of tool keys to an action or to a map of
glob patterns (last match wins); the deprecated ``tools`` boolean map is still read. Keys
OpenCode does not define are passed to the model provider, so they are kept as written.

The same fields make an entry of the ``agent`` map in ``opencode.json`` (dialect
``opencode-json``), and Kilo Code, a fork, reads them too (``kilo``, ``kilo-json``):
:class:`OpenCodeFields` maps them once for all four, and keeps what the neutral model lacks as
``opencode``'s extras, shared by all four - but for what only a fork's own tools take.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from .. import mappings
from ..diagnostics import Code, Severity
from ..model import ANY_TOOL, Action, Agent, Mode, ModelRef, Rule
from ..permissions import decide
from .base import FieldDialect, MarkdownDialect, ReadContext, WriteContext, take

FIELD_ORDER = (
    "description", "mode", "model", "variant", "temperature", "top_p", "prompt", "steps",
    "maxSteps", "disable", "hidden", "color", "tools", "permission",
)
ACTIONS = {action.value: action for action in Action}
SHARED = "opencode"
"""The extras key of every dialect of OpenCode's fields."""
FILE_REFERENCE = re.compile(r"\{file:[^}]*\}")
"""OpenCode's config substitution: the text of a file, put in place when the config is loaded."""


class OpenCodeFields(FieldDialect):
    """OpenCode's agent fields, whichever file holds them and whichever fork reads them.

    A subclass says where an agent's name comes from (:meth:`agent_name`) and which file
    format holds the fields.
    """

    field_keys = {
        "rules": ("permission", "tools"), "max_turns": ("steps", "maxSteps"), "disabled": ("disable",)
    }
    expresses = frozenset(
        {"name", "description", "prompt", "mode", "model", "rules", "temperature", "top_p", "max_turns",
         "color", "hidden", "disabled"}
    )
    names_from = SHARED
    tool_table: ClassVar[str] = SHARED
    """The tool this dialect is for: ``formats/<tool_table>/`` names the tools it has beyond
    OpenCode's (``native_tools``), and the extras key of their settings is ``tool_table``."""
    prompt_in_fields: ClassVar[bool] = False
    """The prompt is the ``prompt`` field (a JSON config entry), not a Markdown body."""

    def __init__(self) -> None:
        data = mappings.table("opencode")
        self.tools = mappings.ToolMap.of("opencode")
        self.mcp_separator = data["patterns"]["mcp_separator"]
        self.theme_colors = frozenset(data["colors"]["theme"])
        self.native = mappings.ToolMap.of(self.tool_table).native

    def agent_name(self, data: dict[str, Any], context: ReadContext) -> str:
        """The name of the agent whose fields are ``data``."""
        raise NotImplementedError

    # --- reading -------------------------------------------------------------------------

    def parse(self, data: dict[str, Any], context: ReadContext) -> Agent:
        data = dict(data)
        extras: dict[str, Any] = {}
        name = self.agent_name(data, context)
        rules: list[Rule] = []
        if "tools" in data:
            rules += self._read_tools_map(data.pop("tools"), extras, context)
            if "permission" not in data:
                context.hints["permission_style"] = "tools"
        if "permission" in data:
            rules += self._read_permission(data.pop("permission"), extras, context)
        steps_key = "steps" if "steps" in data or "maxSteps" not in data else "maxSteps"
        context.hints["steps_key"] = steps_key
        color = take(data, "color", str, context, "a hex colour or theme colour name")
        agent = Agent(
            name=name,
            description=take(data, "description", str, context, "a string"),
            prompt=self._read_prompt(data, context) if self.prompt_in_fields else context.prompt,
            mode=self._read_mode(data, context),
            model=self._read_model(data, context),
            rules=tuple(rules),
            temperature=_number(take(data, "temperature", (int, float), context, "a number")),
            top_p=_number(take(data, "top_p", (int, float), context, "a number")),
            max_turns=take(data, steps_key, int, context, "a whole number"),
            color=(mappings.color_name(color) or color) if color else None,
            hidden=take(data, "hidden", bool, context, "true or false"),
            disabled=take(data, "disable", bool, context, "true or false"),
        )
        extras.update(data)
        return agent.replace(extras=self._extras_by_tool(extras))

    def _extras_by_tool(self, extras: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """``extras`` under OpenCode's key, but for the settings of tools only this one has."""
        own: dict[str, Any] = {}
        for key in ("permission", "tools"):
            entries = extras.get(key)
            if isinstance(entries, dict) and any(str(name).lower() in self.native for name in entries):
                own[key] = {name: value for name, value in entries.items() if str(name).lower() in self.native}
                extras[key] = {name: value for name, value in entries.items() if name not in own[key]}
                if not extras[key]:
                    del extras[key]
        homes = {SHARED: extras, self.tool_table: own} if own else {SHARED: extras}
        return {home: fields for home, fields in homes.items() if fields}

    def _read_prompt(self, data: dict[str, Any], context: ReadContext) -> str:
        prompt = take(data, "prompt", str, context, "a string")
        if prompt is None:
            return ""
        reference = FILE_REFERENCE.search(prompt)
        if reference is not None:
            context.warn(
                Code.UNRESOLVED_REFERENCE,
                "prompt",
                f"'{reference.group(0)}' is replaced by that file's content when {self.title} loads the "
                "agent; agentport keeps the reference as written, so other dialects receive it, not the prompt",
            )
        return prompt

    def _read_mode(self, data: dict[str, Any], context: ReadContext) -> Mode | None:
        value = data.get("mode")
        if isinstance(value, str) and value in Mode._value2member_map_:
            del data["mode"]
            return Mode(value)
        if value is not None:
            context.invalid("mode", "primary, subagent or all", value)
        return None

    def _read_model(self, data: dict[str, Any], context: ReadContext) -> ModelRef | None:
        value = take(data, "model", str, context, "provider/model-id")
        if value is None:
            return None
        model = mappings.parse_provider_model(value)
        if model.provider is None:
            context.warn(Code.INVALID_VALUE, "model", f"'{value}' has no provider: {self.title} expects provider/model-id")
        return model

    def _capabilities(self, key: str) -> tuple[str, ...] | None:
        if key.lower() in self.native:
            return None  # a tool only this dialect has: kept for it, never mapped
        known = self.tools.capabilities(key)
        if known is not None:
            return known
        server, separator, tool = key.partition(self.mcp_separator)
        if separator and server and tool:
            return (f"mcp:{server}/{tool}",)
        return None

    def _read_tools_map(self, value: Any, extras: dict[str, Any], context: ReadContext) -> list[Rule]:
        if not isinstance(value, dict):
            context.invalid("tools", "a map of tool names to true or false", value)
            extras["tools"] = value
            return []
        rules: list[Rule] = []
        unknown: dict[str, Any] = {}
        for key, enabled in value.items():
            capabilities = self._capabilities(str(key)) if key != ANY_TOOL else (ANY_TOOL,)
            if capabilities is None or not isinstance(enabled, bool):
                unknown[key] = enabled
                continue
            action = Action.ALLOW if enabled else Action.DENY
            rules += [Rule(capability, action) for capability in capabilities]
        if unknown:
            self._keep_unknown("tools", unknown, extras, context)
        return rules

    def _read_permission(self, value: Any, extras: dict[str, Any], context: ReadContext) -> list[Rule]:
        if isinstance(value, str) and value in ACTIONS:
            context.hints["permission_scalar"] = True
            return [Rule(ANY_TOOL, ACTIONS[value])]
        if not isinstance(value, dict):
            context.invalid("permission", "allow, ask, deny or a map of tools", value)
            extras["permission"] = value
            return []
        rules: list[Rule] = []
        unknown: dict[str, Any] = {}
        for key, setting in value.items():
            capabilities = (ANY_TOOL,) if key == ANY_TOOL else self._capabilities(str(key))
            parsed = _setting_rules(capabilities, setting) if capabilities else None
            if parsed is None:
                unknown[key] = setting
            else:
                rules += parsed
        if unknown:
            self._keep_unknown("permission", unknown, extras, context)
        return rules

    def _keep_unknown(self, key: str, unknown: dict[str, Any], extras: dict[str, Any], context: ReadContext) -> None:
        extras[key] = unknown
        strange = [name for name in map(str, unknown) if name.lower() not in self.native]
        if strange:
            context.warn(
                Code.UNKNOWN_TOOL,
                key,
                f"{', '.join(strange)}: not an {self.title} tool or not a valid setting; kept for {self.title} only",
                severity=Severity.INFO,
            )

    # --- writing -------------------------------------------------------------------------

    def render(self, agent: Agent, context: WriteContext) -> dict[str, Any]:
        extras: dict[str, Any] = {}
        for home in (*self.extras_keys, self.name):
            for key, value in agent.extras_for(home).items():
                both_maps = isinstance(value, dict) and isinstance(extras.get(key), dict)
                extras[key] = {**extras[key], **value} if both_maps else value
        fields: dict[str, Any] = {}
        if agent.description is not None:
            fields["description"] = agent.description
        if agent.mode is not None:
            fields["mode"] = agent.mode.value
        model = self._render_model(agent.model, context)
        if model is not None:
            fields["model"] = model
        for key, value in (("temperature", agent.temperature), ("top_p", agent.top_p)):
            if value is not None:
                fields[key] = value
        if agent.max_turns is not None:
            fields[context.hints.get("steps_key", "steps")] = agent.max_turns
        if agent.disabled is not None:
            fields["disable"] = agent.disabled
        if agent.hidden is not None:
            fields["hidden"] = agent.hidden
        color = self._render_color(agent.color, context)
        if color is not None:
            fields["color"] = color
        self._render_rules(agent, fields, extras, context)
        for field in ("skills", "mcp_servers"):
            if getattr(agent, field):
                context.dropped(field, f"{self.title} agent files have no {field.replace('_', ' ')} list ({getattr(agent, field)!r})")
        fields.update(extras)
        if self.prompt_in_fields and agent.prompt:
            fields["prompt"] = agent.prompt
        return {key: fields[key] for key in (*FIELD_ORDER, *fields) if key in fields}

    def _render_rules(self, agent: Agent, fields: dict[str, Any], extras: dict[str, Any], context: WriteContext) -> None:
        groups: dict[str, list[Rule]] = {}
        for rule in agent.rules:
            key = ANY_TOOL if rule.tool == ANY_TOOL else self._key_for(rule.tool)
            if key is None:
                context.dropped(f"permission.{rule.tool}", f"{rule.action.value}: {self.title} has no tool for '{rule.tool}'")
                continue
            groups.setdefault(key, []).append(rule)
        permission: dict[str, Any] = {}
        for key, rules in groups.items():
            rules = self._merge_shared_key(key, rules, agent.rules, context)
            patterns: dict[str, Action] = {}
            for rule in rules:
                patterns[rule.pattern or ANY_TOOL] = rule.action
            if list(patterns) == [ANY_TOOL]:
                permission[key] = patterns[ANY_TOOL].value
            else:
                permission[key] = {pattern: action.value for pattern, action in patterns.items()}
        unknown_permission = extras.pop("permission", None)
        if isinstance(unknown_permission, dict):
            permission.update(unknown_permission)
        elif unknown_permission is not None and not permission:
            permission = unknown_permission
        unknown_tools = extras.pop("tools", None)
        tools_map = _as_tools_map(permission) if context.hints.get("permission_style") == "tools" else None
        if tools_map is not None:
            fields["tools"] = {**tools_map, **(unknown_tools or {})}
            return
        if unknown_tools is not None:
            fields["tools"] = unknown_tools
        if list(permission) == [ANY_TOOL] and isinstance(permission[ANY_TOOL], str) and context.hints.get("permission_scalar"):
            fields["permission"] = permission[ANY_TOOL]
        elif permission:
            fields["permission"] = permission

    def _merge_shared_key(self, key: str, rules: list[Rule], all_rules: tuple[Rule, ...], context: WriteContext) -> list[Rule]:
        """Rules for a key that governs several capabilities (``edit``: edit and write)."""
        covered = self.tools.covered(key)
        if len(covered) < 2:
            return rules
        mentioned = [rule.tool for rule in rules]
        lead = key if key in mentioned else mentioned[0]
        for capability in covered:
            if capability != lead and decide(all_rules, capability) != decide(all_rules, lead):
                context.approximated(
                    f"permission.{capability}",
                    f"{self.title}'s '{key}' governs {' and '.join(covered)} together; "
                    f"{capability} follows {lead} ({(decide(all_rules, lead) or Action.ALLOW).value})",
                )
        return [rule for rule in rules if rule.tool == lead]

    def _key_for(self, capability: str) -> str | None:
        if capability.startswith("mcp:"):
            server, _, tool = capability[4:].partition("/")
            return f"{server}{self.mcp_separator}{tool or '*'}"
        return self.tools.name_for(capability)

    def _render_model(self, model: ModelRef | None, context: WriteContext) -> str | None:
        if model is None or (model.id is None and model.alias == "inherit"):
            return None
        if model.provider and model.id:
            return f"{model.provider}/{model.id}"
        default = mappings.family_default(model.alias) if model.alias else None
        if default is not None:
            context.approximated(
                "model", f"the family alias '{model.alias}' written as its current model, '{default}'"
            )
            return str(default)
        context.dropped("model", f"'{model}' cannot be written as provider/model-id")
        return None

    def _render_color(self, color: str | None, context: WriteContext) -> str | None:
        if color is None or color.startswith("#") or color in self.theme_colors:
            return color
        hex_value = mappings.named_colors().get(color)
        if hex_value is None:
            context.dropped("color", f"'{color}' is neither a hex colour nor an {self.title} theme colour")
        return hex_value


def _setting_rules(capabilities: tuple[str, ...], setting: Any) -> list[Rule] | None:
    if isinstance(setting, str) and setting in ACTIONS:
        return [Rule(capability, ACTIONS[setting]) for capability in capabilities]
    if isinstance(setting, dict) and setting and all(
        isinstance(action, str) and action in ACTIONS for action in setting.values()
    ):
        return [
            Rule(capability, ACTIONS[action], None if pattern == ANY_TOOL else str(pattern))
            for capability in capabilities
            for pattern, action in setting.items()
        ]
    return None


def _as_tools_map(permission: dict[str, Any]) -> dict[str, bool] | None:
    """The deprecated ``tools`` form of ``permission``, if it says only allow or deny per tool."""
    if any(not isinstance(value, str) or value == "ask" for value in permission.values()):
        return None
    return {key: value == "allow" for key, value in permission.items()}


def _number(value: int | float | None) -> float | None:
    return None if value is None else float(value)


class OpenCode(OpenCodeFields, MarkdownDialect):
    name = "opencode"
    title = "OpenCode"
    agents_dir = ".opencode/agents"
    patterns = ("*.opencode/agent/*.md", "*.opencode/agents/*.md")
    markers: ClassVar[tuple[str, ...]] = ("mode", "permission", "temperature", "top_p", "steps", "maxSteps")
    notes = "name = path under agent(s)/; permission globs, last match wins; tools map read"
    folders: ClassVar[tuple[str, ...]] = (".opencode/agents/", ".opencode/agent/")
    """The agents folders; the path below one, without ``.md``, is the agent's name."""

    def name_from_path(self, path: str) -> str:
        posix = path.replace("\\", "/")
        for folder in self.folders:
            if folder in posix:
                relative = posix.split(folder, 1)[1]
                return relative[: -len(self.suffix)] if relative.endswith(self.suffix) else relative
        return super().name_from_path(path)

    def agent_name(self, data: dict[str, Any], context: ReadContext) -> str:
        # OpenCode names an agent by its path; a `name` key saying the same is not a field of
        # its own (one that says otherwise is kept, and reported where it cannot go).
        name = self.name_from_path(context.path) if context.path else None
        given = data.get("name")
        if isinstance(given, str) and given and given == (name or given):
            del data["name"]
            return given
        return name or "agent"
