"""agentport: convert coding-agent definitions between dialects, losslessly.

    >>> import agentport
    >>> result = agentport.convert(text, read="claude", write="opencode")
    >>> result.text, result.diagnostics

``load``/``loads`` read an :class:`Agent`, ``dump``/``dumps`` write one, ``detect`` names a
file's dialect and ``dialects()`` lists them all.

Names are imported on first use, so that ``agentport --version`` and the command line start
without loading what they do not need.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "agentport.api": (
        "Conversion", "convert", "detect", "dump", "dumps", "dumps_all", "get_dialect", "load", "loads",
        "loads_all",
    ),
    "agentport.diagnostics": (
        "AgentportError", "Code", "Diagnostic", "LossError", "ParseError", "Report", "Severity",
        "UnknownDialectError",
    ),
    "agentport.model": ("Action", "Agent", "McpServer", "Mode", "ModelRef", "Rule"),
    "agentport.text.markdown": ("Layout",),
}
_HOME = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [
    "Action", "Agent", "AgentportError", "Code", "Conversion", "Diagnostic", "Layout", "LossError",
    "McpServer", "Mode", "ModelRef", "ParseError", "Report", "Rule", "Severity", "UnknownDialectError",
    "__version__", "convert", "detect", "dialects", "dump", "dumps", "dumps_all", "get_dialect", "load",
    "loads", "loads_all",
]


def __getattr__(name: str) -> Any:
    if name == "dialects":
        # The package agentport.dialects is callable: dialects() lists every dialect name.
        return importlib.import_module("agentport.dialects")
    if name in _HOME:
        value = getattr(importlib.import_module(_HOME[name]), name)
        globals()[name] = value
        return value
    if not name.startswith("_") and importlib.util.find_spec(f"agentport.{name}") is not None:
        return importlib.import_module(f"agentport.{name}")  # agentport.api and other modules
    raise AttributeError(f"module 'agentport' has no attribute {name!r}")


if TYPE_CHECKING:
    from . import dialects
    from .api import Conversion, convert, detect, dump, dumps, dumps_all, get_dialect, load, loads, loads_all
    from .diagnostics import (
        AgentportError,
        Code,
        Diagnostic,
        LossError,
        ParseError,
        Report,
        Severity,
        UnknownDialectError,
    )
    from .model import Action, Agent, McpServer, Mode, ModelRef, Rule
    from .text.markdown import Layout
