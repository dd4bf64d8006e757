"""The dialect registry: every dialect by name, built-ins and plugins alike.

Built-in dialects are listed here by module and imported only when first asked for, so that
``agentport --version`` or a one-dialect conversion imports nothing else. Third-party packages
add dialects through the ``agentport.dialects`` entry-point group: each entry point names a
:class:`~agentport.dialects.base.Dialect` subclass.
"""

from __future__ import annotations

import difflib
import importlib
from typing import TYPE_CHECKING

from .diagnostics import UnknownDialectError

if TYPE_CHECKING:
    from .dialects.base import Dialect

ENTRY_POINT_GROUP = "agentport.dialects"

BUILTIN: dict[str, str] = {
    "claude": "agentport.dialects.claude:Claude",
    "opencode": "agentport.dialects.opencode:OpenCode",
}
"""Dialect name -> ``module:Class`` of every dialect agentport ships."""

ALIASES: dict[str, str] = {
    "claude-code": "claude",
    "claudecode": "claude",
}

_loaded: dict[str, "Dialect"] = {}
_plugins: dict[str, object] | None = None


def _plugin_entry_points() -> dict[str, object]:
    global _plugins
    if _plugins is None:
        from importlib.metadata import entry_points

        _plugins = {entry.name: entry for entry in entry_points(group=ENTRY_POINT_GROUP)}
    return _plugins


def names() -> list[str]:
    """Every available dialect name: built-ins first, then installed plugins."""
    return [*BUILTIN, *(name for name in _plugin_entry_points() if name not in BUILTIN)]


def get(name: "str | Dialect") -> "Dialect":
    """The dialect called ``name`` (or an alias); raises with a did-you-mean if there is none."""
    from .dialects.base import Dialect

    if isinstance(name, Dialect):
        return name
    key = ALIASES.get(name.lower(), name.lower())
    if key in _loaded:
        return _loaded[key]
    if key in BUILTIN:
        module_name, _, class_name = BUILTIN[key].partition(":")
        dialect_class = getattr(importlib.import_module(module_name), class_name)
    elif key in _plugin_entry_points():
        dialect_class = _plugin_entry_points()[key].load()  # type: ignore[attr-defined]
        if not (isinstance(dialect_class, type) and issubclass(dialect_class, Dialect)):
            raise UnknownDialectError(
                f"plugin dialect '{key}' does not name a Dialect subclass ({dialect_class!r})"
            )
    else:
        raise UnknownDialectError(_unknown_message(name))
    dialect = dialect_class()
    _loaded[key] = dialect
    return dialect


def _unknown_message(name: str) -> str:
    known = names()
    close = difflib.get_close_matches(name.lower(), [*known, *ALIASES], n=1)
    hint = f" Did you mean '{ALIASES.get(close[0], close[0])}'?" if close else ""
    return f"Unknown dialect '{name}'.{hint} Known dialects: {', '.join(known)}."


def all_dialects() -> list["Dialect"]:
    return [get(name) for name in names()]
