"""Kiro CLI custom agents: ``.kiro/agents/NAME.json``, one JSON object per agent.

Kiro CLI is the successor of the Amazon Q Developer CLI and reads the same agent files, with
its own tool names (``read``, ``write``, ``shell``...; Amazon Q's are still read), a prompt
that may be a ``file://`` URI (kept as written, reported as not resolved) and a few more fields:
``includeMcpJson`` (which replaces ``useLegacyMcpJson``), ``keyboardShortcut``,
``welcomeMessage``, and more hook triggers. So this dialect is Amazon Q's with Kiro's table
(``formats/kiro/mappings.toml``); what it shares with Amazon Q (what Amazon Q's schema accepts)
is kept as Amazon Q's extras, the rest - and tool names, which differ - as Kiro's.

Sources: https://kiro.dev/docs/cli/custom-agents/configuration-reference ,
https://kiro.dev/docs/cli/reference/built-in-tools , https://kiro.dev/docs/cli/chat/permissions
(read 2026-11).
"""

from __future__ import annotations

import re
from typing import Any

from .. import mappings, schemas
from .amazonq import AmazonQ

FIELD_ORDER = (
    "$schema", "name", "description", "prompt", "mcpServers", "tools", "toolAliases", "allowedTools",
    "toolsSettings", "resources", "hooks", "includeMcpJson", "useLegacyMcpJson", "model",
    "keyboardShortcut", "welcomeMessage",
)

BY_TOOL_NAME = ("tools", "allowedTools", "toolsSettings")
"""Extras that list tool names or hold settings by tool name: an entry is shared with Amazon Q
when Amazon Q has that name too."""


class Kiro(AmazonQ):
    name = "kiro"
    title = "Kiro"
    agents_dir = ".kiro/agents"
    patterns = ("*.kiro/agents/*.json",)
    signature = ("includeMcpJson", "keyboardShortcut", "welcomeMessage", "includePowers")
    markers = (*AmazonQ.markers, *signature)
    notes = "Kiro CLI JSON agents: Amazon Q's format, Kiro's tool names; file:// prompts kept"
    extras_keys = (AmazonQ.name,)
    field_order = FIELD_ORDER
    prompt_reference = re.compile(r"file://")

    def __init__(self) -> None:
        super().__init__()
        predecessor = mappings.table(AmazonQ.name)
        self.shared_names = frozenset(
            (*predecessor["tools"], *predecessor["legacy_tools"], *predecessor["native_tools"]["names"],
             predecessor["names"]["builtins"])
        )

    def _extras_by_tool(self, extras: dict[str, Any]) -> dict[str, dict[str, Any]]:
        shared: dict[str, Any] = {}
        own: dict[str, Any] = {}
        for key, value in extras.items():
            if key in BY_TOOL_NAME and isinstance(value, (list, dict)):
                for home, wanted in ((shared, True), (own, False)):
                    names = [name for name in value if self._is_shared_name(str(name)) is wanted]
                    if names:
                        home[key] = names if isinstance(value, list) else {name: value[name] for name in names}
            elif schemas.is_valid(AmazonQ.name, {key: value}):
                shared[key] = value
            else:
                own[key] = value
        return {home: fields for home, fields in ((AmazonQ.name, shared), (self.name, own)) if fields}

    def _is_shared_name(self, name: str) -> bool:
        return name in self.shared_names or name.startswith(self.mcp_prefix)

    def looks_like(self, text: str) -> int:
        # Without a key only Kiro writes, the file is as much Amazon Q's, which came first.
        keys = set(re.findall(r'"([A-Za-z$][\w$-]*)"\s*:', text[:8192]))
        return super().looks_like(text) if not keys.isdisjoint(self.signature) else 0
