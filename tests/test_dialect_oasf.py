"""OASF records: a hand-written record, exports with model, Agent Skills and MCP modules."""

from __future__ import annotations

import json

import jsonschema
import pytest

import agentport
from agentport import Agent, Code, McpServer, ModelRef, Report, mappings

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

RECORD = FIXTURES / "oasf" / "oasf" / "code-reviewer.record.json"
CLAUDE = FIXTURES / "claude" / ".claude" / "agents" / "code-reviewer.md"


def schema_errors(text: str) -> list[str]:
    return [error.message for error in jsonschema.Draft202012Validator(mappings.schema("oasf")).iter_errors(json.loads(text))]


def test_a_record_reads_and_writes_back_byte_identical() -> None:
    agent = validate_identity(RECORD.read_text("utf-8"), "oasf", "oasf/code-reviewer.record.json")
    assert agent.model == ModelRef("sonnet", "anthropic", "claude-sonnet-4-5")
    assert agent.skills == ("security-review",)
    assert agent.mcp_servers == (McpServer("github", {"type": "http", "url": "https://api.githubcopilot.com/mcp/"}),)
    assert set(agent.extras["oasf"]) == {"version", "authors", "created_at", "skills", "domains", "locators", "annotations"}


def test_an_edit_changes_only_its_line() -> None:
    text = RECORD.read_text("utf-8")
    edited = agentport.dumps(agentport.loads(text, "oasf").replace(description="Reviews pull requests."), "oasf")
    assert edited == text.replace("Reviews diffs for correctness and missing tests.", "Reviews pull requests.")


def test_export_of_every_module_kind() -> None:
    agent = Agent(
        name="helper",
        description="Helps.",
        prompt="Help.",
        model=ModelRef(alias="opus"),
        skills=("pdf",),
        mcp_servers=(
            McpServer("fs", {"command": "npx", "args": ["-y", "fs"], "env": {"ROOT": "/srv"}}),
            McpServer("configured-elsewhere"),
        ),
    )
    report = Report()
    text = agentport.dumps(agent, "oasf", report=report)
    assert schema_errors(text) == []
    assert [module["name"] for module in json.loads(text)["modules"]] == [
        "core/language_model", "core/language_model/agentskills", "integration/mcp",
    ]
    assert json.loads(text)["modules"][2]["data"]["connections"] == [
        {"type": "stdio", "command": "npx", "args": ["-y", "fs"],
         "env_vars": [{"name": "ROOT", "default_value": "/srv", "description": ""}]}
    ]
    found = {(item.code, item.field) for item in report}
    assert {(Code.VALUE_APPROXIMATED, "model"), (Code.FIELD_DROPPED, "mcp_servers.configured-elsewhere"),
            (Code.FIELD_DROPPED, "prompt"), (Code.INVALID_VALUE, "authors")} <= found
    back = agentport.loads(text, "oasf")
    assert back.mcp_servers == agent.mcp_servers[:1] and back.skills == ("pdf",) and back.extras == {}


@pytest.mark.parametrize("other", ["claude", "opencode"])
def test_round_trips_keep_or_report(other: str) -> None:
    text = RECORD.read_text("utf-8")
    assert_round_trip(text, "oasf", other, "oasf/code-reviewer.record.json")
    assert_losses_reported(text, "oasf", other, "oasf/code-reviewer.record.json")


def test_the_claude_fixture_round_trips_through_oasf() -> None:
    source = CLAUDE.read_text("utf-8")
    assert_round_trip(source, "claude", "oasf", str(CLAUDE))
    assert_losses_reported(source, "claude", "oasf", str(CLAUDE))
