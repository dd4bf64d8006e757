"""GitHub Copilot custom chat modes: ``.github/chatmodes/NAME.chatmode.md``, the legacy form of
custom agents (VS Code 1.101 to 1.105).

The same Markdown file as a custom agent with three keys: ``description``, ``tools`` and one
``model``; the name is the file name. VS Code still reads these files as custom agents, and
its Quick Fix moves them to ``.github/agents/NAME.agent.md``: an agent file can hold every
chat mode, so each dialect keeps the other's extras.

Source: https://code.visualstudio.com/docs/copilot/customization/custom-chat-modes (DateApproved
2025-10-15, read 2026-11).
"""

from __future__ import annotations

from .copilot import Copilot


class CopilotChatMode(Copilot):
    name = "copilot-chatmode"
    title = "GitHub Copilot chat mode"
    agents_dir = ".github/chatmodes"
    suffix = ".chatmode.md"
    patterns = ("*.github/chatmodes/*.md", "*.chatmode.md")
    markers = signature = ()  # an agent's content: only the path tells a chat mode apart
    notes = "legacy custom agents: description, tools, one model; name = file name"
    expresses = frozenset({"name", "description", "prompt", "model", "rules"})
    extras_keys = ("copilot",)
    keys = ("description", "tools", "model")
    model_lists = False
