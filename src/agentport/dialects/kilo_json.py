"""Kilo Code agents in ``kilo.jsonc`` / ``kilo.json``: the members of its ``agent`` map.

The same file shape as ``opencode.json`` (see :mod:`.opencode_json`), with Kilo's fields (see
:mod:`.kilo`) and schema URL.

Sources: https://kilo.ai/docs/customize/agent-properties (``agent`` key of ``kilo.jsonc``),
https://kilo.ai/docs/customize/custom-modes , read 2026-11.
"""

from __future__ import annotations

from .opencode import SHARED
from .opencode_json import OpenCodeJson


class KiloJson(OpenCodeJson):
    name = "kilo-json"
    title = "Kilo Code"
    config_file = "kilo.jsonc"
    patterns = ("kilo.json", "*/kilo.json", "kilo.jsonc", "*/kilo.jsonc")
    schema_url = "https://app.kilo.ai/config.json"
    notes = "the agent map of kilo.json(c); edited in place, comments kept"
    extras_keys = (SHARED, "kilo")
    tool_table = "kilo"
