"""What a list of permission rules means: the neutral semantics every dialect maps onto.

Rules are evaluated in order and the last one that matches decides (OpenCode's rule, and a
superset of an allowlist plus a denylist, which is what Claude Code and Copilot write).
"""

from __future__ import annotations

import fnmatch
from typing import Iterable

from .model import ANY_TOOL, Action, Rule


def decide(rules: Iterable[Rule], tool: str, argument: str | None = None) -> Action | None:
    """The action for ``tool`` called with ``argument``; ``None`` if no rule speaks to it."""
    decision = None
    for rule in rules:
        if rule.tool not in (tool, ANY_TOOL) and not _mcp_server_matches(rule.tool, tool):
            continue
        if rule.pattern is None or (argument is not None and fnmatch.fnmatchcase(argument, rule.pattern)):
            decision = rule.action
    return decision


def _mcp_server_matches(rule_tool: str, tool: str) -> bool:
    return rule_tool.endswith("/*") and rule_tool.startswith("mcp:") and tool.startswith(rule_tool[:-1])


def summary(rules: Iterable[Rule], tools: Iterable[str]) -> dict[str, Action | None]:
    """The pattern-free decision for each of ``tools``: what comparisons of agents look at."""
    rules = tuple(rules)
    return {tool: decide(rules, tool) for tool in tools}


def is_allowlist(rules: tuple[Rule, ...]) -> bool:
    """Whether the rules deny everything first and then allow some tools (an allowlist)."""
    return bool(rules) and rules[0] == Rule(ANY_TOOL, Action.DENY)


def mentioned_tools(rules: Iterable[Rule]) -> list[str]:
    """The tools the rules name, in first-mention order, without ``*``."""
    seen: dict[str, None] = {}
    for rule in rules:
        if rule.tool != ANY_TOOL:
            seen.setdefault(rule.tool, None)
    return list(seen)
