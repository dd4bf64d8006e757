"""``agentport publish`` to a real git server, and the real ``claude`` CLI installing from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.servers import ClaudeCli, GitHttpServer

from publishing import MARKET, PLUGIN, agents_folder, git, pack_market, run_cli


def remote_log(git_server: GitHttpServer, name: str) -> list[str]:
    return git(
        git_server.root, "--git-dir", str(git_server.root / f"{name}.git"), "log", "--format=%s", "main"
    ).splitlines()


def remote_tags(git_server: GitHttpServer, name: str) -> list[str]:
    return git(git_server.root, "--git-dir", str(git_server.root / f"{name}.git"), "tag").splitlines()


def test_claude_installs_exactly_what_was_published(
    claude_cli: ClaudeCli, git_server: GitHttpServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    market = pack_market(tmp_path, agents_folder(tmp_path / "src", reviewer="Review the diff.", tester="Write tests."))
    git_server.create_bare("claude-market")
    url = git_server.url_for("claude-market")

    code, _, err = run_cli(capsys, "publish", str(market), url)
    assert code == 0, err
    assert f"published {PLUGIN} 1.0.0 to {url} (main @ " in err
    assert f"claude plugin install {PLUGIN}@{MARKET}" in err

    claude = claude_cli.with_home(tmp_path / "home")
    added = claude.marketplace_add(url)
    assert added.rc == 0, added.stdout + added.stderr
    installed = claude.plugin_install(f"{PLUGIN}@{MARKET}")
    assert installed.rc == 0, installed.stdout + installed.stderr

    cache = claude.plugin_cache / MARKET / PLUGIN / "1.0.0" / "agents"
    packed = market / "plugins" / PLUGIN / "agents"
    assert sorted(path.name for path in cache.iterdir()) == ["reviewer.md", "tester.md"]
    for name in ("reviewer.md", "tester.md"):
        assert (cache / name).read_bytes() == (packed / name).read_bytes()
    listed = claude.plugin_list_json()
    assert f"{PLUGIN}@{MARKET}" in {plugin.get("id") for plugin in json.loads(listed.stdout)}


def test_publishing_the_same_content_again_makes_no_commit(
    git_server: GitHttpServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    market = pack_market(tmp_path, agents_folder(tmp_path / "src", reviewer="Review the diff."))
    git_server.create_bare("twice")
    url = git_server.url_for("twice")

    assert run_cli(capsys, "publish", str(market), url)[0] == 0
    code, _, err = run_cli(capsys, "publish", str(market), url)

    assert code == 0
    assert err.startswith(f"unchanged: {url} main already holds {PLUGIN} 1.0.0")
    assert remote_log(git_server, "twice") == [f"Publish {PLUGIN} 1.0.0"]
    assert remote_tags(git_server, "twice") == [f"{PLUGIN}@1.0.0"]


def test_a_published_version_is_never_silently_replaced(
    git_server: GitHttpServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git_server.create_bare("versions")
    url = git_server.url_for("versions")
    agents = agents_folder(tmp_path / "src", reviewer="Review the diff.")
    first = pack_market(tmp_path / "a", agents)
    assert run_cli(capsys, "publish", str(first), url)[0] == 0

    # Same version, other content: refused, nothing pushed.
    agents_folder(tmp_path / "src", reviewer="Review the diff, then the tests.")
    changed = pack_market(tmp_path / "b", agents)
    code, _, err = run_cli(capsys, "publish", str(changed), url)
    assert code == 1
    assert err.strip() == (
        f"Error: {PLUGIN}@1.0.0 is already published with other content: raise the version in plugin.json "
        "(agentport pack --version), or use --force"
    )
    assert remote_log(git_server, "versions") == [f"Publish {PLUGIN} 1.0.0"]

    # A new version is published next to the old one, which stays installable by its tag.
    bumped = pack_market(tmp_path / "c", agents, version="1.1.0")
    assert run_cli(capsys, "publish", str(bumped), url)[0] == 0
    assert remote_tags(git_server, "versions") == [f"{PLUGIN}@1.0.0", f"{PLUGIN}@1.1.0"]
    old = tmp_path / "old"
    code, _, err = run_cli(capsys, "install", url, PLUGIN, "--to", "claude", str(old), "--ref", f"{PLUGIN}@1.0.0")
    assert code == 0, err
    assert (old / ".claude" / "agents" / "reviewer.md").read_text().endswith("Review the diff.\n")

    # Going back to an older version is refused too; --force does it, and moves that tag.
    code, _, err = run_cli(capsys, "publish", str(changed), url)
    assert code == 1 and f"{PLUGIN} 1.1.0 would be replaced by the older 1.0.0" in err
    assert run_cli(capsys, "publish", str(changed), url, "--force")[0] == 0
    assert remote_log(git_server, "versions") == [
        f"Publish {PLUGIN} 1.0.0",
        f"Publish {PLUGIN} 1.1.0",
        f"Publish {PLUGIN} 1.0.0",
    ]


def test_publish_dry_run_pushes_nothing(
    git_server: GitHttpServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    market = pack_market(tmp_path, agents_folder(tmp_path / "src", reviewer="Review the diff."))
    bare = git_server.create_bare("dry")

    code, _, err = run_cli(capsys, "publish", str(market), git_server.url_for("dry"), "--dry-run")

    assert code == 0 and err.startswith(f"would publish {PLUGIN} 1.0.0")
    assert git(bare, "--git-dir", str(bare), "for-each-ref") == ""


def test_publish_explains_what_it_cannot_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "publish", str(tmp_path), str(tmp_path / "remote.git"))
    assert code == 1
    assert "holds no .claude-plugin/plugin.json or .claude-plugin/marketplace.json: pack it first" in err

    market = pack_market(tmp_path, agents_folder(tmp_path / "src", reviewer="Review the diff."))
    code, _, err = run_cli(capsys, "publish", str(market), "http://127.0.0.1:9/nowhere.git")
    assert code == 1
    assert err.startswith("Error: reaching git remote http://127.0.0.1:9/nowhere.git failed: fatal: unable to access")
