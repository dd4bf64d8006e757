"""AGNTCY OASF records: ``oasf/NAME.record.json``, one record per agent (an export).

An OASF record describes an agent for the AGNTCY Agent Directory (``dirctl push``). It has no
place for a prompt or permissions. The model goes to a ``core/language_model`` module, each
neutral skill (an Agent Skill) to a ``core/language_model/agentskills`` module, and each MCP
server with a command or URL to an ``integration/mcp`` module. A record requires a version,
authors, a creation time and skill classes from the OASF taxonomy, which an agent file does not
state: they are written as placeholders (``0.0.0``, no authors, the Unix epoch, no skills) and
reported; the directory's validator rejects the empty lists until they are filled in.

Sources: github.com/agntcy/oasf ``schema/objects/record.json``, ``schema/dictionary.json``,
``schema/modules/{core/language_model,integration}/*.json`` and
``schema/objects/{language_model,agentskills_data,agentskills_manifest,mcp_data,mcp_server_connection}.json``
at release v1.1.1 (schema version 1.1.0) and main e856537 (read 2026-11).
"""

from __future__ import annotations

from typing import Any, Mapping

from .. import mappings
from ..diagnostics import Code
from ..model import Agent, McpServer, ModelRef
from . import _exports
from .base import JsonDialect, ReadContext, WriteContext, take

SCHEMA_VERSION = "1.1.0"
FIELD_ORDER = (
    "name", "version", "schema_version", "description", "authors", "created_at", "skills", "domains",
    "locators", "modules", "annotations",
)
PLACEHOLDERS: dict[str, Any] = {
    "version": "0.0.0",
    "schema_version": SCHEMA_VERSION,
    "authors": [],
    "created_at": "1970-01-01T00:00:00Z",
    "skills": [],
}
REPORTED_PLACEHOLDERS = ("authors", "created_at", "skills", "version")
MODEL_MODULE = "core/language_model"
SKILL_MODULE = "core/language_model/agentskills"
MCP_MODULE = "integration/mcp"
TRANSPORTS = {"stdio": "stdio", "http": "streamable-http", "sse": "sse"}


class Oasf(JsonDialect):
    name = "oasf"
    title = "OASF record"
    agents_dir = "oasf"
    suffix = ".record.json"
    patterns = ("*.record.json",)
    markers = ("schema_version", "authors", "created_at", "locators", "modules", "domains")
    notes = "export: directory record; model, Agent Skills, MCP servers as modules"
    expresses = frozenset({"name", "description", "model", "skills", "mcp_servers"})

    # --- reading -------------------------------------------------------------------------

    def parse(self, data: dict[str, Any], context: ReadContext) -> Agent:
        data = dict(data)
        name = take(data, "name", str, context, "a string")
        if not name:
            name = self.name_from_path(context.path) if context.path else "agent"
            context.warn(Code.INVALID_INPUT, "name", f"no name (an OASF record requires one); using '{name}'")
        description = take(data, "description", str, context, "a string")
        model: ModelRef | None = None
        skills: list[str] = []
        servers: list[McpServer] = []
        kept: list[Any] = []
        modules = data.pop("modules", [])
        if not isinstance(modules, list):
            context.invalid("modules", "a list of modules", modules)
            data["modules"], modules = modules, []
        for module in modules:
            read = self._read_module(module)
            if read is None or (isinstance(read, ModelRef) and model is not None):
                kept.append(module)
            elif isinstance(read, ModelRef):
                model = read
            elif isinstance(read, McpServer):
                servers.append(read)
            else:
                skills.append(read)
        extras = _exports.without_defaults(data, PLACEHOLDERS)
        if kept:
            extras["modules"] = kept
        agent = Agent(
            name=name,
            description=description or None,
            model=model,
            skills=tuple(skills) or None,
            mcp_servers=tuple(servers) or None,
        )
        return agent.replace(extras={self.name: extras} if extras else {})

    def _read_module(self, module: Any) -> ModelRef | McpServer | str | None:
        """The neutral value a module written by :meth:`render` stands for; ``None`` for any
        other module, which is kept as written."""
        if not isinstance(module, dict):
            return None
        data = module.get("data")
        read: ModelRef | McpServer | str | None = None
        if module.get("name") == MODEL_MODULE and isinstance(data, dict) and _one(data.get("models")):
            entry = data["models"][0]
            if isinstance(entry.get("model"), str) and entry["model"]:
                read = ModelRef(mappings.family_of(entry["model"]), entry.get("provider") or None, entry["model"])
        elif module.get("name") == SKILL_MODULE and isinstance(data, dict):
            manifest = data.get("skill_manifest")
            if isinstance(manifest, dict) and isinstance(manifest.get("name"), str):
                read = manifest["name"]
        elif module.get("name") == MCP_MODULE and isinstance(data, dict) and _one(data.get("connections")):
            config = _config_of(data["connections"][0])
            if config is not None and isinstance(data.get("name"), str):
                read = McpServer(data["name"], config)
        return read if read is not None and self._module_for(read) == module else None

    # --- writing -------------------------------------------------------------------------

    def render(self, agent: Agent, context: WriteContext) -> dict[str, Any]:
        extras = dict(agent.extras_for(self.name))
        fields: dict[str, Any] = {"name": agent.name, "description": agent.description or ""}
        missing = [key for key in PLACEHOLDERS if key not in extras]
        fields.update({key: PLACEHOLDERS[key] for key in missing})
        _exports.placeholders(
            [key for key in REPORTED_PLACEHOLDERS if key in missing], context,
            "an agent file has no version, authors, creation time or OASF skill classes",
        )
        modules: list[Any] = []
        model = self._render_model(agent.model, context)
        if model is not None:
            modules.append(self._module_for(model))
        modules += [self._module_for(skill) for skill in agent.skills or ()]
        for server in agent.mcp_servers or ():
            connection = _connection_of(server.config) if server.config is not None else None
            _exports.report_mcp_difference(server, _config_of(connection) if connection else None, context)
            if connection is not None:
                modules.append(_mcp_module(server.name, connection))
        modules += extras.pop("modules", [])
        if modules:
            fields["modules"] = modules
        _exports.report_unheld(agent, self.expresses, context)
        fields.update(extras)
        return {key: fields[key] for key in (*FIELD_ORDER, *fields) if key in fields}

    def _module_for(self, value: ModelRef | McpServer | str) -> dict[str, Any] | None:
        if isinstance(value, ModelRef):
            entry = {"model": value.id, "provider": value.provider or "", "api_base": ""}
            return {"name": MODEL_MODULE, "data": {"models": [entry]}}
        if isinstance(value, McpServer):
            connection = _connection_of(value.config) if value.config is not None else None
            return _mcp_module(value.name, connection) if connection is not None else None
        return {"name": SKILL_MODULE, "data": {"skill_manifest": {"name": value, "description": ""}}}

    def _render_model(self, model: ModelRef | None, context: WriteContext) -> ModelRef | None:
        if model is None or model.id is None and model.alias == "inherit":
            return None
        if model.id is not None:
            return model
        default = mappings.family_default(model.alias) if model.alias else None
        if default is None:
            context.dropped("model", f"'{model}' names no concrete model, which an OASF record needs")
            return None
        context.approximated("model", f"the family alias '{model.alias}' written as its current model, '{default}'")
        return default


def _one(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict)


def _mcp_module(name: str, connection: dict[str, Any]) -> dict[str, Any]:
    return {"name": MCP_MODULE, "data": {"name": name, "connections": [connection]}}


def _connection_of(config: Mapping[str, Any]) -> dict[str, Any] | None:
    """The OASF connection for a neutral MCP server config, or ``None`` if it has no transport."""
    kind = _exports.transport_of(config)
    if kind is None:
        return None
    connection: dict[str, Any] = {"type": TRANSPORTS[kind]}
    if kind == "stdio":
        connection["command"] = config["command"]
        if "args" in config:
            connection["args"] = list(config["args"])
        if isinstance(config.get("env"), dict):
            connection["env_vars"] = [
                {"name": key, "default_value": str(value), "description": ""} for key, value in config["env"].items()
            ]
    else:
        connection["url"] = config.get("url", "")
        if isinstance(config.get("headers"), dict):
            connection["headers"] = dict(config["headers"])
    return connection


def _config_of(connection: Mapping[str, Any]) -> dict[str, Any] | None:
    """The neutral MCP server config an OASF connection stands for."""
    kind = connection.get("type")
    if kind == "stdio" and isinstance(connection.get("command"), str):
        config: dict[str, Any] = {"command": connection["command"]}
        if "args" in connection:
            config["args"] = connection["args"]
        env_vars = connection.get("env_vars")
        if isinstance(env_vars, list) and all(isinstance(item, dict) and "name" in item for item in env_vars):
            config["env"] = {item["name"]: item.get("default_value", "") for item in env_vars}
        return config
    if kind in ("streamable-http", "sse") and isinstance(connection.get("url"), str):
        config = {"type": "http" if kind == "streamable-http" else "sse", "url": connection["url"]}
        if "headers" in connection:
            config["headers"] = connection["headers"]
        return config
    return None
