"""What the subagent file formats of Gemini CLI, Qwen Code, Cursor and Factory share.

These tools define subagents only and hold fewer neutral fields than OpenCode: the fields they
cannot hold are reported, names are checked against the slugs they take (lowercase letters,
digits, ``-`` and ``_``), and a model id is attributed to whoever serves it.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Iterable, Mapping

from ..model import Agent, Mode
from .base import ReadContext, WriteContext

SLUG = re.compile(r"[a-z0-9_-]+")
_NOT_SLUG = re.compile(r"[^a-z0-9_-]+")


def check_slug(name: str, context: ReadContext, title: str) -> None:
    """Warn when a name read from a file is not one ``title`` accepts."""
    if not SLUG.fullmatch(name):
        context.invalid("name", f"a name of lowercase letters, digits, '-' and '_' ({title} rejects others)", name)


def slug_name(name: str, context: WriteContext, title: str) -> str:
    """``name`` as a slug of lowercase letters, digits, ``-`` and ``_``, reported if changed."""
    if SLUG.fullmatch(name):
        return name
    slug = _NOT_SLUG.sub("-", name.lower()).strip("-") or "agent"
    context.approximated("name", f"'{name}': {title} names are lowercase letters, digits, '-' and '_'; written as '{slug}'")
    return slug


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
