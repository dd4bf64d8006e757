"""``agentport pack``: Claude Code plugins and marketplaces that the real ``claude`` CLI accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.servers import ClaudeCli

from agentport import api
from publishing import CLAUDE_AGENTS, OPENCODE_AGENTS, run_cli


def pack_plugin_cli(capsys: pytest.CaptureFixture[str], out: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli(
        capsys,
        "pack",
        "--plugin",
        str(CLAUDE_AGENTS),
        str(OPENCODE_AGENTS),
        "-o",
        str(out),
        "--version",
        "1.0.0",
        "--description",
        "Review agents",
        "--author",
        "Platform team",
        "--license",
        "MIT",
        *extra,
    )


def test_packed_plugin_and_marketplace_pass_claude_validate(
    claude_cli: ClaudeCli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plugin = tmp_path / "reviewers"
    code, _, err = pack_plugin_cli(capsys, plugin)
    assert code == 0, err
    assert "plugin reviewers: 6 agents" in err

    validated = claude_cli.plugin_validate(plugin)
    assert validated.rc == 0, validated.stdout + validated.stderr
    assert "Validation passed" in validated.stdout

    market = tmp_path / "market"
    code, _, err = run_cli(
        capsys,
        "pack",
        "--marketplace",
        str(plugin),
        "-o",
        str(market),
        "--owner",
        "Platform team",
        "--description",
        "Our agents",
    )
    assert code == 0, err
    validated = claude_cli.plugin_validate(market)
    assert validated.rc == 0, validated.stdout + validated.stderr
    assert json.loads((market / ".claude-plugin" / "marketplace.json").read_text()) == {
        "name": "market",
        "owner": {"name": "Platform team"},
        "metadata": {"description": "Our agents"},
        "plugins": [
            {"name": "reviewers", "source": "./plugins/reviewers", "description": "Review agents", "version": "1.0.0"}
        ],
    }
    assert (market / "plugins" / "reviewers" / "agents" / "code-reviewer.md").read_bytes() == (
        plugin / "agents" / "code-reviewer.md"
    ).read_bytes()


def test_plugin_holds_every_agent_as_claude_code_reads_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plugin = tmp_path / "reviewers"
    assert pack_plugin_cli(capsys, plugin)[0] == 0

    assert json.loads((plugin / ".claude-plugin" / "plugin.json").read_text()) == {
        "name": "reviewers",
        "version": "1.0.0",
        "description": "Review agents",
        "author": {"name": "Platform team"},
        "license": "MIT",
    }
    agents = sorted(path.relative_to(plugin / "agents").as_posix() for path in (plugin / "agents").rglob("*.md"))
    assert agents == [
        "code-reviewer.md",
        "docs-writer.md",
        "local-helper.md",
        "release-notes.md",
        "review-security.md",
        "test-writer.md",
    ]
    # A valid Claude Code file is copied byte for byte ...
    assert (plugin / "agents" / "code-reviewer.md").read_bytes() == (CLAUDE_AGENTS / "code-reviewer.md").read_bytes()
    # ... one Claude Code would misread (byte order mark, lenient YAML) is written anew ...
    assert not (plugin / "agents" / "release-notes.md").read_bytes().startswith(b"\xef\xbb\xbf")
    assert 'description: "Writes focused' in (plugin / "agents" / "test-writer.md").read_text()
    # ... and an OpenCode agent is converted.
    converted = api.load(plugin / "agents" / "docs-writer.md", "claude")
    assert converted.name == "docs-writer" and converted.prompt == api.load(OPENCODE_AGENTS / "docs-writer.md").prompt


def test_pack_reports_what_converting_loses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = pack_plugin_cli(capsys, tmp_path / "reviewers")

    assert code == 0
    assert "warning[field-dropped] temperature: Claude Code subagents have no temperature setting" in err
    assert "--strict" not in err
    assert pack_plugin_cli(capsys, tmp_path / "strict", "--strict")[0] == 1


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--name", "My Plugin", "is not a valid Claude Code plugin manifest: name: 'My Plugin' does not match"),
        ("--version", "v1", "plugin reviewers version 'v1' is not a semantic version"),
    ],
)
def test_pack_refuses_what_claude_code_would_reject(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    out = tmp_path / "reviewers"
    code, _, err = pack_plugin_cli(capsys, out, option, value)

    assert code == 1
    assert message in err
    assert not out.exists()


def test_pack_never_clobbers_and_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reviewers"
    code, _, err = pack_plugin_cli(capsys, out, "--dry-run")
    assert code == 0 and "(would be created)" in err
    assert not out.exists()

    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    code, _, err = pack_plugin_cli(capsys, out)
    assert code == 1
    assert err.strip().splitlines()[-1] == f"Error: {out} already exists with other content (use --force to replace it)"
    assert (out / "notes.txt").read_text() == "mine\n"

    assert pack_plugin_cli(capsys, out, "--force")[0] == 0
    assert not (out / "notes.txt").exists()
    code, _, err = pack_plugin_cli(capsys, out)
    assert code == 0 and "(unchanged)" in err


def test_marketplace_needs_packed_plugins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(
        capsys, "pack", "--marketplace", str(CLAUDE_AGENTS), "-o", str(tmp_path / "m"), "--owner", "Team"
    )

    assert code == 1
    assert "has no .claude-plugin/plugin.json: it is not a Claude Code plugin" in err
