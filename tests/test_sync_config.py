"""The sync configuration and the manifest: what is accepted, what is refused and how it says so;
``agentport init``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from agentport import config
from agentport.cli import cli
from agentport.config import ConfigError
from agentport.containment import Folder
from agentport.manifest import Manifest, ManifestError, digest
from agentport.text.markdown import Layout


def parse(text: str, name: str = "agentport.toml") -> config.Config:
    return config.parse(config.tomllib.loads(text), Path("/repo") / name)


def test_every_option_is_read() -> None:
    loaded = parse(
        '[source]\ndialect = "claude-code"\npath = "agents"\nexclude = ["README.md"]\n\n'
        '[targets.opencode]\nroot = "out"\nwrap = 100\nnumbering = "consecutive"\n'
        'models = { sonnet = "github-copilot/claude-sonnet-4" }\ninclude = ["review*"]\nexclude = "draft-*"\n\n'
        '[targets.mine]\ndialect = "claude"\n'
    )
    assert loaded.root == Path("/repo") and loaded.manifest == ".agentport/manifest.tsv"
    assert loaded.source == config.SourceFolder("claude", "agents", ("README.md",))
    opencode, mine = loaded.targets
    assert opencode == config.Target(
        "opencode", "opencode", "out", Layout(wrap=100, numbering="consecutive"),
        {"sonnet": "github-copilot/claude-sonnet-4"}, ("review*",), ("draft-*",),
    )
    assert (mine.dialect, mine.root, mine.layout, mine.models) == ("claude", ".", Layout(), None)
    assert config.written_by(opencode) == "out/.opencode/agents"
    assert opencode.wants("reviewer") and not opencode.wants("draft-reviewer") and not opencode.wants("writer")
    assert loaded.source.skips("README.md") and loaded.source.skips("sub/README.md") and not loaded.source.skips("a.md")


@pytest.mark.parametrize(
    "text, message",
    [
        ('[source]\ndialect = "claude"\n', "targets: no targets"),
        ('[targets.opencode]\n', "source: missing"),
        ('[source]\npath = "x"\n[targets.opencode]\n', "source.dialect: missing"),
        ('[source]\ndialect = "claud"\n[targets.opencode]\n', "Unknown dialect 'claud'. Did you mean 'claude'?"),
        ('[source]\ndialect = "claude"\n[targets.opencod]\n', "targets.opencod.dialect: Unknown dialect"),
        ('[source]\ndialect = "claude"\n[targets.opencode]\nwarp = 80\n', "targets.opencode.warp: unknown key; did you mean 'wrap'?"),
        ('[source]\ndialect = "claude"\n[targets.opencode]\nwrap = 10\n', 'expected "keep", "no" or a column of at least 20'),
        ('[source]\ndialect = "claude"\n[targets.opencode]\nnumbering = "roman"\n', "expected one of keep, one, consecutive"),
        ('[source]\ndialect = "claude"\n[targets.opencode]\nmodels = { sonnet = 4 }\n', "targets.opencode.models.sonnet"),
        ('[source]\ndialect = "claude"\n[targets.opencode]\ninclude = [1]\n', "expected a list of names or globs"),
        ('[source]\ndialect = "claude"\n[targets.opencode]\nroot = "/abs"\n', "'/abs' is absolute"),
        ('[source]\ndialect = "claude"\n[targets.claude]\n', "writes .claude/agents, which overlaps the source .claude/agents"),
        ('[source]\ndialect = "claude"\npath = "."\n[targets.opencode]\n', "overlaps the source ."),
        (
            '[source]\ndialect = "claude"\n[targets.a]\ndialect = "opencode"\n[targets.b]\ndialect = "opencode"\n',
            "targets.b: writes .opencode/agents, as targets.a does",
        ),
    ],
)
def test_a_bad_configuration_is_refused_naming_the_file_and_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse(text)
    assert str(error.value).startswith("/repo/agentport.toml: ")
    assert message in str(error.value)


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "agentport.toml"
    path.write_text('[source]\ndialect = "claude\n')
    with pytest.raises(ConfigError, match=r"agentport.toml: not valid TOML: .*line 2"):
        config.load(path)


def test_the_configuration_is_looked_for_up_to_the_repository_top(tmp_path: Path) -> None:
    (tmp_path / "agentport.toml").write_text("")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "sub").mkdir()
    assert config.find(repo / "sub") is None
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert config.find(repo / "sub") is None
    (repo / "pyproject.toml").write_text('[tool.agentport.source]\ndialect = "claude"\n')
    assert config.find(repo / "sub") == repo / "pyproject.toml"
    (repo / "sub" / "agentport.toml").write_text("")
    assert config.find(repo / "sub") == repo / "sub" / "agentport.toml"


def test_manifest_round_trip_and_damage(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    path = tmp_path / ".agentport" / "manifest.tsv"
    assert len(Manifest.read(folder, ".agentport/manifest.tsv")) == 0
    manifest = Manifest({"b/x.md": (digest(b"x"), "src/x.md"), "a/x.md": (digest(b"y"), "src/x.md")})
    manifest.write(folder, ".agentport/manifest.tsv")
    lines = path.read_text().splitlines()
    assert lines[0].startswith("# agentport sync manifest 1:")
    assert lines[2:] == [f"{digest(b'y').hex()}\ta/x.md\tsrc/x.md", f"{digest(b'x').hex()}\tb/x.md\tsrc/x.md"]
    again = Manifest.read(folder, ".agentport/manifest.tsv")
    assert again == manifest and len(again) == 2
    assert again.get("a/x.md") == (digest(b"y"), "src/x.md") and again.pop("b/x.md") == (digest(b"x"), "src/x.md")
    assert list(again) == ["a/x.md"] and "b/x.md" not in again
    path.write_text(path.read_text() + "not a line\n")
    with pytest.raises(ManifestError, match=r"manifest.tsv:5: expected"):
        Manifest.read(folder, ".agentport/manifest.tsv")
    path.write_text("something else\n")
    with pytest.raises(ManifestError, match="not an agentport sync manifest"):
        Manifest.read(folder, ".agentport/manifest.tsv")


def init(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["init", *args], standalone_mode=False)
    if result.exception is not None:
        return getattr(result.exception, "exit_code", 99), str(result.exception)
    return result.return_value, result.stderr


def test_init_detects_the_folders_and_writes_a_commented_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b"):
        (tmp_path / ".claude/agents").mkdir(parents=True, exist_ok=True)
        (tmp_path / f".claude/agents/{name}.md").write_text(f"---\nname: {name}\n---\n")
    (tmp_path / ".opencode/agents").mkdir(parents=True)
    (tmp_path / ".opencode/agents/a.md").write_text("---\ndescription: A\n---\n")
    code, err = init()
    assert code == 0, err
    text = (tmp_path / "agentport.toml").read_text()
    assert '[source]\n# The agents you write by hand' in text
    assert 'dialect = "claude"\npath = ".claude/agents" # 2 agent files found\n' in text
    assert '[targets.opencode]\n' in text and '# models = { sonnet = "github-copilot/claude-sonnet-4" }' in text
    loaded = config.load(tmp_path / "agentport.toml")
    assert [t.name for t in loaded.targets] == ["opencode"]
    assert "its 1 existing files are conflicts unless identical" in err
    assert init() == (1, f"{tmp_path / 'agentport.toml'} already exists (--force replaces it)")
    assert init("--force")[0] == 0


def test_init_into_pyproject_keeps_what_is_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert init("--pyproject")[0] == 2
    original = '[project]\nname = "demo"  # keep this comment\n\n[tool.ruff]\nline-length = 100\n'
    (tmp_path / "pyproject.toml").write_text(original)
    code, err = init("--pyproject")
    assert code == 0, err
    text = (tmp_path / "pyproject.toml").read_text()
    assert text.startswith(original)
    assert "[tool.agentport.source]" in text and "[tool.agentport.targets.opencode]" in text
    loaded = config.load(tmp_path / "pyproject.toml")
    assert (loaded.source.dialect, [t.name for t in loaded.targets]) == ("claude", ["opencode"])
    assert init("--pyproject")[0] == 1
