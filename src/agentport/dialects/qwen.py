"""Qwen Code subagents: ``.qwen/agents/*.md``, Claude Code's frontmatter with Qwen Code's tools.

Qwen Code reads the Claude Code agent fields (``tools``, ``disallowedTools``, ``permissionMode``,
``maxTurns``, ``color``, ``mcpServers``, ``hooks`` ...) the way Claude Code does, so this dialect
is Claude's with other data and a few differences: tool names are Qwen Code's (``read_file``,
``run_shell_command``, ``mcp__server__tool``; display names such as ``ReadFile`` are read too),
entries take no ``Tool(specifier)``, ``mcpServers`` is a map of server definitions, and
``model`` is ``inherit``, ``fast``, a model id or ``authType:id``. The fields Qwen Code shares
with Claude Code but agentport has no neutral place for are kept as Claude's extras, so they
survive a conversion between the two; ``approvalMode`` and the legacy ``modelConfig`` are Qwen
Code's own. A legacy ``runConfig.max_turns`` is read as the turn limit, written as ``maxTurns``.

Sources: https://qwenlm.github.io/qwen-code-docs/en/users/features/sub-agents/ and qwen-code's
``packages/core/src/subagents/`` (agent-frontmatter-schema.ts, types.ts); see ``formats/qwen/``.
"""

from __future__ import annotations

import re
from typing import Any

from .. import mappings
from ..model import Action, Agent, McpServer, ModelRef, Rule
from ._subagent import provider_of
from .base import ReadContext, WriteContext, take
from .claude import Claude

SHARED_WITH_CLAUDE = ("permissionMode", "hooks", "memory", "background", "effort", "isolation", "initialPrompt")
"""Claude Code fields Qwen Code reads too, with no neutral field: kept as Claude's extras."""
_TOOL_LISTS = re.compile(r"^(?:tools|disallowedTools):[^\n]*(?:\n[ \t]+[^\n]*)*", re.MULTILINE)


class Qwen(Claude):
    name = "qwen"
    title = "Qwen Code"
    agents_dir = ".qwen/agents"
    patterns = ("*.qwen/agents/*.md",)
    markers = (
        "name", "description", "model", "tools", "disallowedTools", "maxTurns", "color", "skills", "mcpServers",
        *SHARED_WITH_CLAUDE, "approvalMode", "modelConfig", "runConfig", "executor",
    )
    signature = ("approvalMode", "modelConfig", "runConfig", "executor")
    notes = "Claude Code's subagent fields with Qwen Code tool names; approvalMode; model authType:id"
    extras_keys = ("claude",)
    list_style = "list"

    def __init__(self) -> None:
        super().__init__()
        data = mappings.table(self.name)
        self.auth_types: dict[str, str] = dict(data["models"]["auth_types"])
        self.providers: dict[str, str] = dict(data["models"]["providers"])
        self.tool_groups: dict[str, list[str]] = dict(data["tool_groups"])
        self.legacy_colors = frozenset(data["colors"]["legacy"])
        self._own_tool = re.compile(rf"\b(?:{'|'.join(name for name in data['tools'] if '_' in name)})\b")
        self._own_key = re.compile(rf"^(?:{'|'.join(self.signature)}):", re.MULTILINE)

    def has_signature(self, frontmatter_text: str, keys: set[str]) -> bool:
        """A tool list naming Qwen Code's snake_case tools marks a Qwen Code file too."""
        if super().has_signature(frontmatter_text, keys):
            return True
        return any(self._own_tool.search(entry.group(0)) for entry in _TOOL_LISTS.finditer(frontmatter_text))

    def looks_like(self, text: str) -> int:
        """Less sure on tool names alone: Gemini CLI and others share some of them."""
        score = super().looks_like(text)
        return score - 1 if score and not self._own_key.search(text[:8192]) else score

    # --- reading -------------------------------------------------------------------------

    def parse(self, data: dict[str, Any], context: ReadContext) -> Agent:
        data = dict(data)
        run_config = data.get("runConfig")
        if "maxTurns" not in data and isinstance(run_config, dict) and "max_turns" in run_config:
            # Qwen Code's legacy place for the limit; maxTurns replaces it (and wins over it).
            data["maxTurns"] = run_config["max_turns"]
            rest = {key: value for key, value in run_config.items() if key != "max_turns"}
            if rest:
                data["runConfig"] = rest
            else:
                del data["runConfig"]
        agent = super().parse(data, context)
        own = dict(agent.extras_for(self.name))
        shared = {key: own.pop(key) for key in SHARED_WITH_CLAUDE if key in own}
        extras = {name: fields for name, fields in (("claude", shared), (self.name, own)) if fields}
        return agent.replace(extras=extras)

    def _entry_rules(self, tool: str, specifier: str | None, action: Action) -> list[Rule] | None:
        if specifier is not None:
            return None  # Qwen Code takes "Tool(x)" as a tool of that whole name
        return super()._entry_rules(tool, specifier, action)

    def _read_model(self, data: dict[str, Any], context: ReadContext) -> ModelRef | None:
        value = take(data, "model", str, context, "inherit, fast, a model id or authType:id")
        if value is None:
            return None
        if value in self.aliases:
            return ModelRef(alias=value)
        auth_type, colon, model_id = value.partition(":")
        if colon and auth_type in self.auth_types:
            return ModelRef(alias=mappings.family_of(model_id), provider=self.auth_types[auth_type], id=model_id)
        return ModelRef(alias=mappings.family_of(value), provider=self._provider_of(value), id=value)

    # --- writing -------------------------------------------------------------------------

    def render(self, agent: Agent, context: WriteContext) -> dict[str, Any]:
        shared: dict[str, Any] = {}
        for key, value in agent.extras_for("claude").items():
            if key in SHARED_WITH_CLAUDE:
                shared[key] = value
            else:
                context.dropped(f"claude.{key}", f"{value!r:.60} has no equivalent in {self.title}")
        merged = {**shared, **agent.extras_for(self.name)}
        return super().render(agent.replace(extras={**agent.extras, self.name: merged}), context)

    def _render_rules(self, agent: Agent, context: WriteContext) -> tuple[list[str], list[str]]:
        plain: list[Rule] = []
        for rule in agent.rules:
            if rule.pattern is None:
                plain.append(rule)
            else:
                context.dropped(
                    f"permission.{rule.tool}({rule.pattern})",
                    f"'{rule.action.value}' only for '{rule.pattern}': {self.title} tool lists cannot limit a tool to some inputs",
                )
        return super()._render_rules(agent.replace(rules=tuple(plain)), context)

    def _entries_for(self, grants: dict[str, list[str | None]]) -> list[str]:
        entries = super()._entries_for(grants)
        return list(dict.fromkeys(name for entry in entries for name in self.tool_groups.get(entry, [entry])))

    def _render_mcp_servers(self, servers: tuple[McpServer, ...], context: WriteContext) -> Any:
        written: dict[str, Any] = {}
        for server in servers:
            if server.config is None:
                context.dropped(
                    f"mcp_servers.{server.name}",
                    f"{self.title} defines an agent's MCP servers in full; '{server.name}' names one without its settings",
                )
            else:
                written[server.name] = dict(server.config)
        return written

    def _render_model(self, model: ModelRef | None, context: WriteContext) -> str | None:
        if model is None:
            return None
        if model.id is None:
            if model.alias in self.aliases:
                return model.alias
            default = mappings.family_default(model.alias) if model.alias else None
            if default is None:
                context.dropped("model", f"'{model.alias}' is not a {self.title} model; the session's model applies")
                return None
            context.approximated("model", f"the family alias '{model.alias}' written as its current model, '{default}'")
            model = default
        assert model.id is not None
        if model.provider in (None, self._provider_of(model.id)):
            return model.id
        auth_type = next((auth for auth, provider in self.auth_types.items() if provider == model.provider), None)
        if auth_type is not None:
            return f"{auth_type}:{model.id}"
        context.approximated(
            "model", f"'{model}': {self.title} has no auth type for '{model.provider}'; written as the bare id"
        )
        return model.id

    def _provider_of(self, model_id: str) -> str:
        return provider_of(model_id, self.providers) or self.provider

    def _render_color(self, color: str | None, context: WriteContext) -> str | None:
        if color in self.legacy_colors:
            return color
        return super()._render_color(color, context)
