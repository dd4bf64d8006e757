"""A2A Agent Cards: ``a2a/NAME.agent-card.json``, one JSON card per agent (an export).

An Agent Card (A2A v1.0) describes an agent to other agents: its name, description, endpoints
and skills. It holds no prompt, model or permissions, so those are reported as dropped. Each
neutral skill becomes an ``AgentSkill`` whose ``id`` is the skill name. A card needs an endpoint
URL (``supportedInterfaces``), a version, capabilities and media types that an agent file never
states: they are written as placeholders (an empty URL, ``0.0.0``, ``{}``, ``text/plain``) and
reported; serve the filled-in card as ``/.well-known/agent-card.json`` of the agent's base URL.
Files named ``*.agent-card.json`` and ``.well-known/agent-card.json`` (``agent.json`` before
v0.3) are read.

Sources: github.com/a2aproject/A2A ``specification/a2a.proto`` (message AgentCard, AgentSkill)
and ``docs/specification.md`` sections 4.4 and 8.2, release v1.0.1 (read 2026-11).
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import Code
from ..model import Agent
from . import _exports
from .base import JsonDialect, ReadContext, WriteContext, take

FIELD_ORDER = (
    "name", "description", "supportedInterfaces", "provider", "version", "documentationUrl", "capabilities",
    "securitySchemes", "securityRequirements", "defaultInputModes", "defaultOutputModes", "skills", "signatures",
    "iconUrl",
)
PLACEHOLDERS: dict[str, Any] = {
    "supportedInterfaces": [{"url": "", "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}],
    "version": "0.0.0",
    "capabilities": {},
    "defaultInputModes": ["text/plain"],
    "defaultOutputModes": ["text/plain"],
}


class A2A(JsonDialect):
    name = "a2a"
    title = "A2A Agent Card"
    agents_dir = "a2a"
    suffix = ".agent-card.json"
    patterns = ("*.agent-card.json", "*.well-known/agent-card.json", "*.well-known/agent.json")
    markers = ("supportedInterfaces", "defaultInputModes", "defaultOutputModes", "capabilities", "preferredTransport")
    notes = "export: agent card; skills as AgentSkills; endpoint, version written as placeholders"
    expresses = frozenset({"name", "description", "skills"})

    # --- reading -------------------------------------------------------------------------

    def parse(self, data: dict[str, Any], context: ReadContext) -> Agent:
        data = dict(data)
        name = take(data, "name", str, context, "a string")
        if not name:
            name = self.name_from_path(context.path) if context.path else "agent"
            context.warn(Code.INVALID_INPUT, "name", f"no name (an Agent Card requires one); using '{name}'")
        description = take(data, "description", str, context, "a string")
        skills, kept = self._read_skills(data, context)
        extras = _exports.without_defaults(data, PLACEHOLDERS)
        if kept:
            extras["skills"] = kept
        agent = Agent(name=name, description=description or None, prompt="", skills=skills)
        return agent.replace(extras={self.name: extras} if extras else {})

    def _read_skills(self, data: dict[str, Any], context: ReadContext) -> tuple[tuple[str, ...] | None, list[Any]]:
        """The skill ids, and the skill objects that say more than their id (kept as written)."""
        value = data.get("skills")
        if not isinstance(value, list) or not all(isinstance(skill, dict) and isinstance(skill.get("id"), str) for skill in value):
            if value is not None:
                context.invalid("skills", "a list of skills with string ids", value)
            return None, []
        del data["skills"]
        ids = tuple(skill["id"] for skill in value)
        return (ids or None), [skill for skill in value if skill != _skill(skill["id"])]

    # --- writing -------------------------------------------------------------------------

    def render(self, agent: Agent, context: WriteContext) -> dict[str, Any]:
        extras = dict(agent.extras_for(self.name))
        described = {skill["id"]: skill for skill in extras.pop("skills", ()) if isinstance(skill, dict)}
        fields: dict[str, Any] = {"name": agent.name, "description": agent.description or ""}
        fields["skills"] = [described.get(skill, _skill(skill)) for skill in agent.skills or ()]
        missing = [key for key in PLACEHOLDERS if key not in extras]
        fields.update({key: PLACEHOLDERS[key] for key in missing})
        if "supportedInterfaces" in missing:
            _exports.placeholders(
                ["supportedInterfaces[0].url", *(key for key in missing if key != "supportedInterfaces")],
                context, "an agent file has no endpoint or version",
            )
        _exports.report_unheld(agent, self.expresses, context)
        fields.update(extras)
        return {key: fields[key] for key in (*FIELD_ORDER, *fields) if key in fields}


def _skill(skill_id: str) -> dict[str, Any]:
    """The AgentSkill written for a neutral skill name."""
    return {"id": skill_id, "name": skill_id, "description": "", "tags": []}
