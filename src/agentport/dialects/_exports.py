"""What the neutral export dialects (A2A cards, OASF records, Agent Spec components) share.

They describe an agent to other systems rather than configure a coding tool, so each holds only
part of the neutral model: every other field is reported here in one way. They also require
fields an agent file never says (an endpoint, an author, a creation time): those are written
as visible placeholders, reported once, and not carried as extras when read back.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..diagnostics import Code, Severity
from ..model import NEUTRAL_FIELDS, Agent, McpServer, Mode
from .base import WriteContext

DIAGNOSTIC_FIELD = {"rules": "permission"}
"""How a neutral field is named in diagnostics, where that differs from its name."""


def report_unheld(agent: Agent, held: frozenset[str], context: WriteContext) -> None:
    """Report every neutral field of ``agent`` with a value that the target cannot hold."""
    title = context.dialect.title
    for field in NEUTRAL_FIELDS:
        if field in held or field in ("name", "extras"):
            continue
        value = getattr(agent, field)
        if value in (None, (), "", False) or (field == "mode" and value is Mode.SUBAGENT):
            continue  # unset, or the default every tool assumes
        if field == "rules":
            shown = f"{len(value)} permission rule{'s' if len(value) != 1 else ''}"
        elif field == "mode":
            shown = f"'{value.value}'"
        elif field == "model":
            shown = f"'{value}'"
        else:
            shown = _short(value)
        context.dropped(DIAGNOSTIC_FIELD.get(field, field), f"{shown}: {title} has no place for the {field.replace('_', ' ')}")


def placeholders(fields: list[str], context: WriteContext, why: str) -> None:
    """Say (once, as a note) which required fields were written as placeholders."""
    if fields:
        context.report.add(
            Code.INVALID_VALUE,
            f"{', '.join(fields)} written as {'placeholders' if len(fields) > 1 else 'a placeholder'} ({why}); "
            "fill in before publishing",
            severity=Severity.INFO,
            field=fields[0],
        )


def without_defaults(data: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` less the keys whose value is the placeholder the writer would put there."""
    return {key: value for key, value in data.items() if key not in defaults or defaults[key] != value}


def transport_of(config: Mapping[str, Any]) -> str | None:
    """``stdio``, ``http`` or ``sse`` for a neutral MCP server config (``.mcp.json`` shape)."""
    kind = config.get("type")
    if kind in (None, "stdio") and "command" in config:
        return "stdio"
    if kind in ("http", "streamable-http", "streamable_http") or (kind is None and "url" in config):
        return "http"
    if kind == "sse":
        return "sse"
    return None


def report_mcp_difference(server: McpServer, read_back: Mapping[str, Any] | None, context: WriteContext) -> None:
    """Report an MCP server whose config would read back other than it is."""
    if read_back is None:
        reason = "a reference to a server configured elsewhere" if server.config is None else "an unknown transport"
        context.dropped(f"mcp_servers.{server.name}", f"{reason}: {context.dialect.title} needs the server's command or URL")
    elif dict(read_back) != dict(server.config or {}):
        context.approximated(f"mcp_servers.{server.name}", f"{_short(dict(server.config or {}))} written as {_short(dict(read_back))}")


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
