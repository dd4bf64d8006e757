"""Helpers shared by the publishing tests (tests/test_publish_*.py)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentport.cli import main
from agentport.publish.plugin import MarketplaceInfo, Person, PluginInfo, pack_marketplace, pack_plugin

from conftest import FIXTURES

CLAUDE_AGENTS = FIXTURES / "claude" / ".claude" / "agents"
OPENCODE_AGENTS = FIXTURES / "opencode" / ".opencode" / "agents"
MARKET = "team-market"
PLUGIN = "reviewers"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    """``agentport ARGS`` in this process: exit code, standard output, standard error."""
    capsys.readouterr()
    saved = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(args))
    finally:
        sys.stdin = saved
    out, err = capsys.readouterr()
    return code, out, err


def git(cwd: Path, *args: str) -> str:
    """git without the developer's configuration, with a fixed identity."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(cwd),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
    }
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout.strip()


def agents_folder(root: Path, **prompts: str) -> Path:
    """A ``.claude/agents`` folder with one simple, valid agent per keyword (name=prompt)."""
    folder = root / ".claude" / "agents"
    folder.mkdir(parents=True, exist_ok=True)
    for name, prompt in prompts.items():
        (folder / f"{name}.md").write_text(
            f"---\nname: {name}\ndescription: {name.replace('-', ' ').capitalize()} for agentport's tests.\n"
            f"tools: Read, Grep\nmodel: sonnet\n---\n\n{prompt}\n"
        )
    return folder


def pack_market(root: Path, agents: Path, version: str = "1.0.0") -> Path:
    """Pack ``agents`` (Claude Code files) as plugin ``reviewers`` inside marketplace ``team-market``."""
    plugin = root / f"plugin-{version}"
    pack_plugin([agents], plugin, PluginInfo(PLUGIN, version, "Review agents", Person("Platform team")), force=True)
    market = root / f"market-{version}"
    info = MarketplaceInfo(MARKET, Person("Platform team"), "Agents of the platform team")
    pack_marketplace([plugin], market, info, force=True)
    return market
