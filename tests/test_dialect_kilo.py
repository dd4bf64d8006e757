"""Kilo Code agents (.kilo/agents/*.md): OpenCode's fields plus agent_manager; identity, edits,
detection, sharing OpenCode's extras, round trips and exact conversions."""

from __future__ import annotations

from pathlib import Path

import pytest

import agentport
import agentport.api
from agentport import Action, Code, Report, Rule

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

AUDITOR = FIXTURES / "kilo" / ".kilo" / "agents" / "security-auditor.md"
WHERE = ".kilo/agents/security-auditor.md"
CLAUDE_AGENTS = sorted((FIXTURES / "claude" / ".claude" / "agents").glob("*.md"))
OPENCODE_AGENTS = sorted((FIXTURES / "opencode" / ".opencode" / "agents").rglob("*.md"))

SMALL_OPENCODE = """\
---
description: Explains code
mode: subagent
variant: high
permission:
  edit: deny
---

Explain the code you are shown.
"""


def auditor_text() -> str:
    return agentport.api.read_text(AUDITOR)


def test_fixture_is_an_identity_and_reads_into_the_neutral_fields() -> None:
    report = Report(WHERE)
    agent = agentport.loads(auditor_text(), "kilo", path=WHERE, report=report)
    assert agentport.dumps(agent, "kilo") == auditor_text() and not report
    assert (agent.name, agent.max_turns, agent.color) == ("security-auditor", 30, "red")
    assert agent.rules == (
        Rule("edit", Action.DENY), Rule("write", Action.DENY), Rule("bash", Action.DENY),
        Rule("bash", Action.ALLOW, "git log*"), Rule("bash", Action.ALLOW, "grep *"),
    )
    assert agent.extras == {"kilo": {"permission": {"agent_manager": "deny"}}}


def test_an_edit_keeps_the_frontmatter_as_written() -> None:
    agent = agentport.loads(auditor_text(), "kilo", path=WHERE)
    edited = agentport.dumps(agent.replace(temperature=0.2), "kilo")
    assert edited == auditor_text().replace("temperature: 0.1", "temperature: 0.2")


def test_detected_by_path_and_by_agent_manager_only() -> None:
    assert agentport.detect(path=WHERE) == "kilo"
    assert agentport.detect(auditor_text()) == "kilo"
    assert agentport.detect(auditor_text().replace("  agent_manager: deny\n", "")) == "opencode"


def test_opencode_extras_are_shared_and_agent_manager_is_kilos_own() -> None:
    report = Report()
    opencode = agentport.loads(SMALL_OPENCODE, "opencode", path=".opencode/agents/explainer.md")
    kilo_text = agentport.dumps(opencode, "kilo", report=report)
    assert kilo_text == SMALL_OPENCODE and not report  # variant: OpenCode's, which Kilo reads too
    auditor = agentport.loads(auditor_text(), "kilo", path=WHERE)
    agentport.dumps(auditor, "opencode", report=report)
    assert [(item.code, item.field) for item in report] == [(Code.FIELD_DROPPED, "kilo.permission")]


def test_small_claude_agent_converts_exactly() -> None:
    claude = "---\nname: explainer\ndescription: Explains code\ntools: Read, Grep\n---\n\nExplain the code.\n"
    agent = agentport.loads(claude, "claude")
    assert agentport.dumps(agent, "kilo") == (
        "---\ndescription: Explains code\nmode: subagent\npermission:\n"
        '  "*": deny\n  read: allow\n  grep: allow\n---\n\nExplain the code.\n'
    )


@pytest.mark.parametrize("other", ["claude", "opencode"])
def test_round_trips(other: str) -> None:
    assert_round_trip(auditor_text(), "kilo", other, WHERE)
    assert_losses_reported(auditor_text(), "kilo", other, WHERE)
    validate_identity(auditor_text(), "kilo", WHERE)


@pytest.mark.parametrize(
    "path, dialect",
    [(path, "claude") for path in CLAUDE_AGENTS] + [(path, "opencode") for path in OPENCODE_AGENTS],
    ids=[path.name for path in (*CLAUDE_AGENTS, *OPENCODE_AGENTS)],
)
def test_other_dialects_round_trip_through_kilo(path: Path, dialect: str) -> None:
    where = path.relative_to(FIXTURES / dialect).as_posix()
    text = agentport.api.read_text(path)
    assert_round_trip(text, dialect, "kilo", where)
    assert_losses_reported(text, dialect, "kilo", where)
