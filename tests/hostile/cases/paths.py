"""Paths from content: names, links, manifest entries and configuration values that lead out.

Every case writes a project under ``<folder>/project`` and a bystander under
``<folder>/outside`` holding ``secret.txt`` (whose text must never be copied, changed or
deleted); the tests run agentport in the project and compare snapshots of the whole folder.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import case

SECRET = "MARKER-7f3c secret the agent must never see\n"


def claude_agent(name: str, body: str = "You review code.") -> str:
    return f"---\nname: {name}\ndescription: Reviews code.\n---\n\n{body}\n"


def project_and_bystander(folder: Path) -> Path:
    project = folder / "project"
    (project / ".git").mkdir(parents=True)
    (project / ".claude" / "agents").mkdir(parents=True)
    (folder / "outside").mkdir()
    (folder / "outside" / "secret.txt").write_text(SECRET)
    return project


@case("paths")
def name_climbs_out(folder: Path) -> None:
    """An agent whose name climbs out of the output folder."""
    project = project_and_bystander(folder)
    (project / ".claude/agents/escape.md").write_text(claude_agent("../../../outside/pwned"))


@case("paths")
def absolute_name(folder: Path) -> None:
    project = project_and_bystander(folder)
    (project / ".claude/agents/absolute.md").write_text(claude_agent("/tmp/agentport-pwned"))


@case("paths")
def linked_output_folder(folder: Path) -> None:
    """The output's agents folder is a link to a folder outside."""
    project = project_and_bystander(folder)
    (project / ".claude/agents/reviewer.md").write_text(claude_agent("reviewer"))
    (project / ".opencode").mkdir()
    (project / ".opencode" / "agents").symlink_to(folder / "outside")


@case("paths")
def linked_output_file(folder: Path) -> None:
    """The output file itself is a link to a file outside."""
    project = project_and_bystander(folder)
    (project / ".claude/agents/reviewer.md").write_text(claude_agent("reviewer"))
    (project / ".opencode" / "agents").mkdir(parents=True)
    (project / ".opencode" / "agents" / "reviewer.md").symlink_to(folder / "outside" / "secret.txt")


@case("paths")
def linked_agent_file(folder: Path) -> None:
    """An agent file in the folder read is a link to a file outside."""
    project = project_and_bystander(folder)
    (project / ".claude/agents/reviewer.md").write_text(claude_agent("reviewer"))
    (folder / "outside" / "stolen.md").write_text(claude_agent("stolen", body=SECRET))
    (project / ".claude/agents/stolen.md").symlink_to(folder / "outside" / "stolen.md")


@case("paths")
def linked_agent_map(folder: Path) -> None:
    """An ``opencode.json`` in the folder read is a link to a file outside."""
    project = project_and_bystander(folder)
    (folder / "outside" / "opencode.json").write_text(
        '{"agent": {"stolen": {"description": "x", "prompt": "' + SECRET.strip() + '"}}}\n'
    )
    (project / "opencode.json").symlink_to(folder / "outside" / "opencode.json")


@case("paths")
def linked_agents_folder(folder: Path) -> None:
    """A folder inside the folder read is a link to a folder outside."""
    project = project_and_bystander(folder)
    (project / ".claude/agents/reviewer.md").write_text(claude_agent("reviewer"))
    (folder / "outside" / "agents").mkdir()
    (folder / "outside" / "agents" / "stolen.md").write_text(claude_agent("stolen", body=SECRET))
    (project / ".claude/agents/more").symlink_to(folder / "outside" / "agents")


@case("paths")
def two_sources_one_name(folder: Path) -> None:
    project = project_and_bystander(folder)
    (project / ".claude/agents/first.md").write_text(claude_agent("reviewer", "First."))
    (project / ".claude/agents/second.md").write_text(claude_agent("reviewer", "Second."))


@case("paths")
def names_that_differ_until_made_valid(folder: Path) -> None:
    """Two Copilot agents whose names become one Claude Code name."""
    project = project_and_bystander(folder)
    agents = project / ".github" / "agents"
    agents.mkdir(parents=True)
    for stem, name in (("one", "Issue Triage Agent"), ("two", "issue-triage-agent")):
        (agents / f"{stem}.agent.md").write_text(f"---\nname: {name}\ndescription: Triage.\n---\n\nTriage.\n")


def sync_project(folder: Path, config: str = "") -> Path:
    project = project_and_bystander(folder)
    (project / ".claude/agents/reviewer.md").write_text(claude_agent("reviewer"))
    (project / "agentport.toml").write_text(config or '[source]\ndialect = "claude"\n\n[targets.opencode]\n')
    return project


def manifest_listing(project: Path, *entries: tuple[str, bytes]) -> None:
    lines = [
        "# agentport sync manifest 1: the files `agentport sync` generated, with the SHA-256 of each\n",
        "# as written and the source it came from. Rewritten by every sync: do not edit, do commit.\n",
    ]
    lines += [f"{hashlib.sha256(data).hexdigest()}\t{path}\t.claude/agents/gone.md\n" for path, data in entries]
    (project / ".agentport").mkdir()
    (project / ".agentport" / "manifest.tsv").write_text("".join(lines))


@case("paths")
def manifest_lists_outside_file(folder: Path) -> None:
    """The manifest claims a file outside the project, with its true hash."""
    project = sync_project(folder)
    manifest_listing(project, ("../outside/secret.txt", SECRET.encode()))


@case("paths")
def manifest_lists_absolute_file(folder: Path) -> None:
    project = sync_project(folder)
    manifest_listing(project, (str(folder / "outside" / "secret.txt"), SECRET.encode()))


@case("paths")
def manifest_lists_project_file(folder: Path) -> None:
    """The manifest claims a file of the project that is no agent file (README.md)."""
    project = sync_project(folder)
    (project / "README.md").write_text("# Project\n")
    manifest_listing(project, ("README.md", b"# Project\n"))


@case("paths")
def manifest_lists_file_through_link(folder: Path) -> None:
    """The manifest claims an agent file inside a linked folder."""
    project = sync_project(folder)
    (folder / "outside" / "agents").mkdir()
    (folder / "outside" / "agents" / "victim.md").write_text("victim\n")
    (project / ".opencode").mkdir()
    (project / ".opencode" / "agents").symlink_to(folder / "outside" / "agents")
    manifest_listing(project, (".opencode/agents/victim.md", b"victim\n"))


@case("paths")
def config_target_outside(folder: Path) -> None:
    sync_project(folder, '[source]\ndialect = "claude"\n\n[targets.opencode]\nroot = "../outside"\n')


@case("paths")
def config_source_outside(folder: Path) -> None:
    sync_project(folder, '[source]\ndialect = "claude"\npath = "../outside"\n\n[targets.opencode]\n')


@case("paths")
def config_manifest_outside(folder: Path) -> None:
    sync_project(folder, 'manifest = "../outside/manifest.tsv"\n\n[source]\ndialect = "claude"\n\n[targets.opencode]\n')


@case("paths")
def config_source_is_link(folder: Path) -> None:
    project = sync_project(folder, '[source]\ndialect = "claude"\npath = "agents"\n\n[targets.opencode]\n')
    (folder / "outside" / "agents").mkdir()
    (folder / "outside" / "agents" / "stolen.md").write_text(claude_agent("stolen", body=SECRET))
    (project / "agents").symlink_to(folder / "outside" / "agents")


@case("paths")
def nul_in_name(folder: Path) -> None:
    project = project_and_bystander(folder)
    (project / ".claude/agents/nul.md").write_text('---\nname: "a\\0b"\ndescription: x.\n---\n\nx\n')


@case("paths")
def nul_in_manifest_entry(folder: Path) -> None:
    project = sync_project(folder)
    manifest_listing(project, (".opencode/agents/a\0b.md", b"x"))


@case("paths")
def nul_in_config_value(folder: Path) -> None:
    sync_project(folder, '[source]\ndialect = "claude"\npath = "agents\\u0000x"\n\n[targets.opencode]\n')
