"""Oracle Open Agent Spec: ``agentspec/NAME.agentspec.json``, one ``Agent`` component per file
(an export).

The prompt is the agent's ``system_prompt``; the model, temperature and top_p are its
``llm_config`` (the generic ``LlmConfig`` of Agent Spec 26.1.2, with ``provider`` and
``model_id``); MCP servers with a command or URL become ``MCPToolBox`` toolboxes. Coding tools
and permissions have no Agent Spec equivalent and are reported. ``{{name}}`` in a system prompt is
an input placeholder to Agent Spec runtimes, so a prompt containing one is reported. Component
ids are derived from the agent's name, so that the same agent always gives the same file.
Only Agent components serialized as JSON are read.

Sources: github.com/oracle/agent-spec ``docs/pyagentspec/source/agentspec/language_spec_nightly.rst``
(Agent, LlmConfig, MCP toolboxes and transports, placeholders) and
``json_spec/agentspec_json_spec_26_1_2.json`` (tag agent-spec-26.1.2; snapshot e4cc748, read 2026-11);
``pyagentspec/src/pyagentspec/templating.py`` for the placeholder pattern.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from .. import mappings
from ..diagnostics import Code, ParseError
from ..model import Agent, McpServer, ModelRef
from . import _exports
from .base import JsonDialect, ReadContext, WriteContext, take

VERSION = "26.1.2"
"""The first Agent Spec version with the generic ``LlmConfig`` (``provider`` + ``model_id``)."""
FIELD_ORDER = (
    "component_type", "id", "name", "description", "metadata", "inputs", "outputs", "llm_config", "system_prompt",
    "tools", "toolboxes", "human_in_the_loop", "transforms", "agentspec_version",
)
PLACEHOLDER = re.compile(r"{{\s*(\w+)\s*}}")
TRANSPORTS = {"stdio": "StdioTransport", "http": "StreamableHTTPTransport", "sse": "SSETransport"}
STDIO_KEYS = ("command", "args", "env", "cwd")
REMOTE_KEYS = ("url", "headers")


class AgentSpec(JsonDialect):
    name = "agentspec"
    title = "Open Agent Spec"
    agents_dir = "agentspec"
    suffix = ".agentspec.json"
    patterns = ("*.agentspec.json",)
    markers = ("component_type", "agentspec_version", "system_prompt", "llm_config")
    notes = "export: Agent component; prompt, model, temperature, top_p, MCP toolboxes"
    expresses = frozenset({"name", "description", "prompt", "model", "temperature", "top_p", "mcp_servers"})

    # --- reading -------------------------------------------------------------------------

    def parse(self, data: dict[str, Any], context: ReadContext) -> Agent:
        data = dict(data)
        if data.get("component_type") != "Agent":
            context.report.error(
                Code.INVALID_INPUT,
                f"component_type {data.get('component_type')!r}: only Agent components are agents",
                field="component_type", line=context.line_of("component_type"),
            )
            raise ParseError(f"{context.path or '<input>'}: not an Agent Spec Agent", list(context.report))
        del data["component_type"]
        name = take(data, "name", str, context, "a string")
        if not name:
            name = self.name_from_path(context.path) if context.path else "agent"
            context.warn(Code.INVALID_INPUT, "name", f"no name (Agent Spec requires one); using '{name}'")
        if data.get("id") == name:
            del data["id"]
        if data.get("agentspec_version") == VERSION:
            del data["agentspec_version"]
        model, temperature, top_p = self._read_llm(data, name, context)
        servers = self._read_toolboxes(data, name)
        agent = Agent(
            name=name,
            description=take(data, "description", str, context, "a string"),
            prompt=take(data, "system_prompt", str, context, "a string") or "",
            model=model,
            temperature=temperature,
            top_p=top_p,
            mcp_servers=servers,
        )
        return agent.replace(extras={self.name: data} if data else {})

    def _read_llm(self, data: dict[str, Any], name: str, context: ReadContext) -> tuple[ModelRef | None, float | None, float | None]:
        """Model, temperature and top_p; what else the config says stays in extras."""
        config = data.get("llm_config")
        if not isinstance(config, dict):
            return None, None, None
        config = dict(config)
        model = None
        model_id = config.pop("model_id", "")
        if isinstance(model_id, str) and model_id:
            provider = config.get("provider")
            model = ModelRef(mappings.family_of(model_id), provider if isinstance(provider, str) else None, model_id)
            if isinstance(provider, str):
                del config["provider"]
        elif model_id != "":
            config["model_id"] = model_id
        if config.get("name") == (model.id if model else "default"):
            del config["name"]
        numbers: dict[str, float] = {}
        parameters = config.get("default_generation_parameters")
        if isinstance(parameters, dict):
            parameters = dict(parameters)
            for key in ("temperature", "top_p"):
                value = parameters.get(key)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    numbers[key] = float(parameters.pop(key))
            if parameters:
                config["default_generation_parameters"] = parameters
            else:
                del config["default_generation_parameters"]
        config = _exports.without_defaults(config, _llm_shell(name))
        if config:
            data["llm_config"] = config
        else:
            del data["llm_config"]
        return model, numbers.get("temperature"), numbers.get("top_p")

    def _read_toolboxes(self, data: dict[str, Any], name: str) -> tuple[McpServer, ...] | None:
        """The toolboxes written by :meth:`render` as MCP servers; any other stays as written."""
        toolboxes = data.get("toolboxes")
        if not isinstance(toolboxes, list):
            return None
        servers, kept = [], []
        for toolbox in toolboxes:
            server = _server_of(toolbox)
            if server is not None and _toolbox(name, server.name, server.config or {}) == toolbox:
                servers.append(server)
            else:
                kept.append(toolbox)
        if kept:
            data["toolboxes"] = kept
        else:
            del data["toolboxes"]
        return tuple(servers) or None

    # --- writing -------------------------------------------------------------------------

    def render(self, agent: Agent, context: WriteContext) -> dict[str, Any]:
        extras = dict(agent.extras_for(self.name))
        fields: dict[str, Any] = {"component_type": "Agent", "id": agent.name, "name": agent.name}
        if agent.description is not None:
            fields["description"] = agent.description
        fields["llm_config"] = self._render_llm(agent, extras.pop("llm_config", {}), context)
        fields["system_prompt"] = agent.prompt
        placeholders = sorted(set(PLACEHOLDER.findall(agent.prompt)))
        if placeholders:
            context.approximated(
                "prompt",
                f"{', '.join('{{' + name + '}}' for name in placeholders)}: Agent Spec runtimes read these as inputs to fill in",
            )
        toolboxes = self._render_toolboxes(agent, context) + list(extras.pop("toolboxes", []))
        if toolboxes:
            fields["toolboxes"] = toolboxes
        fields["agentspec_version"] = VERSION
        _exports.report_unheld(agent, self.expresses, context)
        fields.update(extras)
        return {key: fields[key] for key in (*FIELD_ORDER, *fields) if key in fields}

    def _render_llm(self, agent: Agent, kept: Mapping[str, Any], context: WriteContext) -> dict[str, Any]:
        model = agent.model
        if model is not None and model.id is None and model.alias != "inherit":
            default = mappings.family_default(model.alias) if model.alias else None
            if default is not None:
                context.approximated("model", f"the family alias '{model.alias}' written as its current model, '{default}'")
            else:
                context.dropped("model", f"'{model}' names no concrete model, which an Agent Spec llm_config needs")
            model = default
        config = _llm_shell(agent.name)
        if model is not None and model.id is not None:
            config.update({"name": model.id, "model_id": model.id})
            if model.provider:
                config["provider"] = model.provider
        else:
            config.update({"name": "default", "model_id": ""})
            if "model_id" not in kept:
                _exports.placeholders(["llm_config.model_id"], context, "the agent names no model")
        kept = dict(kept)
        parameters = {key: value for key, value in (("temperature", agent.temperature), ("top_p", agent.top_p)) if value is not None}
        if parameters or "default_generation_parameters" in kept:
            config["default_generation_parameters"] = {**parameters, **kept.pop("default_generation_parameters", {})}
        config.update(kept)
        return config

    def _render_toolboxes(self, agent: Agent, context: WriteContext) -> list[dict[str, Any]]:
        toolboxes = []
        for server in agent.mcp_servers or ():
            toolbox = _toolbox(agent.name, server.name, server.config) if server.config is not None else None
            read_back = _server_of(toolbox) if toolbox is not None else None
            _exports.report_mcp_difference(server, read_back.config if read_back else None, context)
            if toolbox is not None:
                toolboxes.append(toolbox)
        return toolboxes


def _llm_shell(agent_name: str) -> dict[str, Any]:
    """The parts of an ``llm_config`` that follow from the agent's name alone."""
    return {"component_type": "LlmConfig", "id": f"{agent_name}.llm"}


def _toolbox(agent_name: str, server: str, config: Mapping[str, Any]) -> dict[str, Any] | None:
    """The MCPToolBox for a neutral MCP server config, or ``None`` if it has no transport."""
    kind = _exports.transport_of(config)
    if kind is None:
        return None
    keys = STDIO_KEYS if kind == "stdio" else REMOTE_KEYS
    transport = {"component_type": TRANSPORTS[kind], "id": f"{agent_name}.mcp.{server}.transport", "name": server}
    transport.update({key: config[key] for key in keys if key in config})
    if kind != "stdio":
        transport.setdefault("url", "")
    return {"component_type": "MCPToolBox", "id": f"{agent_name}.mcp.{server}", "name": server, "client_transport": transport}


def _server_of(toolbox: Any) -> McpServer | None:
    """The neutral MCP server a toolbox stands for, if its transport is one agentport knows."""
    if not isinstance(toolbox, dict) or toolbox.get("component_type") != "MCPToolBox":
        return None
    transport = toolbox.get("client_transport")
    if not isinstance(transport, dict) or not isinstance(toolbox.get("name"), str):
        return None
    kind = {component: kind for kind, component in TRANSPORTS.items()}.get(str(transport.get("component_type")))
    if kind is None:
        return None
    keys = STDIO_KEYS if kind == "stdio" else REMOTE_KEYS
    config = {key: transport[key] for key in keys if key in transport}
    if kind != "stdio":
        config = {"type": kind, **config}
    return McpServer(toolbox["name"], config)
