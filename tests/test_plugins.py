"""Third-party dialects, and loading only what a command uses.

A plugin is a distribution with an ``agentport.dialects`` entry point naming a Dialect subclass.
The test builds one (a ``toy`` dialect, Markdown files in ``.toy/agents/``), installs it with pip
into a folder of its own, and runs agentport in a subprocess with that folder on ``PYTHONPATH``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "agentport-toy"
version = "0.1.0"
requires-python = ">=3.10"

[project.entry-points."agentport.dialects"]
toy = "agentport_toy:Toy"

[tool.hatch.build.targets.wheel]
include = ["agentport_toy.py"]
"""

MODULE = '''\
"""A toy dialect: Markdown with a name and a description."""

from agentport.dialects.base import MarkdownDialect, take
from agentport.model import Agent


class Toy(MarkdownDialect):
    name = "toy"
    title = "Toy"
    agents_dir = ".toy/agents"
    patterns = ("*.toy/agents/*.md",)
    markers = ("toy",)
    notes = "a plugin"
    expresses = frozenset({"name", "description", "prompt"})

    def parse(self, data, context):
        data = dict(data)
        name = take(data, "name", str, context, "a string") or self.name_from_path(context.path or "agent")
        agent = Agent(name=name, description=take(data, "description", str, context, "a string"), prompt=context.prompt)
        return agent.replace(extras={self.name: data} if data else {})

    def render(self, agent, context):
        fields = {"name": agent.name, "toy": True}
        if agent.description is not None:
            fields["description"] = agent.description
        for field in ("model", "max_turns", "color"):
            if getattr(agent, field) is not None:
                context.dropped(field, "toys have no " + field)
        fields.update(agent.extras_for(self.name))
        return fields
'''

SOURCE = FIXTURES / "claude" / ".claude" / "agents" / "code-reviewer.md"


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A folder holding the installed toy plugin (its code and its dist-info)."""
    source = tmp_path_factory.mktemp("toy-src")
    (source / "pyproject.toml").write_text(PYPROJECT, "utf-8")
    (source / "agentport_toy.py").write_text(MODULE, "utf-8")
    target = tmp_path_factory.mktemp("toy-site")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(source)]
    if importlib.util.find_spec("hatchling") is not None:
        command.insert(4, "--no-build-isolation")  # offline: use the backend already installed
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    assert (target / "agentport_toy.py").is_file()
    return str(target)


def agentport(*args: str, plugin: str | None = None, python: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if plugin is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [plugin, env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, *python, "-m", "agentport", *args],
        capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL,
    )


def test_an_installed_plugin_is_listed(plugin_path: str) -> None:
    result = agentport("dialects", plugin=plugin_path)
    assert result.returncode == 0, result.stderr
    assert any(line.split()[0] == "toy" for line in result.stdout.splitlines())
    assert "toy" not in agentport("dialects").stdout.split()


def test_a_plugin_dialect_converts_both_ways(plugin_path: str, tmp_path: Path) -> None:
    result = agentport("convert", str(SOURCE), "--to", "toy", "-o", str(tmp_path), plugin=plugin_path)
    assert result.returncode == 0, result.stderr
    written = (tmp_path / ".toy" / "agents" / "code-reviewer.md").read_text("utf-8")
    assert written.startswith("---\nname: code-reviewer\ntoy: true\ndescription: ")
    assert "You are a meticulous code reviewer." in written
    assert "warning[field-dropped] model: toys have no model" in result.stderr

    back = agentport("convert", str(tmp_path / ".toy" / "agents" / "code-reviewer.md"), "--to", "claude", "-o", "-",
                     plugin=plugin_path)
    assert back.returncode == 0, back.stderr
    assert back.stdout.startswith("---\nname: code-reviewer\ndescription: ")


def test_an_unknown_dialect_names_the_plugin_when_close(plugin_path: str) -> None:
    result = agentport("convert", str(SOURCE), "--to", "toys", "-o", "-", plugin=plugin_path)
    assert result.returncode == 2
    assert "Did you mean 'toy'?" in result.stderr


# --- lazy loading -----------------------------------------------------------------------------

HEAVY = ("jsonschema", "ruamel", "rich", "mdformat", "markdown_it", "tomlkit", "oras")
"""Libraries no --help and no plain conversion needs (each costs 50-135 ms to import)."""

REPORT_DIALECTS = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('DIALECT-MODULES', *sorted(m for m in sys.modules"
    " if m.startswith('agentport.dialects.')), file=sys.stderr))\n"
    "sys.argv[0] = 'agentport'\n"
    "from agentport.__main__ import main\n"
    "main()\n"
)
"""Runs agentport like ``python -m agentport`` and lists the dialect modules it imported:
``-X importtime`` does not log modules imported through ``importlib.import_module``."""


def imported(stderr: str) -> tuple[set[str], set[str]]:
    """(every module ``-X importtime`` logged, the dialect modules the run reported)."""
    modules, dialects = set(), set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            modules.add(line.rsplit("|", 1)[1].strip())
        elif line.startswith("DIALECT-MODULES"):
            dialects = set(line.split()[1:])
    return modules, dialects


def run_traced(*args: str) -> tuple[set[str], set[str]]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", REPORT_DIALECTS, *args],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return imported(result.stderr)


def test_help_imports_no_dialect_and_no_heavy_library() -> None:
    modules, dialects = run_traced("--help")
    assert "agentport.cli" in modules
    assert dialects == set()
    assert not {module for module in modules if module.split(".")[0] in HEAVY}
    assert not {module for module in modules if module.startswith("agentport.dialects")}


def test_a_single_file_conversion_imports_only_its_two_dialects(tmp_path: Path) -> None:
    modules, dialects = run_traced("convert", str(SOURCE), "--from", "claude", "--to", "opencode", "-o", str(tmp_path))
    assert (tmp_path / ".opencode" / "agents" / "code-reviewer.md").is_file()
    assert dialects == {"agentport.dialects.base", "agentport.dialects.claude", "agentport.dialects.opencode"}
    assert not {module for module in modules if module.split(".")[0] in HEAVY}
