"""Helpers that state what a correct conversion is, used by the dialect and corpus tests.

In the manner of sqlglot's ``validate_identity``/``validate_all``: reading and writing a file in
its own dialect gives back its bytes, and a round trip through another dialect keeps every
field both dialects express, or names the field in a diagnostic.
"""

from __future__ import annotations

from typing import Any

import agentport
from agentport import Agent, Report
from agentport import permissions
from agentport.mappings import table

DIAGNOSTIC_FIELD = {"rules": "permission", "max_turns": "max_turns", "mcp_servers": "mcp_servers"}


def capabilities() -> list[str]:
    return list(table("neutral", "capabilities")["capabilities"])


def validate_identity(text: str, dialect: str, path: str | None = None) -> Agent:
    agent = agentport.loads(text, dialect, path=path)
    assert agentport.dumps(agent, dialect) == text
    return agent


def comparable(agent: Agent, field: str) -> Any:
    """The part of a field that survives any faithful conversion."""
    value = getattr(agent, field)
    if field == "model":
        if value is None or (value.alias == "inherit" and value.id is None):
            return None
        return value.alias or str(value)
    if field == "rules":
        return permissions.summary(value, capabilities())
    return value


def round_trip(text: str, first: str, second: str, path: str | None = None) -> tuple[Agent, Agent, list[agentport.Diagnostic]]:
    """Read ``text`` in ``first``, write ``second``, read it, write ``first``, read that."""
    report = Report(path)
    original = agentport.loads(text, first, path=path, report=report)
    there = agentport.dumps(original, second, report=report)
    second_path = agentport.get_dialect(second).relative_path(original)
    middle = agentport.loads(there, second, path=second_path, report=report)
    back_text = agentport.dumps(middle, first, report=report)
    first_path = agentport.get_dialect(first).relative_path(original)
    back = agentport.loads(back_text, first, path=first_path, report=report)
    return original, back, list(report)


def assert_round_trip(text: str, first: str, second: str, path: str | None = None) -> None:
    """Every field both dialects express survives first -> second -> first, or is reported."""
    original, back, diagnostics = round_trip(text, first, second, path)
    shared = agentport.get_dialect(first).expresses & agentport.get_dialect(second).expresses
    reported = {d.field.split(".")[0].split("(")[0] for d in diagnostics if d.field and d.is_loss}
    for field in sorted(shared):
        before, after = comparable(original, field), comparable(back, field)
        if before != after:
            assert DIAGNOSTIC_FIELD.get(field, field) in reported, (
                f"{path}: {field} changed in {first} -> {second} -> {first} without a diagnostic:\n"
                f"  before: {before!r}\n  after:  {after!r}\n  reported: {sorted(reported)}"
            )


def assert_losses_reported(text: str, read: str, write: str, path: str | None = None) -> None:
    """Every field the source holds that the target cannot is named in the diagnostics."""
    report = Report(path)
    agent = agentport.loads(text, read, path=path, report=report)
    output = agentport.dumps(agent, write, report=report)
    fields = {d.field for d in report if d.field and d.is_loss}
    target = agentport.get_dialect(write)
    # A dialect that shares keys with the source (extras_keys) writes them and reads them back as the source's.
    kept: dict = {}
    if read in getattr(target, "extras_keys", ()):
        back = agentport.loads(output, write, path=target.relative_path(agent))
        kept = {**back.extras_for(write), **back.extras_for(read)}
    for field in agentport.get_dialect(read).expresses - target.expresses:
        value = getattr(agent, field)
        if value not in (None, (), False, "") and not (field == "mode"):
            assert any(f.split(".")[0] == DIAGNOSTIC_FIELD.get(field, field) for f in fields), (
                f"{path}: {field}={value!r} cannot be written to {write} but no diagnostic says so"
            )
    for key in agent.extras_for(read):
        if write != read and kept.get(key) != agent.extras_for(read)[key]:
            assert f"{read}.{key}" in fields, f"{path}: {read} field {key!r} dropped silently"
