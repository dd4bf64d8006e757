"""OpenCode agents in ``opencode.json`` / ``opencode.jsonc``: the members of its ``agent`` map.

Each member holds the fields of an OpenCode Markdown agent (mapped once, in
:class:`~agentport.dialects.opencode.OpenCodeFields`) and its key is the agent's name. The
prompt is the ``prompt`` field: inline text, or ``{file:./path}``, which OpenCode replaces by
that file's content when it loads the config - kept as written here, and reported as not
resolved. The file's other keys are project settings and stay byte-identical, as do the other
agents and every comment, when an agent is added, changed or removed.

Sources: https://opencode.ai/docs/agents (JSON configuration), https://opencode.ai/docs/config
(``opencode.jsonc``, ``{file:...}`` substitution), read 2026-11.
"""

from __future__ import annotations

from typing import ClassVar

from ._agent_map import AgentMapDialect
from .opencode import SHARED, OpenCodeFields


class OpenCodeJson(AgentMapDialect, OpenCodeFields):
    name = "opencode-json"
    title = "OpenCode"
    agents_dir = "."
    config_file = "opencode.json"
    patterns = ("opencode.json", "*/opencode.json", "opencode.jsonc", "*/opencode.jsonc")
    schema_url = "https://opencode.ai/config.json"
    notes = "the agent map of opencode.json(c); edited in place, comments kept; {file:} prompts kept"
    extras_keys: ClassVar[tuple[str, ...]] = (SHARED,)
    prompt_in_fields = True
