"""Installing a Claude Code marketplace plugin's agents into any dialect, with a lock file.

``install(source, plugin, dialect, root)`` reads the marketplace at ``source`` (a git URL or a
local folder), finds ``plugin``, reads its agents (Claude Code files) and writes them converted
into ``dialect``'s layout under ``root``, recording the exact commit and every file's hash in
``agentport-lock.json`` (see :mod:`agentport.publish.lock`).

:func:`install_from_lock` installs again exactly what the lock records (the same commits and
bundle digests, so the same bytes); :func:`check_lock` reports drift: installed files edited or
deleted since, and, when asked, sources that have moved on.

Installs are all or nothing: everything is fetched, read and converted in memory first, and
the files (with the updated lock) are then written through a staging folder; an existing file
agentport did not write, or that was edited since, is never replaced without ``force``.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal

from .. import api
from .errors import SourceError
from .gitremote import refuse_option, remote_refs, run_git
from .layout import Placed, SourcedAgent, load_agents, render
from .lock import LOCK_FILE, LockedFile, LockEntry, read_lock
from .plugin import (
    MARKETPLACE_MANIFEST,
    PLUGIN_DIALECT,
    PLUGIN_MANIFEST,
    local_plugin_folder,
    marketplace_entry,
    plugin_agent_files,
    read_manifest,
)
from .tree import FileChange, install_files, safe_path, sha256

if TYPE_CHECKING:
    from .oci import RegistryAccess


@dataclass(frozen=True)
class InstallResult:
    entry: LockEntry
    changes: tuple[FileChange, ...]
    placed: tuple[Placed, ...]
    dry_run: bool = False


# --- writing an install --------------------------------------------------------------------


def place(
    root: Path,
    agents: Sequence[SourcedAgent],
    origin_digests: Mapping[str, str],
    entry: LockEntry,
    *,
    force: bool = False,
    dry_run: bool = False,
) -> InstallResult:
    """Write ``agents`` in ``entry.dialect``'s layout under ``root`` and record ``entry`` in the lock.

    Files this same install wrote before (and nobody edited since) are updated freely; files
    it wrote before and no longer produces are removed; anything else that exists with other
    content is a conflict unless ``force``.
    """
    lock = read_lock(root)
    rendering = render(agents, entry.dialect, root)
    locked_files = tuple(
        sorted(
            (
                LockedFile(item.target, sha256(rendering.files[item.target]), item.origin, origin_digests[item.origin])
                for item in rendering.placed
            ),
            key=lambda item: (item.path, item.origin),
        )
    )
    entry = replace(entry, files=locked_files)
    previous = lock.find(entry.key)
    previous_files = {item.path: item.sha256 for item in previous.files} if previous else {}
    shared = {item.path for other in lock.entries if other.key != entry.key for item in other.files}
    current_lock = root / LOCK_FILE
    replaceable = {**previous_files, **rendering.merged}
    if current_lock.is_file():
        replaceable[LOCK_FILE] = sha256(current_lock.read_bytes())
    changes = install_files(
        root,
        {**rendering.files, LOCK_FILE: lock.with_entry(entry).to_bytes()},
        replaceable=replaceable,
        remove=[path for path in previous_files if path not in shared],
        force=force,
        dry_run=dry_run,
    )
    return InstallResult(entry, tuple(changes), rendering.placed, dry_run)


def read_plugin_agents(files: Mapping[str, bytes]) -> list[SourcedAgent]:
    """The agents in a plugin's agent files (Claude Code Markdown), by file."""
    return [agent for origin, data in files.items() for agent in load_agents(origin, data, PLUGIN_DIALECT)]


# --- fetching marketplaces and plugins -------------------------------------------------------


def is_local_marketplace(source: str) -> bool:
    """Whether ``source`` names a marketplace folder on disk (anything else goes to git)."""
    return (Path(source) / MARKETPLACE_MANIFEST).is_file()


@contextlib.contextmanager
def git_checkout(url: str, *, ref: str | None = None, revision: str | None = None) -> Iterator[tuple[Path, str]]:
    """A temporary checkout of ``url`` at commit ``revision``, or ``ref``, or the default branch.

    Yields the folder and the exact commit checked out.
    """
    wanted = refuse_option(revision or ref or "HEAD")
    with tempfile.TemporaryDirectory(prefix="agentport-install-") as scratch:
        folder = Path(scratch) / "checkout"
        run_git("clone", "--quiet", "--no-checkout", "--", url, str(folder), what=f"fetching {url}")
        commit = None
        for candidate in (wanted, f"origin/{wanted}", f"refs/tags/{wanted}"):
            with contextlib.suppress(SourceError):
                commit = run_git(
                    "-C", str(folder), "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}"
                ).strip()
                break
        if not commit:
            what = f"the locked commit {revision}" if revision else f"{wanted!r}"
            raise SourceError(f"{url} has no {what} (was it deleted or force-pushed away?)")
        run_git("-C", str(folder), "-c", "advice.detachedHead=false", "checkout", "--quiet", commit)
        yield folder, commit


@contextlib.contextmanager
def _marketplace(
    source: str, root: Path, ref: str | None, revision: str | None
) -> Iterator[tuple[Path, str | None, str]]:
    """The marketplace folder, its commit (``None`` for a local folder) and how the lock names it."""
    if is_local_marketplace(source) and not ref and not revision:
        folder = Path(source).resolve()
        yield folder, None, os.path.relpath(folder, root.resolve()) if not Path(source).is_absolute() else source
    else:
        with git_checkout(source, ref=ref, revision=revision) as (folder, commit):
            yield folder, commit, source


_PLUGIN_SOURCE_URLS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "github": lambda source: f"https://github.com/{source['repo']}.git",
    "url": lambda source: source["url"],
    "git-subdir": lambda source: source["url"],
}


@contextlib.contextmanager
def _plugin_folder(
    marketplace: Path, manifest: Mapping[str, Any], entry: Mapping[str, Any], revision: str | None
) -> Iterator[tuple[Path, str | None, str | None]]:
    """The plugin's folder, and for a plugin kept in another repository its URL and commit."""
    source = entry["source"]
    if isinstance(source, str):
        yield marketplace / local_plugin_folder(manifest, source), None, None
        return
    kind = source.get("source")
    if kind not in _PLUGIN_SOURCE_URLS:
        supported = ", ".join(["a relative path", *_PLUGIN_SOURCE_URLS])
        raise SourceError(
            f"plugin {entry['name']!r} comes from a {kind!r} source, which install cannot fetch ({supported})"
        )
    url = _PLUGIN_SOURCE_URLS[kind](source)
    with git_checkout(url, ref=source.get("ref"), revision=revision or source.get("sha")) as (folder, commit):
        yield folder / safe_path(source["path"]) if kind == "git-subdir" else folder, url, commit


def _resolve_local(source: str, root: Path) -> str:
    """A lock's local marketplace path, which is relative to the project root."""
    return source if Path(source).is_absolute() else str(root / source)


# --- installing ----------------------------------------------------------------------------


def install(
    source: str,
    plugin: str,
    dialect: str,
    root: Path = Path("."),
    *,
    ref: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    locked: LockEntry | None = None,
) -> InstallResult:
    """Install ``plugin``'s agents from the marketplace ``source`` into ``dialect`` under ``root``.

    ``ref`` picks a branch, tag (``reviewers@1.0.0``) or commit of a git marketplace. With
    ``locked``, the exact revisions it records are fetched and the plugin's files must hash as
    recorded: that is how :func:`install_from_lock` reproduces an install.
    """
    dialect = api.get_dialect(dialect).name
    revision = locked.revision if locked else None
    with _marketplace(source, root, ref, revision) as (folder, commit, lock_source):
        manifest = read_manifest(folder, "marketplace")
        entry = marketplace_entry(manifest, plugin)
        plugin_revision = locked.plugin_revision if locked else None
        with _plugin_folder(folder, manifest, entry, plugin_revision) as (plugin_root, plugin_url, plugin_commit):
            origins = plugin_agent_files(plugin_root)
            plugin_manifest = read_manifest(plugin_root, "plugin") if (plugin_root / PLUGIN_MANIFEST).is_file() else {}
    if not origins:
        raise SourceError(f"plugin {plugin!r} in {source} has no agents")
    digests = {origin: sha256(data) for origin, data in origins.items()}
    if locked is not None:
        recorded = {item.origin: item.origin_sha256 for item in locked.files}
        if recorded != digests:
            raise SourceError(
                f"{locked.title} no longer has the files the lock records; "
                f"run 'agentport install {source} {plugin}' to update"
            )
    lock_entry = LockEntry(
        kind="marketplace",
        source=locked.source if locked else lock_source,
        dialect=dialect,
        revision=commit,
        files=(),
        plugin=plugin,
        ref=ref,
        version=plugin_manifest.get("version", entry.get("version")),
        plugin_source=plugin_url,
        plugin_revision=plugin_commit,
    )
    return place(root, read_plugin_agents(origins), digests, lock_entry, force=force, dry_run=dry_run)


def install_from_lock(
    root: Path = Path("."), *, force: bool = False, dry_run: bool = False, access: RegistryAccess | None = None
) -> list[InstallResult]:
    """Install again, at the recorded revisions, everything ``root``'s lock file records.

    ``access`` (credentials, retries) is used for bundles from OCI registries. Each install is
    all or nothing on its own.
    """
    lock = read_lock(root)
    if not lock.entries:
        raise SourceError(f"{root / LOCK_FILE} records no installs: install something first")
    results = []
    for entry in lock.entries:
        if entry.kind == "oci":
            from . import oci

            results.append(
                oci.pull(entry.source, entry.dialect, root, access=access, locked=entry, force=force, dry_run=dry_run)
            )
        else:
            assert entry.plugin is not None
            source = entry.source if entry.revision else _resolve_local(entry.source, root)
            results.append(
                install(
                    source, entry.plugin, entry.dialect, root, ref=entry.ref, force=force, dry_run=dry_run, locked=entry
                )
            )
    return results


# --- drift ---------------------------------------------------------------------------------

DriftKind = Literal["missing", "modified", "outdated"]


@dataclass(frozen=True)
class Drift:
    """One way the project differs from its lock file."""

    kind: DriftKind
    path: str
    """The installed file (or, for ``outdated``, the install's source)."""
    install: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def check_lock(root: Path = Path("."), *, upstream: bool = False, access: RegistryAccess | None = None) -> list[Drift]:
    """What differs between the project ``root`` and its ``agentport-lock.json``.

    Always local and quick: installed files that are missing or were edited since they were
    installed. With ``upstream=True`` it also asks each source whether it moved on since (a
    new commit on the marketplace's branch, changed files in a local marketplace, a tag now
    naming another bundle), which needs the network.
    """
    drift: list[Drift] = []
    for entry in read_lock(root).entries:
        for path, digest in {item.path: item.sha256 for item in entry.files}.items():
            try:
                current = (root / safe_path(path)).read_bytes()
            except FileNotFoundError:
                drift.append(Drift("missing", path, entry.title, f"installed from {entry.title}, now missing"))
                continue
            if sha256(current) != digest:
                drift.append(Drift("modified", path, entry.title, f"edited since it was installed from {entry.title}"))
        if upstream:
            moved = _upstream_change(entry, root, access)
            if moved:
                drift.append(Drift("outdated", entry.source, entry.title, moved))
    return drift


def _upstream_change(entry: LockEntry, root: Path, access: RegistryAccess | None) -> str | None:
    """How the install's source moved on since it was locked, or ``None`` if it did not."""
    if entry.kind == "oci":
        from . import oci

        current = oci.resolve_digest(entry.source, access)
        return (
            None
            if current == entry.revision
            else f"{entry.source} now names {current}, not the locked {entry.revision}"
        )
    if entry.revision is None:
        return _local_change(entry, root)
    return _git_change(entry, entry.revision)


def _local_change(entry: LockEntry, root: Path) -> str | None:
    folder = Path(_resolve_local(entry.source, root))
    manifest = read_manifest(folder, "marketplace")
    with _plugin_folder(
        folder, manifest, marketplace_entry(manifest, entry.plugin or ""), entry.plugin_revision
    ) as found:
        digests = {origin: sha256(data) for origin, data in plugin_agent_files(found[0]).items()}
    recorded = {item.origin: item.origin_sha256 for item in entry.files}
    return None if digests == recorded else f"plugin {entry.plugin}'s agent files changed in {entry.source}"


def _git_change(entry: LockEntry, revision: str) -> str | None:
    if entry.ref and re.fullmatch(r"[0-9a-f]{40}", entry.ref):
        return None  # pinned to a commit: it cannot move
    refs, head_branch = remote_refs(entry.source)
    names = (
        [f"refs/heads/{entry.ref}", f"refs/tags/{entry.ref}"] if entry.ref else [f"refs/heads/{head_branch}", "HEAD"]
    )
    current = next((refs[name] for name in names if name in refs), None)
    if current is None or current == revision:
        return None
    return f"{entry.source} is at {current[:12]}; the lock has {revision[:12]}"
