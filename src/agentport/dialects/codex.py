"""OpenAI Codex custom agents: ``.codex/agents/NAME.toml``, one agent per TOML file.

The file is a Codex config layer: ``name``, ``description`` and ``developer_instructions`` (the
prompt) define the agent, and any ``config.toml`` key may follow (``model``,
``model_reasoning_effort``, ``sandbox_mode``, ``approval_policy``, ``mcp_servers`` ...). Codex
has no tool list; ``sandbox_mode = "read-only"`` and ``approval_policy = "untrusted"`` are read
as permission rules, as ``formats/codex/mappings.toml`` explains. Every other key is kept for
Codex as written.

Sources: https://developers.openai.com/codex/subagents , https://developers.openai.com/codex/config-reference ,
https://developers.openai.com/codex/concepts/sandboxing (read 2026-11).
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from .. import mappings
from ..diagnostics import Code, Report
from ..model import ANY_TOOL, Action, Agent, McpServer, Mode, ModelRef, Rule
from ..permissions import decide
from ..text import tomlio
from .base import FieldDialect, Parsed, ReadContext, WriteContext, take

FIELD_ORDER = (
    "name", "description", "nickname_candidates", "model", "model_provider", "model_reasoning_effort",
    "sandbox_mode", "approval_policy",
)
_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*=", re.MULTILINE)


class Codex(FieldDialect):
    name = "codex"
    title = "OpenAI Codex"
    agents_dir = ".codex/agents"
    suffix = ".toml"
    patterns = ("*.codex/agents/*.toml",)
    markers = ("developer_instructions", "sandbox_mode", "approval_policy", "model_reasoning_effort", "nickname_candidates")
    notes = "custom agents; a TOML config layer; sandbox_mode and approval_policy as permissions"
    expresses = frozenset({"name", "description", "prompt", "model", "rules", "mcp_servers"})
    field_keys = {"prompt": ("developer_instructions",), "rules": ("sandbox_mode", "approval_policy")}

    def __init__(self) -> None:
        data = mappings.table(self.name)
        tools = mappings.ToolMap.of(self.name)
        self.built_in = frozenset(capability for capabilities in tools.to_neutral.values() for capability in capabilities)
        self.read_only_denies = tuple(data["sandbox_mode"]["read_only_denies"])
        self.read_only_limits = tuple(data["sandbox_mode"]["read_only_limits"])
        self.untrusted_asks = tuple(data["approval_policy"]["untrusted_asks"])
        self.provider = data["models"]["provider"]
        self.builtin_providers = frozenset(data["models"]["builtin_providers"])
        self.headers_key = data["mcp"]["headers_key"]

    # --- file format ---------------------------------------------------------------------

    def parse_file(self, text: str, path: str | None, report: Report) -> Parsed:
        table = tomlio.read_table(text, report=report)
        return Parsed(table.data, lines=table.lines, hints={"newline": table.newline})

    def emit_file(self, data: dict[str, Any], agent: Agent, hints: Mapping[str, Any]) -> str:
        # No byte order mark, whatever the source had: TOML readers need not accept one.
        return tomlio.dump_table(data, newline=hints.get("newline", "\n"))

    def edit_file(self, text: str, edits: dict[str, Any], agent: Agent, render: dict[str, Any]) -> str:
        hints = {"newline": "\r\n" if "\r\n" in text else "\n"}
        return tomlio.edit_table(text, edits, order=list(render), fallback=lambda: self.emit_file(render, agent, hints))

    def looks_like(self, text: str) -> int:
        keys = set(_TOP_LEVEL_KEY.findall(text[:8192]))
        return sum(1 for key in self.markers if key in keys)

    # --- reading -------------------------------------------------------------------------

    def parse(self, data: dict[str, Any], context: ReadContext) -> Agent:
        data = dict(data)
        name = take(data, "name", str, context, "a string")
        if not name:
            name = self.name_from_path(context.path) if context.path else "agent"
            context.warn(Code.INVALID_INPUT, "name", f"no name (Codex requires one); using '{name}'")
        prompt = take(data, "developer_instructions", str, context, "a string")
        if prompt is None and "developer_instructions" not in data:
            context.warn(Code.INVALID_INPUT, "developer_instructions", "no developer_instructions (Codex requires them)")
        agent = Agent(
            name=name,
            description=take(data, "description", str, context, "a string"),
            prompt=(prompt or "").strip("\n"),
            mode=Mode.SUBAGENT,
            model=self._read_model(data, context),
            rules=self._read_rules(data, context),
            mcp_servers=self._read_mcp_servers(data, context),
        )
        return agent.replace(extras={self.name: data} if data else {})

    def _read_model(self, data: dict[str, Any], context: ReadContext) -> ModelRef | None:
        model_id = take(data, "model", str, context, "a model name")
        if model_id is None:
            return None
        provider = self.provider
        if isinstance(data.get("model_provider"), str):
            provider = data.pop("model_provider")
            context.hints["model_provider"] = True
        return ModelRef(alias=mappings.family_of(model_id), provider=provider, id=model_id)

    def _read_rules(self, data: dict[str, Any], context: ReadContext) -> tuple[Rule, ...]:
        rules: list[Rule] = []
        if data.get("sandbox_mode") == "read-only":
            del data["sandbox_mode"]
            rules += [Rule(capability, Action.DENY) for capability in self.read_only_denies]
        if data.get("approval_policy") == "untrusted":
            context.hints["approval_policy"] = data.pop("approval_policy")
            rules += [Rule(capability, Action.ASK) for capability in self.untrusted_asks]
        return tuple(rules)

    def _read_mcp_servers(self, data: dict[str, Any], context: ReadContext) -> tuple[McpServer, ...] | None:
        value = data.get("mcp_servers")
        if value is None:
            return None
        if not isinstance(value, dict) or not all(isinstance(config, dict) for config in value.values()):
            context.invalid("mcp_servers", "tables of MCP server settings", value)
            return None
        del data["mcp_servers"]
        return tuple(McpServer(name, self._neutral_mcp(config)) for name, config in value.items())

    def _neutral_mcp(self, config: dict[str, Any]) -> dict[str, Any]:
        return {("headers" if key == self.headers_key else key): value for key, value in config.items()}

    # --- writing -------------------------------------------------------------------------

    def render(self, agent: Agent, context: WriteContext) -> dict[str, Any]:
        extras = dict(agent.extras_for(self.name))
        fields: dict[str, Any] = {"name": agent.name}
        fields["description"] = self._render_description(agent, context)
        fields.update(self._render_model(agent.model, context))
        for key, value in self._render_rules(agent.rules, context).items():
            if key in extras and extras[key] != value:
                context.approximated(key, f"{extras.pop(key)!r} replaced by {value!r}, which the agent's permissions call for")
            fields[key] = value
        # A multi-line prompt ends with a newline so that the closing quotes get their own line.
        fields["developer_instructions"] = f"{agent.prompt}\n" if "\n" in agent.prompt else agent.prompt
        if agent.mcp_servers is not None:
            servers = self._render_mcp_servers(agent.mcp_servers, context)
            if servers:
                fields["mcp_servers"] = servers
        if agent.mode in (Mode.PRIMARY, Mode.ALL):
            context.approximated("mode", f"'{agent.mode.value}': Codex custom agents are spawned by the main agent only")
        for field in ("temperature", "top_p", "max_turns", "color", "skills", "hidden", "disabled"):
            value = getattr(agent, field)
            if value not in (None, False, ()):
                context.dropped(field, f"Codex custom agents have no {field.replace('_', ' ')} setting ({value!r})")
        fields.update(extras)
        # The prompt goes last: after it come only the tables, as in Codex's own examples.
        prompt = fields.pop("developer_instructions")
        ordered = {key: fields[key] for key in (*FIELD_ORDER, *fields) if key in fields}
        ordered["developer_instructions"] = prompt
        return ordered

    def _render_description(self, agent: Agent, context: WriteContext) -> str:
        if agent.description:
            return agent.description
        first_line = next((line.strip() for line in agent.prompt.splitlines() if line.strip()), agent.name)
        context.approximated("description", f"Codex requires a description: written from the prompt, '{first_line}'")
        return first_line

    def _render_model(self, model: ModelRef | None, context: WriteContext) -> dict[str, str]:
        if model is None or (model.id is None and model.alias == "inherit"):
            return {}
        if model.id is None:
            context.dropped("model", f"the family alias '{model.alias}' names no Codex model; the agent uses the session's model")
            return {}
        provider = model.provider or self.provider
        declared = bool(context.hints.get("model_provider"))
        if provider not in self.builtin_providers and not declared:
            context.dropped(
                "model",
                f"'{model}': Codex serves '{provider}' models only with a [model_providers.{provider}] table "
                "in config.toml; the agent uses the session's model",
            )
            return {}
        if provider == self.provider and not declared:
            return {"model": model.id}
        return {"model": model.id, "model_provider": provider}

    def _render_rules(self, rules: tuple[Rule, ...], context: WriteContext) -> dict[str, str]:
        """``sandbox_mode`` and ``approval_policy`` for the rules; every rule they cannot say is
        reported."""
        fields: dict[str, str] = {}
        expressed: set[Rule] = set()
        if all(decide(rules, capability) is Action.DENY for capability in self.read_only_denies):
            fields["sandbox_mode"] = "read-only"
            expressed.update(Rule(capability, Action.DENY) for capability in self.read_only_denies)
            for capability in self.read_only_limits:
                if decide(rules, capability) is Action.ALLOW:
                    context.approximated(
                        f"permission.{capability}", "allowed, but under sandbox_mode read-only its commands cannot write files"
                    )
        if all(decide(rules, capability) is Action.ASK for capability in self.untrusted_asks):
            fields["approval_policy"] = "untrusted"
            expressed.update(Rule(capability, Action.ASK) for capability in self.untrusted_asks)
            if context.hints.get("approval_policy") != "untrusted":
                context.approximated(
                    f"permission.{self.untrusted_asks[0]}",
                    "'ask' written as approval_policy untrusted: Codex still runs its known read-only commands without asking",
                )
        for rule in rules:
            if rule in expressed or (rule.action is Action.ALLOW and rule.pattern is None and rule.tool in self.built_in):
                continue
            field = f"permission.{rule.tool}" + (f"({rule.pattern})" if rule.pattern else "")
            if rule.tool == ANY_TOOL:
                context.dropped(field, f"'{rule.action.value}' for every tool: Codex agents have no tool list")
            else:
                context.dropped(
                    field, f"'{rule.action.value}': Codex has no per-tool permissions, only sandbox_mode and approval_policy"
                )
        return fields

    def _render_mcp_servers(self, servers: tuple[McpServer, ...], context: WriteContext) -> dict[str, Any]:
        tables: dict[str, Any] = {}
        for server in servers:
            if server.config is None:
                context.dropped(
                    f"mcp_servers.{server.name}",
                    "a reference to a configured server: a Codex agent uses the servers of config.toml, or defines its own",
                )
                continue
            config = dict(server.config)
            transport = config.pop("type", None)
            if transport is not None:
                implied = "http" if "url" in config else "stdio"
                context.approximated(
                    f"mcp_servers.{server.name}",
                    f"type '{transport}' not written: Codex has no type; 'url' means streamable HTTP, 'command' stdio"
                    if transport == implied
                    else f"type '{transport}' written as {implied}, which Codex infers from its 'url' or 'command'",
                )
            tables[server.name] = {(self.headers_key if key == "headers" else key): value for key, value in config.items()}
        return tables
