"""Open Agent Spec Agent components: prompt, model, generation parameters, MCP toolboxes."""

from __future__ import annotations

import json

import jsonschema
import pytest

import agentport
from agentport import Agent, Code, McpServer, ModelRef, Report, mappings

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

SPEC = FIXTURES / "agentspec" / "agentspec" / "code-reviewer.agentspec.json"
CLAUDE = FIXTURES / "claude" / ".claude" / "agents" / "code-reviewer.md"

CLAUDE_EXPORT = """\
{
  "component_type": "Agent",
  "id": "code-reviewer",
  "name": "code-reviewer",
  "description": "Reviews a change for bugs and risky patterns. Use when: a pull request is ready.",
  "llm_config": {
    "component_type": "LlmConfig",
    "id": "code-reviewer.llm",
    "name": "claude-opus-4-5",
    "model_id": "claude-opus-4-5",
    "provider": "anthropic"
  },
  "system_prompt": "You are a meticulous code reviewer.\\n\\n1. Read the diff with `git diff`.\\n2. Look for bugs, missing tests and risky patterns.\\n3. Report findings by severity; never edit files.",
  "agentspec_version": "26.1.2"
}
"""


def schema_errors(text: str) -> list[str]:
    return [error.message for error in jsonschema.Draft202012Validator(mappings.schema("agentspec")).iter_errors(json.loads(text))]


def test_a_component_reads_and_writes_back_byte_identical() -> None:
    agent = validate_identity(SPEC.read_text("utf-8"), "agentspec", "agentspec/code-reviewer.agentspec.json")
    assert agent.prompt == "You review code. Report findings; never modify files."
    assert (agent.model, agent.temperature) == (ModelRef("sonnet", "anthropic", "claude-sonnet-4-5"), 0.2)
    assert agent.mcp_servers == (McpServer("github", {"type": "http", "url": "https://api.githubcopilot.com/mcp/"}),)
    assert agent.extras == {"agentspec": {"llm_config": {"default_generation_parameters": {"max_tokens": 4096}},
                                          "human_in_the_loop": True}}


def test_an_edit_changes_only_its_value() -> None:
    text = SPEC.read_text("utf-8")
    edited = agentport.dumps(agentport.loads(text, "agentspec").replace(prompt="Review."), "agentspec")
    assert edited == text.replace("You review code. Report findings; never modify files.", "Review.")


def test_claude_export() -> None:
    report = Report("code-reviewer.md")
    text = agentport.dumps(agentport.load(CLAUDE, "claude"), "agentspec", report=report)
    assert text == CLAUDE_EXPORT
    assert schema_errors(text) == []
    assert {item.field for item in report if item.is_loss} == {
        "model", "permission", "max_turns", "color", "skills", "claude.permissionMode"
    }


def test_placeholders_in_the_prompt_and_a_missing_model_are_reported() -> None:
    report = Report()
    text = agentport.dumps(Agent(name="greeter", prompt="Greet {{ user }} in {{lang}}."), "agentspec", report=report)
    assert schema_errors(text) == []
    assert json.loads(text)["llm_config"]["model_id"] == ""
    assert [(item.code, item.field) for item in report] == [
        (Code.INVALID_VALUE, "llm_config.model_id"), (Code.VALUE_APPROXIMATED, "prompt"),
    ]
    assert agentport.loads(text, "agentspec").extras == {}


def test_only_agent_components_are_read() -> None:
    with pytest.raises(agentport.ParseError):
        agentport.loads('{"component_type": "Flow", "name": "f"}', "agentspec")


@pytest.mark.parametrize("other", ["claude", "opencode"])
def test_round_trips_keep_or_report(other: str) -> None:
    text = SPEC.read_text("utf-8")
    assert_round_trip(text, "agentspec", other, "agentspec/code-reviewer.agentspec.json")
    assert_losses_reported(text, "agentspec", other, "agentspec/code-reviewer.agentspec.json")


def test_the_claude_fixture_round_trips_through_agentspec() -> None:
    source = CLAUDE.read_text("utf-8")
    assert_round_trip(source, "claude", "agentspec", str(CLAUDE))
    assert_losses_reported(source, "claude", "agentspec", str(CLAUDE))
