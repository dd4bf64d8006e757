"""Agent names as each tool accepts them, and how another tool's name is made into one.

A name travels from one tool to another, and each tool has its own rule: Claude Code wants
``issue-triage-agent`` where Copilot shows ``Issue Triage Agent``. Every dialect declares its
:class:`NameRule`; a writer keeps a valid name as it is and turns any other into the closest
valid one (reported), and a name with nothing valid in it is an error, never replaced by an
invented one. The same rule gives the file name, so a file and the name in it always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from typing import Any, Mapping

from .containment import NAME_MAX


@dataclass(frozen=True)
class NameRule:
    """Which names a tool accepts (``valid``, matched in full) and how to make one valid:
    optionally lowercased, every run of characters in ``replace`` becomes ``separator``,
    separators and dots are trimmed from both ends."""

    valid: re.Pattern[str]
    description: str
    """The rule in words, for messages: ``lowercase letters, digits and hyphens``."""
    replace: str
    """A regular-expression character class body of the characters replaced (``^a-z0-9``:
    all but lowercase letters and digits)."""
    lowercase: bool = False
    separator: str = "-"
    nested: bool = False
    """``/`` separates folders in a name (OpenCode names agents by their path)."""
    file_only: bool = False
    """The rule is the file name's only: the name in the file is free text shown to people
    (Copilot's ``name``), so it is written as it is."""

    def accepts(self, name: str) -> bool:
        if len(name.encode("utf-8", "surrogatepass")) > NAME_MAX - 32:  # room for the suffix
            return False
        parts = name.split("/") if self.nested else [name]
        return all(part not in ("", ".", "..") and self.valid.fullmatch(part) for part in parts)

    def make_valid(self, name: str) -> str | None:
        """``name`` if the tool accepts it, else the closest name it accepts, else ``None``."""
        if self.accepts(name):
            return name
        parts = name.split("/") if self.nested else [name]
        made = "/".join(self._make_part_valid(part) for part in parts)
        if self.nested:
            made = "/".join(part for part in made.split("/") if part)
        limit = NAME_MAX - 32
        while len(made.encode("utf-8", "surrogatepass")) > limit:
            made = made[:-1].rstrip(self.separator)
        return made if made and self.accepts(made) else None

    def _make_part_valid(self, part: str) -> str:
        text = part.lower() if self.lowercase else part
        text = re.sub(f"[{self.replace}]+", self.separator, text)
        return text.strip(self.separator + ".")


SAFE_FILE_NAME = NameRule(
    re.compile(r"[^\x00-\x1f\x7f/\\:]+"),
    "any characters but '/', '\\', ':' and control characters",
    replace=r"\x00-\x1f\x7f/\\:",
)
"""What a tool without a documented rule gets: a name that is a safe file name everywhere."""


def from_table(table: Mapping[str, Any]) -> NameRule:
    """The rule a dialect's ``[agent_names]`` table (in its ``mappings.toml``) describes; the
    keys it leaves out are those of :data:`SAFE_FILE_NAME`."""
    base = SAFE_FILE_NAME
    return NameRule(
        valid=re.compile(table["valid"]) if "valid" in table else base.valid,
        description=table.get("description", base.description),
        replace=table.get("replace", base.replace),
        lowercase=table.get("lowercase", base.lowercase),
        separator=table.get("separator", base.separator),
        nested=table.get("nested", base.nested),
        file_only=table.get("file_only", base.file_only),
    )
