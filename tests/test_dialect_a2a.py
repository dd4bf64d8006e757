"""A2A Agent Cards: a hand-written card, exports from Claude and OpenCode, placeholders."""

from __future__ import annotations

import json

import jsonschema
import pytest

import agentport
from agentport import Code, Report, mappings

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

CARD = FIXTURES / "a2a" / "a2a" / "code-reviewer.agent-card.json"
CLAUDE = FIXTURES / "claude" / ".claude" / "agents" / "code-reviewer.md"


def schema_errors(text: str) -> list[str]:
    return [error.message for error in jsonschema.Draft202012Validator(mappings.schema("a2a")).iter_errors(json.loads(text))]


def test_a_card_reads_and_writes_back_byte_identical() -> None:
    agent = validate_identity(CARD.read_text("utf-8"), "a2a", "a2a/code-reviewer.agent-card.json")
    assert (agent.name, agent.skills) == ("code-reviewer", ("review-diff", "security-review"))
    assert agentport.detect(CARD.read_text("utf-8")) == "a2a"
    assert agentport.detect(path="x/.well-known/agent-card.json") == "a2a"


def test_an_edit_changes_only_its_line() -> None:
    text = CARD.read_text("utf-8")
    edited = agentport.dumps(agentport.loads(text, "a2a").replace(description="Reviews pull requests."), "a2a")
    assert edited == text.replace("Reviews diffs for correctness and missing tests.", "Reviews pull requests.")


def test_claude_export_is_a_valid_card_with_placeholders() -> None:
    report = Report("code-reviewer.md")
    text = agentport.dumps(agentport.load(CLAUDE, "claude"), "a2a", report=report)
    assert schema_errors(text) == []
    card = json.loads(text)
    assert card["supportedInterfaces"] == [{"url": "", "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}]
    assert card["skills"] == [{"id": "security-review", "name": "security-review", "description": "", "tags": []}]
    dropped = {item.field for item in report if item.code is Code.FIELD_DROPPED}
    assert {"prompt", "model", "permission", "max_turns", "color", "claude.permissionMode"} <= dropped
    notes = [item for item in report if item.code is Code.INVALID_VALUE]
    assert notes and notes[0].field == "supportedInterfaces[0].url"
    back = agentport.loads(text, "a2a")
    assert back.extras == {} and back.skills == ("security-review",)


@pytest.mark.parametrize("other", ["claude", "opencode"])
def test_round_trips_keep_or_report(other: str) -> None:
    text = CARD.read_text("utf-8")
    assert_round_trip(text, "a2a", other, "a2a/code-reviewer.agent-card.json")
    assert_losses_reported(text, "a2a", other, "a2a/code-reviewer.agent-card.json")


def test_the_claude_fixture_round_trips_through_a2a() -> None:
    source = CLAUDE.read_text("utf-8")
    assert_round_trip(source, "claude", "a2a", str(CLAUDE))
    assert_losses_reported(source, "claude", "a2a", str(CLAUDE))


def test_detailed_skills_survive_an_edit_of_the_skill_list() -> None:
    agent = agentport.loads(CARD.read_text("utf-8"), "a2a")
    card = json.loads(agentport.dumps(agent.replace(skills=("review-diff", "triage")), "a2a"))
    assert [skill["id"] for skill in card["skills"]] == ["review-diff", "triage"]
    assert card["skills"][0]["examples"] == ["Review this patch for race conditions"]
    assert card["skills"][1] == {"id": "triage", "name": "triage", "description": "", "tags": []}
