"""What the subagent file formats of Gemini CLI, Qwen Code, Cursor and Factory share.

These tools define subagents only and hold fewer neutral fields than OpenCode: the fields they
cannot hold are reported, and a model id is attributed to whoever serves it. (Their names are
slugs: each declares its rule in its ``mappings.toml``, see :mod:`agentport.names`.)
"""

from __future__ import annotations

import fnmatch
from typing import Iterable, Mapping

from ..model import Agent, Mode
from .base import WriteContext

def report_unheld(agent: Agent, fields: Iterable[str], context: WriteContext, title: str) -> None:
    """Report each of ``fields`` the agent sets, which ``title`` has no place for, and a mode
    other than subagent."""
    for field in fields:
        value = getattr(agent, field)
        if value not in (None, False, ()):  # false and empty are every tool's default
            context.dropped(field, f"{title} subagents have no {field.replace('_', ' ')} setting ({value!r})")
    if agent.mode in (Mode.PRIMARY, Mode.ALL):
        context.approximated("mode", f"'{agent.mode.value}': {title} agent files define subagents only")


def provider_of(model_id: str, providers: Mapping[str, str]) -> str | None:
    """The provider of the first ``providers`` glob that ``model_id`` matches (case-insensitive)."""
    lowered = model_id.lower()
    return next((provider for pattern, provider in providers.items() if fnmatch.fnmatchcase(lowered, pattern)), None)
