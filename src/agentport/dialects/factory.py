"""Factory custom droids: ``.factory/droids/*.md``, Markdown with YAML frontmatter.

``tools`` is omitted (every tool), a category (``read-only``, ``edit``, ``execute``, ``web``,
``mcp``) or a list of case-sensitive tool ids (``Read``, ``LS``, ``Grep``, ``Glob``, ``Create``,
``Edit``, ``ApplyPatch``, ``Execute``, ``WebSearch``, ``FetchUrl``, ``mcp__server__tool``); every
droid also has ``TodoWrite``. ``mcpServers`` names MCP servers configured in ``mcp.json``.
``model`` is ``inherit``, a model id or ``custom:<model>`` (bring your own key);
``reasoningEffort`` stays in extras. A category is written back as a category when the droid was
read with one and its tools still match one; otherwise tools are written as a list.

Sources: https://docs.factory.ai/cli/configuration/custom-droids (Factory-AI/factory
``docs/cli/configuration/custom-droids.mdx``, 2026-07-24); see ``formats/factory/``.
"""

from __future__ import annotations

import re
from typing import Any

from .. import mappings
from ..model import Agent, McpServer, Mode, ModelRef, Rule
from ._subagent import provider_of, report_unheld
from ._tool_lists import McpNames, ToolList, report_rule_losses
from .base import MarkdownDialect, ReadContext, WriteContext, take

FIELD_ORDER = ("name", "description", "model", "reasoningEffort", "tools", "mcpServers")


class Factory(MarkdownDialect):
    name = "factory"
    title = "Factory"
    agents_dir = ".factory/droids"
    patterns = ("*.factory/droids/*.md",)
    markers = FIELD_ORDER
    signature = ("reasoningEffort",)
    notes = "custom droids; tools category or tool-id list; mcpServers by name; model custom:<id>"
    field_keys = {"rules": ("tools",), "mcp_servers": ("mcpServers",)}
    expresses = frozenset({"name", "description", "prompt", "model", "rules", "mcp_servers"})

    def __init__(self) -> None:
        data = mappings.table(self.name)
        patterns = data["patterns"]
        self.tool_list = ToolList(
            self.name,
            self.title,
            McpNames(patterns["mcp_prefix"], patterns["mcp_separator"]),
            implied=data["implied_tools"]["capabilities"],
        )
        self.categories: dict[str, list[str]] = dict(data["categories"])
        self._category_line = re.compile(
            rf"^tools:[ \t]*(['\"]?)({'|'.join(map(re.escape, self.categories))})\1[ \t]*(?:#.*)?$", re.MULTILINE
        )
        models = data["models"]
        self.aliases = frozenset(models["aliases"])
        self.custom_prefix = models["custom_prefix"]
        self.custom_provider = models["custom_provider"]
        self.provider = models["provider"]
        self.providers: dict[str, str] = dict(models["providers"])
        self.family_models: dict[str, str] = dict(models["families"])

    def has_signature(self, frontmatter_text: str, keys: set[str]) -> bool:
        """A tools category is as much Factory's own as ``reasoningEffort``."""
        return super().has_signature(frontmatter_text, keys) or self._category_line.search(frontmatter_text) is not None

    # --- reading -------------------------------------------------------------------------

    def parse(self, data: dict[str, Any], context: ReadContext) -> Agent:
        data = dict(data)
        extras: dict[str, Any] = {}
        name, _ = context.required_name(data)
        agent = Agent(
            name=name,
            description=take(data, "description", str, context, "a string"),
            prompt=context.prompt,
            mode=Mode.SUBAGENT,
            model=self._read_model(data, context),
            rules=self._read_tools(data, extras, context),
            mcp_servers=self._read_mcp_servers(data, context),
        )
        extras.update(data)
        return agent.replace(extras={self.name: extras} if extras else {})

    def _read_tools(self, data: dict[str, Any], extras: dict[str, Any], context: ReadContext) -> tuple[Rule, ...]:
        value = data.pop("tools", None)
        if value is None:
            return ()
        if isinstance(value, str) and value in self.categories:
            context.hints["tools_style"] = "category"
            if not self.categories[value]:
                extras["tools"] = value  # every MCP tool: no neutral form
            return self.tool_list.read(self.categories[value])[0]
        if isinstance(value, str):
            context.hints["tools_style"] = "string"
            value = [entry.strip() for entry in value.split(",") if entry.strip()]
        if not (isinstance(value, list) and all(isinstance(entry, str) for entry in value)):
            context.invalid("tools", "a category or a list of tool ids", value)
            context.hints["tools_style"] = "invalid"  # warned: stays in its file, never written anew
            extras["tools"] = value
            return ()
        rules, unmapped = self.tool_list.read_list(value, "tools", context)
        if unmapped:
            extras["tools"] = unmapped
        return rules

    def _read_mcp_servers(self, data: dict[str, Any], context: ReadContext) -> tuple[McpServer, ...] | None:
        value = data.get("mcpServers")
        if value is None:
            return None
        if isinstance(value, list) and all(isinstance(name, str) for name in value):
            del data["mcpServers"]
            return tuple(McpServer(name) for name in value)
        context.invalid("mcpServers", "a list of MCP server names", value)
        return None

    def _read_model(self, data: dict[str, Any], context: ReadContext) -> ModelRef | None:
        value = take(data, "model", str, context, "inherit, a model id or custom:<model>")
        if value is None:
            return None
        if value in self.aliases:
            return ModelRef(alias=value)
        if value.startswith(self.custom_prefix):
            model_id = value[len(self.custom_prefix) :]
            return ModelRef(alias=mappings.family_of(model_id), provider=self.custom_provider, id=model_id)
        return ModelRef(alias=mappings.family_of(value), provider=self._provider_of(value), id=value)

    def _provider_of(self, model_id: str) -> str:
        return provider_of(model_id, self.providers) or self.provider

    # --- writing -------------------------------------------------------------------------

    def render(self, agent: Agent, context: WriteContext) -> dict[str, Any]:
        extras = dict(agent.extras_for(self.name))
        fields: dict[str, Any] = {"name": agent.name}
        if agent.description is not None:
            fields["description"] = agent.description
        model = self._render_model(agent.model, context)
        if model is not None:
            fields["model"] = model
        tools = self._render_tools(agent.rules, extras.pop("tools", None), context)
        if tools is not None:
            fields["tools"] = tools
        if agent.mcp_servers is not None:
            fields["mcpServers"] = self._render_mcp_servers(agent.mcp_servers, context)
        report_unheld(
            agent, ("temperature", "top_p", "max_turns", "color", "skills", "hidden", "disabled"), context, self.title
        )
        fields.update(extras)
        return {key: fields[key] for key in (*FIELD_ORDER, *fields) if key in fields}

    def _render_tools(self, rules: tuple[Rule, ...], kept: Any, context: WriteContext) -> str | list[str] | None:
        names = self.tool_list.write(rules)
        tools: str | list[str] | None
        if isinstance(kept, str) and not names:
            names, tools = [], kept  # a category with no neutral form, still what the droid says
        else:
            if kept is not None and not isinstance(kept, list) and context.hints.get("tools_style") != "invalid":
                context.dropped(f"{self.name}.tools", f"{kept!r:.60} is not a category or a list of tool ids")
            if isinstance(kept, list):
                names = [*(names or []), *self.tool_list.kept(kept, context)]
            tools = self._as_category(names, context) if names is not None else None
        written = self.tool_list.read(names)[0] if names is not None else ()
        report_rule_losses(
            rules, written, context, f"a droid's tools list names what it may use, and {self.title} always adds TodoWrite"
        )
        return tools

    def _as_category(self, names: list[str], context: WriteContext) -> str | list[str]:
        if context.hints.get("tools_style") != "category":
            return ", ".join(names) if context.hints.get("tools_style") == "string" else names
        granted = set(self.tool_list.read(names)[0])
        for category, members in self.categories.items():
            if members and set(self.tool_list.read(members)[0]) == granted:
                return category
        return names

    def _render_mcp_servers(self, servers: tuple[McpServer, ...], context: WriteContext) -> list[str]:
        for server in servers:
            if server.config is not None:
                context.approximated(
                    f"mcp_servers.{server.name}",
                    f"{self.title} droids name MCP servers configured in mcp.json; '{server.name}' is written by name, "
                    "its settings are not",
                )
        return [server.name for server in servers]

    def _render_model(self, model: ModelRef | None, context: WriteContext) -> str | None:
        if model is None:
            return None
        if model.id is None and model.alias in self.aliases:
            return model.alias
        if model.id is not None and model.provider == self.custom_provider:
            return f"{self.custom_prefix}{model.id}"
        if model.id is not None and model.provider in (None, self._provider_of(model.id)):
            return model.id
        if model.alias in self.family_models:
            written = self.family_models[model.alias]
            context.approximated("model", f"'{model}' written as {self.title}'s {model.alias} model, '{written}'")
            return written
        context.dropped("model", f"'{model}' is not a {self.title} model; the droid inherits the session's model")
        return None
