"""``agentport-lock.json``: what was installed, from where, at which revision, with which hashes.

One lock file sits at the root of the project agents were installed into. Each install (a
marketplace plugin, or an OCI bundle) records its source, the exact revision fetched (a git
commit, or a manifest digest), and every file written with the sha256 of its bytes and of the
file it came from. Installing again from the lock fetches those revisions, so it writes the
same bytes; comparing the hashes with the disk shows what was edited since
(:func:`agentport.publish.install.check_lock`).

The file is JSON with sorted keys and no timestamps, so an unchanged install rewrites it
byte for byte and it diffs well in review.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from .errors import SourceError

LOCK_FILE = "agentport-lock.json"
LOCK_VERSION = 1

InstallKind = Literal["marketplace", "oci"]


@dataclass(frozen=True)
class LockedFile:
    path: str
    """Where the file was installed, relative to the project root."""
    sha256: str
    origin: str
    """The file it was converted from, relative to the plugin or bundle."""
    origin_sha256: str


@dataclass(frozen=True)
class LockEntry:
    kind: InstallKind
    source: str
    """A marketplace's git URL or local folder, or an OCI reference such as ``host/repo:tag``."""
    dialect: str
    revision: str | None
    """The marketplace's git commit (``None`` for a plain local folder) or the bundle's manifest
    digest."""
    files: tuple[LockedFile, ...]
    plugin: str | None = None
    ref: str | None = None
    """The git branch, tag or commit asked for (``None``: the default branch)."""
    version: str | None = None
    plugin_source: str | None = None
    """For a marketplace plugin kept in another repository: that repository's URL."""
    plugin_revision: str | None = None

    @property
    def key(self) -> tuple[str, str, str | None, str]:
        return (self.kind, self.source, self.plugin, self.dialect)

    @property
    def title(self) -> str:
        """How messages name this install, e.g. ``reviewers from https://host/market.git``."""
        return f"{self.plugin} from {self.source}" if self.plugin else self.source

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "source": self.source,
            "dialect": self.dialect,
            "revision": self.revision,
            "files": [
                {"path": item.path, "sha256": item.sha256, "origin": item.origin, "originSha256": item.origin_sha256}
                for item in self.files
            ],
        }
        optional = {
            "plugin": self.plugin,
            "ref": self.ref,
            "version": self.version,
            "pluginSource": self.plugin_source,
            "pluginRevision": self.plugin_revision,
        }
        data.update((key, value) for key, value in optional.items() if value is not None)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LockEntry:
        files = tuple(
            LockedFile(item["path"], item["sha256"], item["origin"], item["originSha256"]) for item in data["files"]
        )
        return cls(
            kind=data["kind"],
            source=data["source"],
            dialect=data["dialect"],
            revision=data.get("revision"),
            files=files,
            plugin=data.get("plugin"),
            ref=data.get("ref"),
            version=data.get("version"),
            plugin_source=data.get("pluginSource"),
            plugin_revision=data.get("pluginRevision"),
        )


@dataclass(frozen=True)
class Lock:
    entries: tuple[LockEntry, ...] = ()

    def find(self, key: tuple[str, str, str | None, str]) -> LockEntry | None:
        return next((entry for entry in self.entries if entry.key == key), None)

    def with_entry(self, entry: LockEntry) -> Lock:
        """This lock with ``entry`` added, replacing the install with the same key."""
        kept = tuple(existing for existing in self.entries if existing.key != entry.key)
        return replace(self, entries=tuple(sorted((*kept, entry), key=lambda item: tuple(map(str, item.key)))))

    def installed_digests(self) -> dict[str, str]:
        """Every file the lock says agentport wrote, with the digest it wrote."""
        return {item.path: item.sha256 for entry in self.entries for item in entry.files}

    def to_bytes(self) -> bytes:
        data = {"lockVersion": LOCK_VERSION, "installs": [entry.to_json() for entry in self.entries]}
        return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def read_lock(root: Path) -> Lock:
    """The lock file of the project ``root``; an empty lock if there is none."""
    path = root / LOCK_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return Lock()
    except (ValueError, UnicodeDecodeError) as error:
        raise SourceError(f"{path} is not valid JSON: {error}") from None
    version = data.get("lockVersion") if isinstance(data, dict) else None
    if version != LOCK_VERSION:
        raise SourceError(f"{path} has lockVersion {version!r}; this agentport reads version {LOCK_VERSION}")
    try:
        return Lock(tuple(LockEntry.from_json(entry) for entry in data["installs"]))
    except (KeyError, TypeError) as error:
        raise SourceError(f"{path} is damaged: missing {error}") from None
