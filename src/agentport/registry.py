"""The dialect registry: every dialect by name, built-ins and plugins alike.

A built-in dialect is a module ``agentport/dialects/<name>.py`` (``_`` for ``-`` in the name) defining a
:class:`~agentport.dialects.base.Dialect` subclass whose ``name`` is ``<name>``; it is imported
only when first asked for, so ``agentport --version`` or a one-dialect conversion imports
nothing else. Third-party packages
add dialects through the ``agentport.dialects`` entry-point group: each entry point names a
:class:`~agentport.dialects.base.Dialect` subclass.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import pkgutil
from typing import TYPE_CHECKING

from .diagnostics import UnknownDialectError

if TYPE_CHECKING:
    from .dialects.base import Dialect

ENTRY_POINT_GROUP = "agentport.dialects"

FIRST = ("claude", "opencode")
"""Dialects listed first; the others follow in alphabetical order."""

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


@functools.lru_cache(maxsize=1)
def builtin_names() -> tuple[str, ...]:
    """The dialects agentport ships: one module each in ``agentport.dialects``, named by it."""
    # Imported by name: the package attribute ``agentport.dialects`` is the dialects() function.
    package = importlib.import_module("agentport.dialects")
    found = {
        module.name.replace("_", "-")  # a module copilot_chatmode.py is the dialect copilot-chatmode
        for module in pkgutil.iter_modules(package.__path__)
        if not module.name.startswith("_") and module.name != "base"
    }
    return (*(name for name in FIRST if name in found), *sorted(found - set(FIRST)))


def names() -> list[str]:
    """Every available dialect name: built-ins first, then installed plugins."""
    builtin = builtin_names()
    return [*builtin, *(name for name in _plugin_entry_points() if name not in builtin)]


def get(name: "str | Dialect") -> "Dialect":
    """The dialect called ``name`` (or an alias); raises with a did-you-mean if there is none."""
    from .dialects.base import Dialect

    if isinstance(name, Dialect):
        return name
    key = ALIASES.get(name.lower(), name.lower())
    if key not in _loaded:
        _loaded[key] = dialect_class(key)()
    return _loaded[key]


@functools.lru_cache(maxsize=None)
def dialect_class(name: str) -> type["Dialect"]:
    """The class of dialect ``name``, imported but not instantiated (instances load their data)."""
    from .dialects.base import Dialect

    key = ALIASES.get(name.lower(), name.lower())
    if key in builtin_names():
        return _dialect_class(importlib.import_module(f"agentport.dialects.{key.replace('-', '_')}"), key)
    if key in _plugin_entry_points():
        found = _plugin_entry_points()[key].load()  # type: ignore[attr-defined]
        if not (isinstance(found, type) and issubclass(found, Dialect)):
            raise UnknownDialectError(f"plugin dialect '{key}' does not name a Dialect subclass ({found!r})")
        return found
    raise UnknownDialectError(_unknown_message(name))


def _dialect_class(module: object, name: str) -> type["Dialect"]:
    from .dialects.base import Dialect

    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Dialect) and getattr(value, "name", None) == name:
            return value
    raise UnknownDialectError(f"module {module!r} defines no Dialect subclass named '{name}'")


def _unknown_message(name: str) -> str:
    known = names()
    close = difflib.get_close_matches(name.lower(), [*known, *ALIASES], n=1)
    hint = f" Did you mean '{ALIASES.get(close[0], close[0])}'?" if close else ""
    return f"Unknown dialect '{name}'.{hint} Known dialects: {', '.join(known)}."


def all_dialects() -> list["Dialect"]:
    return [get(name) for name in names()]
