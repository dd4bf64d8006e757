"""Claude Code plugins and plugin marketplaces: packing them, and reading them back.

A plugin is a folder with ``.claude-plugin/plugin.json`` (name, version, description, author,
license ...) and its agents as Claude Code Markdown files in ``agents/``. A marketplace is a
folder (usually a git repository) with ``.claude-plugin/marketplace.json`` (name, owner, and one
entry per plugin naming where the plugin lives). Both manifests are checked against the JSON
Schemas in ``formats/claude/`` before anything is written or trusted.

Sources: https://code.claude.com/docs/en/plugins-reference and
https://code.claude.com/docs/en/plugin-marketplaces (facts in formats/claude/*.schema.json).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .. import api, mappings
from ..diagnostics import Code, Diagnostic, Severity
from .errors import SourceError
from .layout import Placed, SourceFile, read_sources, render
from .tree import ChangeStatus, read_tree, replace_tree, safe_path

PLUGIN_MANIFEST = ".claude-plugin/plugin.json"
MARKETPLACE_MANIFEST = ".claude-plugin/marketplace.json"
PLUGIN_AGENTS_DIR = "agents"
MARKETPLACE_PLUGINS_DIR = "plugins"
PLUGIN_DIALECT = "claude"
"""Plugin agents are Claude Code subagent files, whatever dialect they were packed from."""

ManifestKind = Literal["plugin", "marketplace"]
_MANIFEST_PATHS: dict[ManifestKind, str] = {"plugin": PLUGIN_MANIFEST, "marketplace": MARKETPLACE_MANIFEST}
_BYTE_ORDER_MARK = b"\xef\xbb\xbf"
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


@dataclass(frozen=True)
class Person:
    """A plugin's author or a marketplace's owner."""

    name: str
    email: str | None = None
    url: str | None = None

    def to_json(self) -> dict[str, str]:
        return {key: value for key, value in (("name", self.name), ("email", self.email), ("url", self.url)) if value}


@dataclass(frozen=True)
class PluginInfo:
    """What ``plugin.json`` says about a plugin besides its agents."""

    name: str
    version: str
    description: str | None = None
    author: Person | None = None
    license: str | None = None
    homepage: str | None = None
    repository: str | None = None
    keywords: tuple[str, ...] = ()

    def manifest(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "version": self.version}
        if self.description:
            data["description"] = self.description
        if self.author:
            data["author"] = self.author.to_json()
        for key in ("homepage", "repository", "license"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.keywords:
            data["keywords"] = list(self.keywords)
        return data


@dataclass(frozen=True)
class MarketplaceInfo:
    """What ``marketplace.json`` says besides its plugin entries."""

    name: str
    owner: Person
    description: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class Packed:
    """A packed plugin or marketplace: its folder, what happened to it, and its files."""

    kind: ManifestKind
    root: Path
    status: ChangeStatus
    files: dict[str, bytes]
    placed: tuple[Placed, ...] = ()


# --- versions and manifests ----------------------------------------------------------------


def version_key(version: str) -> tuple[int, int, int, int, tuple[str, ...]] | None:
    """A sort key for a semantic version (pre-releases before their release), or ``None``."""
    match = _SEMVER.match(version)
    if match is None:
        return None
    major, minor, patch, pre = match.groups()
    return (int(major), int(minor), int(patch), 0 if pre else 1, tuple(pre.split(".")) if pre else ())


@functools.lru_cache(maxsize=None)
def _schema(kind: ManifestKind) -> Mapping[str, Any]:
    return json.loads((mappings.formats_root() / "claude" / f"{kind}.schema.json").read_text("utf-8"))


def validate_manifest(kind: ManifestKind, data: Any, where: str) -> None:
    """Raise :class:`SourceError` naming the first problems if ``data`` breaks ``kind``'s schema."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema(kind))
    problems = sorted(validator.iter_errors(data), key=lambda error: list(error.absolute_path))
    if problems:
        described = "; ".join(
            f"{'/'.join(str(part) for part in error.absolute_path) or '(top)'}: {error.message}"
            for error in problems[:3]
        )
        raise SourceError(f"{where} is not a valid Claude Code {kind} manifest: {described}")


def manifest_kind(root: Path) -> ManifestKind | None:
    """Whether ``root`` is a packed marketplace, a packed plugin, or neither."""
    if (root / MARKETPLACE_MANIFEST).is_file():
        return "marketplace"
    if (root / PLUGIN_MANIFEST).is_file():
        return "plugin"
    return None


def read_manifest(root: Path, kind: ManifestKind) -> dict[str, Any]:
    """The validated ``plugin.json`` or ``marketplace.json`` of the folder ``root``."""
    path = root / _MANIFEST_PATHS[kind]
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise SourceError(f"{root} has no {_MANIFEST_PATHS[kind]}: it is not a Claude Code {kind}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise SourceError(f"{path} is not valid JSON: {error}") from None
    validate_manifest(kind, data, str(path))
    return data


def _json_bytes(data: Mapping[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _check_version(version: str, what: str) -> None:
    if version_key(version) is None:
        raise SourceError(f"{what} version {version!r} is not a semantic version such as 1.2.0")


# --- packing ---------------------------------------------------------------------------------


def plugin_files(sources: Sequence[SourceFile], info: PluginInfo) -> tuple[dict[str, bytes], tuple[Placed, ...]]:
    """The files of a plugin holding the agents of ``sources``, written as Claude Code agents.

    Agents read from Claude Code files keep their exact bytes; others are converted, and what
    the conversion loses is in each :class:`Placed`'s diagnostics.
    """
    _check_version(info.version, f"plugin {info.name}")
    manifest = info.manifest()
    validate_manifest("plugin", manifest, f"plugin {info.name}")
    agents = [entry for source in sources for entry in _as_claude_code_reads_it(source)]
    rendering = render(agents, PLUGIN_DIALECT, Path("."))
    agents_dir = api.get_dialect(PLUGIN_DIALECT).agents_dir + "/"
    files = {PLUGIN_MANIFEST: _json_bytes(manifest)}
    files.update(
        (f"{PLUGIN_AGENTS_DIR}/{path[len(agents_dir) :]}", data) for path, data in sorted(rendering.files.items())
    )
    placed = tuple(
        Placed(item.name, item.origin, f"{PLUGIN_AGENTS_DIR}/{item.target[len(agents_dir) :]}", item.diagnostics)
        for item in rendering.placed
    )
    return files, placed


def _as_claude_code_reads_it(source: SourceFile) -> list[tuple[str, Any, tuple[Diagnostic, ...]]]:
    """The file's agents, set to be written anew if Claude Code would misread the file as it is.

    Claude Code's strict YAML parser drops all frontmatter that only lenient reading accepts,
    and finds no frontmatter after a byte order mark: copying such a file byte for byte would
    publish an agent that silently loses its settings.
    """
    misread = source.data.startswith(_BYTE_ORDER_MARK) or any(
        item.code == Code.LENIENT_YAML for item in source.diagnostics
    )
    if source.dialect != PLUGIN_DIALECT or not misread:
        return [(source.path, agent, source.diagnostics) for agent in source.agents]
    note = Diagnostic(
        Code.LENIENT_YAML,
        Severity.INFO,
        "written anew in strict YAML without a byte order mark: Claude Code cannot read it as it is",
        path=source.path,
    )
    return [(source.path, agent.replace(source=None), (*source.diagnostics, note)) for agent in source.agents]


def pack_plugin(
    sources: Iterable[Path],
    out: Path,
    info: PluginInfo,
    *,
    read: str | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> Packed:
    """Build the plugin folder ``out`` from the agent files under ``sources`` (any dialect)."""
    files, placed = plugin_files(read_sources(sources, read), info)
    return Packed("plugin", out, replace_tree(out, files, force=force, dry_run=dry_run), files, placed)


def marketplace_files(plugin_roots: Sequence[Path], info: MarketplaceInfo) -> dict[str, bytes]:
    """The files of a marketplace that holds copies of the packed plugins ``plugin_roots``."""
    if info.version:
        _check_version(info.version, f"marketplace {info.name}")
    files: dict[str, bytes] = {}
    entries: list[dict[str, Any]] = []
    for plugin_root in plugin_roots:
        manifest = read_manifest(plugin_root, "plugin")
        name = manifest["name"]
        if any(entry["name"] == name for entry in entries):
            raise SourceError(f"two plugins are named {name!r}; a marketplace needs distinct names")
        folder = f"{MARKETPLACE_PLUGINS_DIR}/{name}"
        entry: dict[str, Any] = {"name": name, "source": f"./{folder}"}
        entry.update((key, manifest[key]) for key in ("description", "version") if key in manifest)
        entries.append(entry)
        files.update((f"{folder}/{path}", data) for path, data in read_tree(plugin_root).items())
    manifest_data: dict[str, Any] = {"name": info.name, "owner": info.owner.to_json()}
    if info.version:
        manifest_data["version"] = info.version
    if info.description:
        manifest_data["metadata"] = {"description": info.description}
    manifest_data["plugins"] = entries
    validate_manifest("marketplace", manifest_data, f"marketplace {info.name}")
    return {MARKETPLACE_MANIFEST: _json_bytes(manifest_data), **dict(sorted(files.items()))}


def pack_marketplace(
    plugin_roots: Sequence[Path], out: Path, info: MarketplaceInfo, *, force: bool = False, dry_run: bool = False
) -> Packed:
    """Build the marketplace folder ``out`` holding the packed plugins ``plugin_roots``."""
    files = marketplace_files(plugin_roots, info)
    return Packed("marketplace", out, replace_tree(out, files, force=force, dry_run=dry_run), files)


# --- reading a marketplace back ----------------------------------------------------------------


def marketplace_entry(manifest: Mapping[str, Any], plugin: str) -> dict[str, Any]:
    """The marketplace's entry for ``plugin``; the error lists the plugins it does have."""
    for entry in manifest["plugins"]:
        if entry["name"] == plugin:
            return entry
    names = ", ".join(entry["name"] for entry in manifest["plugins"]) or "none"
    raise SourceError(f"marketplace {manifest['name']!r} has no plugin {plugin!r} (it has: {names})")


def local_plugin_folder(manifest: Mapping[str, Any], source: str) -> str:
    """The folder, relative to the marketplace root, of a plugin whose source is a string."""
    if not source.startswith("./"):
        root = manifest.get("metadata", {}).get("pluginRoot", ".")
        source = f"{root.rstrip('/')}/{source}"
    if all(part in ("", ".") for part in source.split("/")):
        return "."
    return safe_path(source)


def plugin_agent_files(plugin_root: Path) -> dict[str, bytes]:
    """The agent files of the plugin folder ``plugin_root``, by path relative to it.

    ``plugin.json``'s ``agents`` (a path or a list of paths, files or folders) replaces the
    default ``agents/`` folder, as in Claude Code.
    """
    manifest = read_manifest(plugin_root, "plugin") if (plugin_root / PLUGIN_MANIFEST).is_file() else {}
    declared = manifest.get("agents", f"./{PLUGIN_AGENTS_DIR}/")
    files: dict[str, bytes] = {}
    for entry in [declared] if isinstance(declared, str) else declared:
        path = plugin_root / safe_path(entry)
        if path.is_file():
            files[path.relative_to(plugin_root).as_posix()] = path.read_bytes()
        elif path.is_dir():
            prefix = path.relative_to(plugin_root).as_posix()
            files.update(
                (f"{prefix}/{relative}", data) for relative, data in read_tree(path).items() if relative.endswith(".md")
            )
    return dict(sorted(files.items()))
