"""The record of what ``agentport sync`` generated: each file, the SHA-256 of the bytes it wrote,
and the source file the agent came from.

Sync owns a file only while it is listed here with the hash of its current bytes: such a file
is updated, or removed once its agent is gone. Any other file - written by a person, or edited
since sync wrote it - is left alone and reported. The source is kept so that the files of an
agent whose source cannot be read this time are kept, not removed as stale.

The file is text, one line per generated file, sorted, so that it diffs and merges well::

    # agentport sync manifest 1: ...
    <sha256 hex> TAB <generated file> TAB <source file>

Paths are relative to the configuration's folder and ``/``-separated. The file is read and
written as a stream. It is the one thing sync keeps for every file, so in memory each entry is
one ``bytes`` (the digest, then the source's path): about 200 bytes a file with its key.
"""

from __future__ import annotations

import hashlib
import io
from typing import Iterator, Mapping

from .containment import Folder
from .diagnostics import AgentportError

VERSION = 1
HEADER = (
    f"# agentport sync manifest {VERSION}: the files `agentport sync` generated, with the SHA-256 of each\n"
    "# as written and the source it came from. Rewritten by every sync: do not edit, do commit.\n"
)
_MAGIC = HEADER.split(":", 1)[0]

Entry = tuple[bytes, str]
"""A generated file's SHA-256 digest (32 bytes) and its source's path."""


class ManifestError(AgentportError):
    """The manifest file cannot be read."""


def digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def representable(path: str) -> bool:
    """Whether ``path`` can be listed: the format separates fields by tabs and lines."""
    return "\t" not in path and "\n" not in path and "\r" not in path


_DIGEST_SIZE = 32


def _pack(entry: Entry) -> bytes:
    return entry[0] + entry[1].encode("utf-8")


def _unpack(packed: bytes) -> Entry:
    return packed[:_DIGEST_SIZE], packed[_DIGEST_SIZE:].decode("utf-8")


class Manifest:
    """Generated file -> :data:`Entry`."""

    def __init__(self, entries: Mapping[str, Entry] | None = None) -> None:
        self._packed: dict[str, bytes] = {path: _pack(entry) for path, entry in (entries or {}).items()}

    @classmethod
    def read(cls, folder: Folder, path: str) -> Manifest:
        """The manifest at ``path`` in ``folder``; an empty one if there is no such file yet."""
        manifest = cls()
        entries = manifest._packed
        try:
            with folder.reading(path) as binary, io.TextIOWrapper(binary, encoding="utf-8", newline="\n") as stream:
                first = stream.readline()
                if first and not first.startswith(_MAGIC):
                    raise ManifestError(f"{path}:1: not an agentport sync manifest (version {VERSION})")
                for number, line in enumerate(stream, start=2):
                    if line.startswith("#") or not line.strip():
                        continue
                    fields = line.rstrip("\n").split("\t")
                    if len(fields) != 3 or len(fields[0]) != 64:
                        raise ManifestError(f"{path}:{number}: expected 'sha256<TAB>file<TAB>source'")
                    try:
                        hashed = bytes.fromhex(fields[0])
                    except ValueError:
                        raise ManifestError(f"{path}:{number}: '{fields[0]}' is not a SHA-256 in hex") from None
                    entries[fields[1]] = hashed + fields[2].encode("utf-8")
        except FileNotFoundError:
            pass
        except (OSError, UnicodeDecodeError, AgentportError) as error:
            raise ManifestError(f"{path}: cannot be read: {error}") from None
        return manifest

    def write(self, folder: Folder, path: str) -> None:
        """Write the manifest to ``path`` in ``folder`` atomically (a crash leaves the old one)."""
        with folder.replacing(path) as stream:
            stream.write(HEADER.encode("utf-8"))
            for name in sorted(self._packed):
                packed = self._packed[name]
                source = packed[_DIGEST_SIZE:].decode("utf-8")
                stream.write(f"{packed[:_DIGEST_SIZE].hex()}\t{name}\t{source}\n".encode("utf-8"))

    def get(self, path: str) -> Entry | None:
        packed = self._packed.get(path)
        return None if packed is None else _unpack(packed)

    def pop(self, path: str) -> Entry | None:
        packed = self._packed.pop(path, None)
        return None if packed is None else _unpack(packed)

    def keep(self, other: Manifest) -> None:
        """Add the entries of ``other`` for files this manifest does not list."""
        for path, packed in other._packed.items():
            self._packed.setdefault(path, packed)

    def __setitem__(self, path: str, entry: Entry) -> None:
        self._packed[path] = _pack(entry)

    def __contains__(self, path: object) -> bool:
        return path in self._packed

    def __len__(self) -> int:
        return len(self._packed)

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Manifest) and self._packed == other._packed

    def __repr__(self) -> str:
        return f"Manifest({len(self._packed)} files)"
