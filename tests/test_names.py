"""Agent names: each dialect's rule, names made valid (reported), and never invented."""

from __future__ import annotations

import pytest

import agentport
from agentport.diagnostics import Code, RenderError, Report
from agentport.model import Agent

COPILOT = "---\nname: Issue Triage Agent\ndescription: Triage issues.\n---\n\nTriage.\n"


@pytest.mark.parametrize(
    ("dialect", "name", "valid"),
    [
        ("claude", "Issue Triage Agent", "issue-triage-agent"),
        ("claude", "dotnet-framework-4.8-expert", "dotnet-framework-4.8-expert"),  # read from the corpus
        ("claude", "review/security", "review-security"),
        ("claude", "../../x", "x"),
        ("gemini", "Api_Reviewer v2", "api_reviewer-v2"),
        ("qwen", "Issue Triage Agent", "Issue-Triage-Agent"),
        ("factory", "Code Reviewer", "code-reviewer"),
        ("roo", "docs_writer", "docs-writer"),
        ("opencode", "review/security", "review/security"),
        ("opencode", "../../x", "x"),
        ("opencode", "a:b\\c", "a-b-c"),
        ("codex", "review/security", "review-security"),
        ("copilot", "Issue Triage Agent", "Issue-Triage-Agent"),
    ],
)
def test_each_dialect_makes_names_valid_its_own_way(dialect: str, name: str, valid: str) -> None:
    assert agentport.get_dialect(dialect).valid_name(name) == valid


@pytest.mark.parametrize("name", ["!!!", "..", "日本語"])
def test_a_name_with_nothing_valid_in_it_is_an_error_not_an_invented_name(name: str) -> None:
    report = Report("x.md")
    with pytest.raises(RenderError, match="has nothing a Claude Code name can hold"):
        agentport.dumps(Agent(name=name, description="d"), "claude", report=report)
    [error] = [item for item in report if item.code is Code.INVALID_VALUE]
    assert error.field == "name"


def test_the_name_and_the_file_agree_and_the_change_is_reported() -> None:
    result = agentport.convert(COPILOT, "copilot", "claude", path=".github/agents/triage.agent.md")
    assert "name: issue-triage-agent\n" in result.text
    [note] = [item for item in result.diagnostics if item.field == "name"]
    assert note.code is Code.VALUE_APPROXIMATED
    assert note.message == "'Issue Triage Agent': Claude Code names are lowercase letters, digits and hyphens; written as 'issue-triage-agent'"
    claude = agentport.get_dialect("claude")
    assert claude.relative_path(result.agent) == ".claude/agents/issue-triage-agent.md"


def test_copilots_name_is_shown_to_people_so_only_its_file_name_is_made_valid() -> None:
    agent = agentport.loads(COPILOT, "copilot")
    fresh = agent.replace(source=None)
    assert "name: Issue Triage Agent\n" in agentport.dumps(fresh, "copilot")
    assert agentport.get_dialect("copilot").relative_path(fresh) == ".github/agents/Issue-Triage-Agent.agent.md"


def test_a_file_naming_its_agent_in_a_way_the_tool_rejects_is_warned_and_kept() -> None:
    text = "---\nname: Code Reviewer\ndescription: R.\n---\n\nR.\n"
    report = Report()
    agent = agentport.loads(text, "claude", report=report)
    assert [(item.code, item.field, item.line) for item in report] == [(Code.INVALID_VALUE, "name", 2)]
    assert agentport.dumps(agent, "claude") == text  # unchanged: written back as it was


def test_renaming_an_agent_in_place_makes_the_new_name_valid() -> None:
    text = "---\nname: reviewer\ndescription: R.\n---\n\nR.\n"
    agent = agentport.loads(text, "claude").replace(name="Senior Reviewer")
    assert agentport.dumps(agent, "claude") == text.replace("name: reviewer", "name: senior-reviewer")
