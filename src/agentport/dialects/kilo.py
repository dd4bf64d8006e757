"""Kilo Code agents: ``.kilo/agents/**/*.md``, Markdown with YAML frontmatter.

Kilo Code (the Kilo CLI and its VS Code extension) is a fork of OpenCode and reads the same
fields; its one addition is the ``agent_manager`` permission key, for a tool only Kilo has
(``formats/kilo/mappings.toml``). So this dialect is OpenCode's with Kilo's folder: what the
neutral model lacks is kept as OpenCode's extras, which both read, but for the settings of
Kilo's own tools, kept as Kilo's.

Sources: https://kilo.ai/docs/customize/agent-properties ,
https://kilo.ai/docs/customize/agent-permissions , https://kilo.ai/docs/customize/custom-subagents
(Kilo-Org/kilocode ``packages/kilo-docs/pages/customize/``), read 2026-11.
"""

from __future__ import annotations

from .opencode import FIELD_ORDER, SHARED, OpenCode


class Kilo(OpenCode):
    name = "kilo"
    title = "Kilo Code"
    agents_dir = ".kilo/agents"
    patterns = ("*.kilo/agent/*.md", "*.kilo/agents/*.md")
    folders = (".kilo/agents/", ".kilo/agent/")
    notes = "OpenCode's fields in .kilo/agents/; agent_manager permission"
    extras_keys = (SHARED,)
    tool_table = "kilo"
    signature = ("agent_manager",)
    markers = (*FIELD_ORDER, "options")

    def has_signature(self, frontmatter_text: str, keys: set[str]) -> bool:
        # Kilo's only own key sits inside ``permission``: its file is OpenCode's otherwise.
        return "agent_manager" in frontmatter_text
