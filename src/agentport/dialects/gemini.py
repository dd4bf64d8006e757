"""Gemini CLI subagents: ``.gemini/agents/*.md``, Markdown with YAML frontmatter.

``tools`` lists the tools the agent may use, by Gemini CLI's names (``read_file``,
``run_shell_command``, ``mcp_<server>_<tool>``, ``*`` for every tool); ``mcp_servers`` defines
MCP servers inline; ``model`` is ``inherit``, a selector (``pro``, ``flash``, ``auto``) or a
Gemini model id. The loader refuses a file with any key it does not define: such keys are
warned about when read, kept as written in that file, and never written anew. A ``kind: remote``
agent (an A2A agent card) keeps its card fields in extras.

Sources: https://geminicli.com/docs/core/subagents and gemini-cli's
``packages/core/src/agents/agentLoader.ts`` (5411f11, 2026-08-21); see ``formats/gemini/``.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from .. import mappings
from ..diagnostics import Code, Severity
from ..model import Agent, McpServer, Mode, ModelRef
from ._subagent import report_unheld
from ._tool_lists import McpNames, ToolList, report_rule_losses
from .base import MarkdownDialect, ReadContext, WriteContext, take

LOCAL_KEYS = (
    "name", "description", "kind", "display_name", "tools", "mcp_servers", "model", "temperature",
    "max_turns", "timeout_mins",
)
REMOTE_KEYS = ("name", "description", "kind", "display_name", "agent_card_url", "agent_card_json", "auth")
"""The keys Gemini CLI's loader accepts for a local and a remote agent (zod ``.strict()``)."""
REMOTE_ONLY = frozenset(REMOTE_KEYS) - frozenset(LOCAL_KEYS)
FIELD_ORDER = tuple(dict.fromkeys((*LOCAL_KEYS, *REMOTE_KEYS)))
NEUTRAL_KEYS = ("name", "description", "mcp_servers", "model", "temperature", "max_turns")
"""Keys read into neutral fields: one left in extras had a value the loader rejects."""
KEPT_AS_WRITTEN = "kept_as_written"
"""Hint: keys warned about when read, which stay in their file and are never written anew."""


class Gemini(MarkdownDialect):
    name = "gemini"
    title = "Gemini CLI"
    agents_dir = ".gemini/agents"
    patterns = ("*.gemini/agents/*.md",)
    markers = FIELD_ORDER
    signature = ("kind", "display_name", "mcp_servers", "max_turns", "timeout_mins", "agent_card_url", "agent_card_json")
    notes = "subagents; tools allowlist of Gemini tool names; inline mcp_servers; strict keys"
    field_keys = {"mcp_servers": ("mcp_servers",), "rules": ("tools",)}
    expresses = frozenset(
        {"name", "description", "prompt", "model", "rules", "temperature", "max_turns", "mcp_servers"}
    )

    def __init__(self) -> None:
        data = mappings.table(self.name)
        patterns = data["patterns"]
        self.tool_list = ToolList(
            self.name,
            self.title,
            McpNames(patterns["mcp_prefix"], patterns["mcp_separator"]),
            all_tools=patterns["all_tools"],
            accepted_prefixes=(patterns["discovered_prefix"], patterns["mcp_prefix"]),
        )
        self.provider = data["models"]["provider"]
        self.aliases = frozenset(data["models"]["aliases"])
        self.model_ids = tuple(pattern.lower() for pattern in data["models"]["ids"])

    # --- reading -------------------------------------------------------------------------

    def parse(self, data: dict[str, Any], context: ReadContext) -> Agent:
        data = dict(data)
        extras: dict[str, Any] = {}
        self._check_keys(data, context)
        name, _ = context.required_name(data)
        rules = self._read_tools(data, extras, context)
        temperature = take(data, "temperature", (int, float), context, "a number")
        agent = Agent(
            name=name,
            description=take(data, "description", str, context, "a string"),
            prompt=context.prompt,
            mode=Mode.SUBAGENT,
            model=self._read_model(data, context),
            rules=rules,
            temperature=None if temperature is None else float(temperature),
            max_turns=self._read_max_turns(data, context),
            mcp_servers=self._read_mcp_servers(data, context),
        )
        context.hints.setdefault(KEPT_AS_WRITTEN, []).extend(key for key in NEUTRAL_KEYS if key in data)
        extras.update(data)
        return agent.replace(extras={self.name: extras} if extras else {})

    def _check_keys(self, data: dict[str, Any], context: ReadContext) -> None:
        kind = data.get("kind", "remote" if not REMOTE_ONLY.isdisjoint(data) else "local")
        if kind not in ("local", "remote"):
            context.invalid("kind", "local or remote", kind)
            context.hints.setdefault(KEPT_AS_WRITTEN, []).append("kind")
            return
        accepted = REMOTE_KEYS if kind == "remote" else LOCAL_KEYS
        for key in data:
            if key not in accepted:
                context.warn(
                    Code.INVALID_INPUT,
                    key,
                    f"{self.title} refuses to load a {kind} agent with the key '{key}' (it takes "
                    f"{', '.join(accepted)}); kept in this file, never written anew",
                )
                context.hints.setdefault(KEPT_AS_WRITTEN, []).append(key)

    def _read_tools(self, data: dict[str, Any], extras: dict[str, Any], context: ReadContext) -> tuple:
        if "tools" not in data:
            return ()
        value = data.pop("tools")
        if not (isinstance(value, list) and all(isinstance(entry, str) for entry in value)):
            context.invalid("tools", "a list of tool names", value)
            context.hints.setdefault(KEPT_AS_WRITTEN, []).append("tools")
            extras["tools"] = value
            return ()
        rules, unmapped = self.tool_list.read_list(value, "tools", context)
        if unmapped:
            extras["tools"] = unmapped
        return rules

    def _read_model(self, data: dict[str, Any], context: ReadContext) -> ModelRef | None:
        value = take(data, "model", str, context, "a model id or selector")
        if value is None:
            return None
        if value in self.aliases:
            return ModelRef(alias=value)
        if not self._is_gemini_id(value):
            context.warn(
                Code.UNKNOWN_MODEL, "model", f"'{value}' is not a Gemini model id agentport knows; kept as an id",
                severity=Severity.INFO,
            )
        return ModelRef(alias=mappings.family_of(value), provider=self.provider, id=value)

    def _read_max_turns(self, data: dict[str, Any], context: ReadContext) -> int | None:
        value = data.get("max_turns")
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return data.pop("max_turns")
        if value is not None:
            context.invalid("max_turns", "a whole number above 0", value)
        return None

    def _read_mcp_servers(self, data: dict[str, Any], context: ReadContext) -> tuple[McpServer, ...] | None:
        value = data.get("mcp_servers")
        if value is None:
            return None
        if isinstance(value, dict) and all(isinstance(config, dict) for config in value.values()):
            del data["mcp_servers"]
            return tuple(McpServer(str(name), config) for name, config in value.items())
        context.invalid("mcp_servers", "a map of server names to their settings", value)
        return None

    def _is_gemini_id(self, model_id: str) -> bool:
        return any(fnmatch.fnmatchcase(model_id.lower(), pattern) for pattern in self.model_ids)

    # --- writing -------------------------------------------------------------------------

    def render(self, agent: Agent, context: WriteContext) -> dict[str, Any]:
        extras = dict(agent.extras_for(self.name))
        kept_as_written = set(context.hints.get(KEPT_AS_WRITTEN, ()))
        remote = extras.get("kind") == "remote" or not REMOTE_ONLY.isdisjoint(extras)
        fields: dict[str, Any] = {"name": agent.name}
        if agent.description is not None:
            fields["description"] = agent.description
        if remote:
            remote_title = f"{self.title} remote"
            report_rule_losses(agent.rules, (), context, f"{remote_title} agents run with their own tools")
            report_unheld(agent, ("model", "temperature", "max_turns", "mcp_servers"), context, remote_title)
        else:
            self._render_local(agent, extras, fields, context)
        report_unheld(agent, ("top_p", "color", "skills", "hidden", "disabled"), context, self.title)
        accepted = frozenset(REMOTE_KEYS if remote else LOCAL_KEYS) - frozenset(NEUTRAL_KEYS)
        for key, value in extras.items():
            if key in kept_as_written:
                continue  # it stays in the file the agent was read from, as the warning said
            if key in accepted:
                fields[key] = value
            else:
                context.dropped(f"{self.name}.{key}", f"{value!r:.60}: {self.title} refuses to load an agent with this")
        return {key: fields[key] for key in FIELD_ORDER if key in fields}

    def _render_local(self, agent: Agent, extras: dict[str, Any], fields: dict[str, Any], context: WriteContext) -> None:
        names = self.tool_list.write(agent.rules)
        kept = self._kept_tools(extras.pop("tools", None), context)
        if names is not None:
            fields["tools"] = [*names, *kept]
        elif kept:
            context.dropped(f"{self.name}.tools", f"{kept!r:.60}: kept tools need a tools list, and the agent has none")
        written = self.tool_list.read(fields["tools"])[0] if "tools" in fields else ()
        report_rule_losses(agent.rules, written, context, f"{self.title} agent files list the tools an agent may use")
        servers = self._render_mcp_servers(agent.mcp_servers or (), context)
        if servers:
            fields["mcp_servers"] = servers
        model = self._render_model(agent.model, context)
        if model is not None:
            fields["model"] = model
        if agent.temperature is not None:
            fields["temperature"] = self._render_temperature(agent.temperature, context)
        if agent.max_turns is not None:
            if agent.max_turns > 0:
                fields["max_turns"] = agent.max_turns
            else:
                context.dropped("max_turns", f"{agent.max_turns}: {self.title} takes a turn limit above 0")

    def _kept_tools(self, kept: Any, context: WriteContext) -> list[str]:
        if isinstance(kept, list):
            return self.tool_list.kept(kept, context)
        if kept is not None and "tools" not in context.hints.get(KEPT_AS_WRITTEN, ()):
            context.dropped(f"{self.name}.tools", f"{kept!r:.60}: {self.title} takes a list of tool names")
        return []

    def _render_mcp_servers(self, servers: tuple[McpServer, ...], context: WriteContext) -> dict[str, Any]:
        written: dict[str, Any] = {}
        for server in servers:
            if server.config is None:
                context.dropped(
                    f"mcp_servers.{server.name}",
                    f"{self.title} defines an agent's MCP servers inline; '{server.name}' names one without its settings",
                )
                continue
            config = dict(server.config)
            if config.get("type") == "stdio":
                del config["type"]
                context.approximated(
                    f"mcp_servers.{server.name}", f"'type: stdio' left out: {self.title} takes a server with a command as stdio"
                )
            written[server.name] = config
        return written

    def _render_model(self, model: ModelRef | None, context: WriteContext) -> str | None:
        if model is None:
            return None
        if model.id is None:
            if model.alias in self.aliases:
                return model.alias
            context.dropped("model", f"'{model.alias}' is not a {self.title} model selector; the session's model applies")
            return None
        if model.provider == self.provider or (model.provider is None and self._is_gemini_id(model.id)):
            return model.id
        context.dropped("model", f"'{model}' is not a Gemini model; the session's model applies")
        return None

    def _render_temperature(self, temperature: float, context: WriteContext) -> float:
        clamped = min(max(temperature, 0.0), 2.0)
        if clamped != temperature:
            context.approximated("temperature", f"{temperature} written as {clamped}: {self.title} takes 0 to 2")
        return clamped
