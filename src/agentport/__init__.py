"""agentport: convert coding-agent definitions between dialects, losslessly.

    >>> import agentport
    >>> result = agentport.convert(text, read="claude", write="opencode")
    >>> result.text, result.diagnostics

``load``/``loads`` read an :class:`Agent`, ``dump``/``dumps`` write one, ``detect`` names a
file's dialect and ``dialects`` lists them all.
"""

from .api import (
    Conversion,
    convert,
    detect,
    dump,
    dumps,
    dumps_all,
    get_dialect,
    load,
    loads,
    loads_all,
)
from . import dialects  # the package is callable: dialects() lists every dialect name
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

__version__ = "0.1.0"

__all__ = [
    "Action",
    "Agent",
    "AgentportError",
    "Code",
    "Conversion",
    "Diagnostic",
    "Layout",
    "LossError",
    "McpServer",
    "Mode",
    "ModelRef",
    "ParseError",
    "Report",
    "Rule",
    "Severity",
    "UnknownDialectError",
    "__version__",
    "convert",
    "detect",
    "dialects",
    "dump",
    "dumps",
    "dumps_all",
    "get_dialect",
    "load",
    "loads",
    "loads_all",
]
