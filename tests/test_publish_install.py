"""``agentport install``: a marketplace plugin's agents into any dialect, with a lock file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.servers import GitHttpServer

from agentport import api
from agentport.publish.gitremote import publish
from agentport.publish.install import check_lock
from agentport.publish.lock import LOCK_FILE
from agentport.publish.plugin import PluginInfo, pack_plugin
from agentport.publish.tree import read_tree, sha256
from publishing import PLUGIN, agents_folder, pack_market, run_cli


@pytest.fixture
def market(tmp_path: Path) -> Path:
    return pack_market(
        tmp_path / "packed", agents_folder(tmp_path / "src", reviewer="Review the diff.", tester="Write tests.")
    )


@pytest.fixture
def market_url(git_server: GitHttpServer, market: Path, request: pytest.FixtureRequest) -> str:
    name = request.node.name.replace("[", "-").replace("]", "")
    git_server.create_bare(name)
    url = git_server.url_for(name)
    publish(market, url)
    return url


def packed_agent(market: Path, name: str) -> str:
    return (market / "plugins" / PLUGIN / "agents" / f"{name}.md").read_text()


def test_install_from_git_into_opencode_records_a_lock(
    market: Path, market_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    code, _, err = run_cli(capsys, "install", market_url, PLUGIN, "--to", "opencode", str(project))

    assert code == 0, err
    assert "installed: 2 created" in err
    for name in ("reviewer", "tester"):
        expected = api.convert(packed_agent(market, name), "claude", "opencode").text
        assert (project / ".opencode" / "agents" / f"{name}.md").read_text() == expected
    lock = json.loads((project / LOCK_FILE).read_text())
    [entry] = lock["installs"]
    commit = market_url and entry["revision"]
    assert len(commit) == 40
    assert {key: entry[key] for key in ("kind", "source", "plugin", "dialect", "version")} == {
        "kind": "marketplace",
        "source": market_url,
        "plugin": PLUGIN,
        "dialect": "opencode",
        "version": "1.0.0",
    }
    assert entry["files"][0] == {
        "path": ".opencode/agents/reviewer.md",
        "sha256": sha256((project / ".opencode" / "agents" / "reviewer.md").read_bytes()),
        "origin": "agents/reviewer.md",
        "originSha256": sha256(packed_agent(market, "reviewer").encode()),
    }
    assert check_lock(project) == []


def test_install_from_a_local_folder_into_copilot(
    market: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "install", "packed/market-1.0.0", PLUGIN, "--to", "copilot", "project")

    assert code == 0, err
    project = tmp_path / "project"
    assert sorted(path.name for path in (project / ".github" / "agents").iterdir()) == [
        "reviewer.agent.md",
        "tester.agent.md",
    ]
    [entry] = json.loads((project / LOCK_FILE).read_text())["installs"]
    assert entry["source"] == "../packed/market-1.0.0" and entry["revision"] is None

    # The lock names the folder relative to the project, so it is found from anywhere.
    before = read_tree(project)
    monkeypatch.chdir(market)
    assert run_cli(capsys, "install", str(project))[0] == 0
    assert read_tree(project) == before

    # A local folder has no commit: the recorded hashes pin it.
    (market / "plugins" / PLUGIN / "agents" / "tester.md").write_text("---\nname: tester\ndescription: x\n---\nNew.\n")
    assert [item.kind for item in check_lock(project, upstream=True)] == ["outdated"]
    code, _, err = run_cli(capsys, "install", str(project))
    assert code == 1
    assert "no longer has the files the lock records; run 'agentport install" in err


def test_install_a_plugin_kept_in_its_own_repository(
    git_server: GitHttpServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plugin = tmp_path / "plugin"
    pack_plugin([agents_folder(tmp_path / "src", reviewer="Review the diff.")], plugin, PluginInfo(PLUGIN, "1.0.0"))
    git_server.create_bare("own-plugin")
    plugin_url = git_server.url_for("own-plugin")
    publish(plugin, plugin_url)
    market = tmp_path / "market" / ".claude-plugin" / "marketplace.json"
    market.parent.mkdir(parents=True)
    entry = {"name": PLUGIN, "source": {"source": "url", "url": plugin_url}}
    market.write_text(json.dumps({"name": "elsewhere", "owner": {"name": "Team"}, "plugins": [entry]}))
    project = tmp_path / "project"

    code, _, err = run_cli(capsys, "install", str(tmp_path / "market"), PLUGIN, "--to", "opencode", str(project))

    assert code == 0, err
    assert (project / ".opencode" / "agents" / "reviewer.md").is_file()
    [locked] = json.loads((project / LOCK_FILE).read_text())["installs"]
    assert locked["pluginSource"] == plugin_url and len(locked["pluginRevision"]) == 40


def test_installing_again_from_the_lock_is_reproducible_when_upstream_moved(
    market_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    assert run_cli(capsys, "install", market_url, PLUGIN, "--to", "claude", str(project))[0] == 0
    installed = read_tree(project)

    newer = pack_market(
        tmp_path / "newer", agents_folder(tmp_path / "src2", reviewer="Review it all."), version="2.0.0"
    )
    publish(newer, market_url)
    [outdated] = check_lock(project, upstream=True)
    assert outdated.kind == "outdated" and outdated.path == market_url

    (project / ".claude" / "agents" / "tester.md").unlink()
    code, _, err = run_cli(capsys, "install", str(project))
    assert code == 0, err
    assert read_tree(project) == installed  # the locked commit, not the new head

    # Asking for the plugin again updates to the new head: its files, its lock entry.
    assert run_cli(capsys, "install", market_url, PLUGIN, "--to", "claude", str(project))[0] == 0
    assert not (project / ".claude" / "agents" / "tester.md").exists()  # gone upstream, so removed
    assert (project / ".claude" / "agents" / "reviewer.md").read_text().endswith("Review it all.\n")
    assert json.loads((project / LOCK_FILE).read_text())["installs"][0]["version"] == "2.0.0"


def test_drift_is_reported_and_edits_are_never_overwritten(
    market_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    assert run_cli(capsys, "install", market_url, PLUGIN, "--to", "opencode", str(project))[0] == 0
    edited = project / ".opencode" / "agents" / "reviewer.md"
    edited.write_text(edited.read_text() + "Also check the docs.\n")
    (project / ".opencode" / "agents" / "tester.md").unlink()

    drift = check_lock(project)
    assert [(item.kind, item.path) for item in drift] == [
        ("modified", ".opencode/agents/reviewer.md"),
        ("missing", ".opencode/agents/tester.md"),
    ]
    assert (
        str(drift[0]) == f".opencode/agents/reviewer.md: edited since it was installed from {PLUGIN} from {market_url}"
    )
    monkeypatch.chdir(project)  # 'agentport check' sees the drift too, with no sync configuration
    code, _, err = run_cli(capsys, "check")
    assert code == 1 and "edited since it was installed" in err and "now missing" in err
    monkeypatch.chdir(tmp_path)

    code, _, err = run_cli(capsys, "install", str(project))
    assert code == 1
    assert f"Error: {edited} already exists with other content (use --force to replace)" in err
    assert not (project / ".opencode" / "agents" / "tester.md").exists()  # all or nothing

    assert run_cli(capsys, "install", str(project), "--force")[0] == 0
    assert check_lock(project) == []


def test_a_failed_install_leaves_nothing_behind(
    market_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    mine = project / ".opencode" / "agents" / "tester.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("my own tester\n")

    code, _, err = run_cli(capsys, "install", market_url, PLUGIN, "--to", "opencode", str(project))

    assert code == 1 and "already exists with other content" in err
    assert read_tree(project) == {".opencode/agents/tester.md": b"my own tester\n"}


def test_install_dry_run_writes_nothing(market_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "project"
    code, _, err = run_cli(capsys, "install", market_url, PLUGIN, "--to", "opencode", str(project), "--dry-run")

    assert code == 0 and "dry run: 2 would be created" in err
    assert not project.exists()


@pytest.mark.parametrize(
    ("source", "plugin", "message"),
    [
        ("{market}", "nope", "Error: marketplace 'team-market' has no plugin 'nope' (it has: reviewers)"),
        (
            "http://127.0.0.1:9/market.git",
            PLUGIN,
            "Error: fetching http://127.0.0.1:9/market.git failed: fatal: unable to access",
        ),
    ],
)
def test_install_errors_are_one_clear_line(
    market: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, plugin: str, message: str
) -> None:
    code, _, err = run_cli(
        capsys, "install", source.format(market=market), plugin, "--to", "opencode", str(tmp_path / "p")
    )

    assert code == 1
    assert err.startswith(message) and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "p").exists()
