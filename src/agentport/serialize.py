"""The neutral model as JSON: what ``agentport show`` prints and registry bundles carry."""

from __future__ import annotations

from typing import Any, Mapping

from .model import Action, Agent, McpServer, Mode, ModelRef, Rule

FORMAT_VERSION = 1


def agent_to_json(agent: Agent) -> dict[str, Any]:
    """A JSON-ready mapping of the agent's neutral fields (its source text is not included)."""
    data: dict[str, Any] = {"format": FORMAT_VERSION, "name": agent.name}
    if agent.description is not None:
        data["description"] = agent.description
    if agent.mode is not None:
        data["mode"] = agent.mode.value
    if agent.model is not None:
        data["model"] = {k: v for k, v in (("alias", agent.model.alias), ("provider", agent.model.provider), ("id", agent.model.id)) if v}
    if agent.rules:
        data["rules"] = [_rule(rule) for rule in agent.rules]
    for key in ("temperature", "top_p", "max_turns", "color", "hidden", "disabled"):
        value = getattr(agent, key)
        if value is not None:
            data[key] = value
    if agent.skills is not None:
        data["skills"] = list(agent.skills)
    if agent.mcp_servers is not None:
        data["mcp_servers"] = [
            {"name": server.name, **({"config": dict(server.config)} if server.config is not None else {})}
            for server in agent.mcp_servers
        ]
    if agent.extras:
        data["extras"] = {dialect: dict(fields) for dialect, fields in agent.extras.items()}
    data["prompt"] = agent.prompt
    if agent.source is not None:
        data["source"] = {"dialect": agent.source.dialect, "path": agent.source.path}
    return data


def _rule(rule: Rule) -> dict[str, Any]:
    data = {"tool": rule.tool, "action": rule.action.value}
    if rule.pattern is not None:
        data["pattern"] = rule.pattern
    return data


def agent_from_json(data: Mapping[str, Any]) -> Agent:
    """The agent a mapping made by :func:`agent_to_json` describes (without its source)."""
    if data.get("format") != FORMAT_VERSION:
        raise ValueError(f"unsupported agent JSON format {data.get('format')!r} (expected {FORMAT_VERSION})")
    model = data.get("model")
    return Agent(
        name=data["name"],
        description=data.get("description"),
        prompt=data.get("prompt", ""),
        mode=Mode(data["mode"]) if "mode" in data else None,
        model=ModelRef(model.get("alias"), model.get("provider"), model.get("id")) if model else None,
        rules=tuple(Rule(r["tool"], Action(r["action"]), r.get("pattern")) for r in data.get("rules", ())),
        temperature=data.get("temperature"),
        top_p=data.get("top_p"),
        max_turns=data.get("max_turns"),
        color=data.get("color"),
        skills=tuple(data["skills"]) if "skills" in data else None,
        mcp_servers=tuple(McpServer(s["name"], s.get("config")) for s in data["mcp_servers"]) if "mcp_servers" in data else None,
        hidden=data.get("hidden"),
        disabled=data.get("disabled"),
        extras=data.get("extras", {}),
    )
