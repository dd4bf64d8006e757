"""The one way agentport touches files at paths that come from content.

Agent names, manifest and lock entries, marketplace and plugin paths, bundle titles and
configuration values are all written by someone else. Each such path is relative to a folder
agentport works in (the project, ``-o``, the install folder, a checkout): a :class:`Folder`.
A path is first checked as text (:func:`relative`: no ``..``, no absolute path, no drive
letter, no control character, each component within the file system's limit), then every
component is opened from the folder's own file descriptor with ``O_NOFOLLOW``, so that a
symbolic link planted anywhere on the way is an error, never a way out, whether reading,
writing or deleting. The folder itself comes from the command line or the user's own
configuration, so it may be a link: it is trusted, what lies inside it is not.
"""

from __future__ import annotations

import contextlib
import enum
import errno
import itertools
import os
import stat
from collections import OrderedDict
from pathlib import Path
from typing import BinaryIO, Iterator, Union

from .diagnostics import AgentportError

PathLike = Union[str, "os.PathLike[str]"]

NAME_MAX = 255
"""Bytes in one path component (ext4, XFS, APFS; NTFS counts 255 UTF-16 units)."""
PATH_MAX = 4096
"""Bytes in a whole relative path."""
TEMPORARY_SUFFIX = ".agentport-tmp"
"""Temporary files end in this; a crash can leave one behind, never a half-written target."""

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_FOLDER_FLAGS = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC
_BY_DESCRIPTOR = {os.open, os.mkdir, os.unlink, os.stat, os.rename, os.rmdir} <= os.supports_dir_fd
"""Whether this platform opens relative to a folder's descriptor (every POSIX system does);
elsewhere each component is checked with ``lstat`` before use."""
_OPEN_FOLDERS = 64
"""Folder descriptors kept open per :class:`Folder`: a bulk run writes many files into few folders."""


class UnsafePathError(AgentportError):
    """A path from content that would lead outside its folder, or through a link."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{_printable(path)}: {reason}")
        self.path = path
        self.reason = reason


class Written(str, enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def relative(text: str, *, what: str = "path") -> str:
    """``text`` as a clean relative POSIX path inside its folder, or :class:`UnsafePathError`.

    ``.`` components and repeated slashes are dropped; everything else that could leave the
    folder, or that some file system cannot hold, is refused rather than repaired: a path
    that needs repairing was not written for us.
    """
    if not isinstance(text, str) or not text:
        raise UnsafePathError(str(text), f"an empty {what}")
    bad = next((char for char in text if ord(char) < 32 or ord(char) == 127), None)
    if bad is not None:
        raise UnsafePathError(text, f"the {what} holds the control character {bad!r}")
    if "\\" in text:
        raise UnsafePathError(text, f"the {what} holds a backslash (a Windows folder separator)")
    if text.startswith("/"):
        raise UnsafePathError(text, f"the {what} is absolute; it must stay inside its folder")
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if not parts:
        raise UnsafePathError(text, f"the {what} names no file")
    for part in parts:
        if part == "..":
            raise UnsafePathError(text, f"the {what} leads out of its folder ('..')")
        if ":" in part:
            raise UnsafePathError(text, f"the {what} holds ':' (a drive letter or an alternate data stream on Windows)")
        if len(part.encode("utf-8", "surrogatepass")) > NAME_MAX:
            raise UnsafePathError(text, f"a component of the {what} is longer than {NAME_MAX} bytes")
    cleaned = "/".join(parts)
    if len(cleaned.encode("utf-8", "surrogatepass")) > PATH_MAX:
        raise UnsafePathError(text, f"the {what} is longer than {PATH_MAX} bytes")
    return cleaned


def _printable(text: str, limit: int = 200) -> str:
    shown = text.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


class Folder:
    """A folder agentport works in; every path given to its methods is relative to it and
    checked by :func:`relative`, and no symbolic link inside it is ever followed.

    Folders (and temporary files) are created as needed when writing; descriptors of the folders
    most recently used stay open until :meth:`close` (or the end of a ``with`` block), so that
    writing many files into one folder opens it once.
    """

    def __init__(self, root: PathLike) -> None:
        self.root = Path(os.path.abspath(os.fspath(root)))
        self._open: OrderedDict[tuple[str, ...], int] = OrderedDict()
        self._temporary_names = itertools.count()

    def __repr__(self) -> str:
        return f"Folder({str(self.root)!r})"

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, object]:
        # Descriptors belong to one process: a worker opens its own.
        return {"root": self.root}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["root"])  # type: ignore[misc]

    def close(self) -> None:
        while self._open:
            _, descriptor = self._open.popitem()
            os.close(descriptor)

    def path(self, relative_path: str) -> Path:
        """Where ``relative_path`` is (for messages and for handing to other programs)."""
        return self.root / relative(relative_path)

    # --- reading -----------------------------------------------------------------------------

    def read_bytes(self, relative_path: str, *, limit: int | None = None) -> bytes:
        """The content of the regular file at ``relative_path``; :class:`FileNotFoundError` if
        there is none, :class:`UnsafePathError` for a link or anything but a regular file, and
        :class:`FileTooLargeError` past ``limit`` bytes (checked before reading)."""
        folder, name = self._parent(relative_path, create=False)
        data = self._read_at(folder, name, relative_path, limit)
        if data is None:
            raise FileNotFoundError(errno.ENOENT, "no such file", str(self.root / relative_path))
        return data

    @contextlib.contextmanager
    def reading(self, relative_path: str) -> Iterator[BinaryIO]:
        """The regular file at ``relative_path`` as a stream, for files read a line at a time."""
        folder, name = self._parent(relative_path, create=False)
        stream = self._open_at(folder, name, relative_path)
        if stream is None:
            raise FileNotFoundError(errno.ENOENT, "no such file", str(self.root / relative_path))
        with stream:
            yield stream

    def read_text(self, relative_path: str, *, limit: int | None = None) -> str:
        """The file's text as written: UTF-8, line endings and byte order mark untouched."""
        return self.read_bytes(relative_path, limit=limit).decode("utf-8")

    def read_if_exists(self, relative_path: str, *, limit: int | None = None) -> bytes | None:
        """:meth:`read_bytes`, or ``None`` when there is no file (or no folder) there."""
        try:
            folder, name = self._parent(relative_path, create=False)
        except FileNotFoundError:
            return None
        return self._read_at(folder, name, relative_path, limit)

    def kind(self, relative_path: str) -> str | None:
        """``"file"``, ``"folder"``, ``"link"``, ``"other"``, or ``None`` when nothing is there;
        links on the way to it are refused as everywhere else."""
        try:
            folder, name = self._parent(relative_path, create=False)
            status = self._stat_at(folder, name)
        except FileNotFoundError:
            return None
        if stat.S_ISLNK(status.st_mode):
            return "link"
        if stat.S_ISDIR(status.st_mode):
            return "folder"
        return "file" if stat.S_ISREG(status.st_mode) else "other"

    def entries(self, relative_path: str = "") -> Iterator[tuple[str, str]]:
        """``(name, kind)`` of each entry of the folder at ``relative_path`` (``""``: the root),
        streamed in the file system's order; kinds as :meth:`kind` gives them."""
        parts = tuple(relative(relative_path).split("/")) if relative_path else ()
        folder = self._folder(parts, create=False)
        with os.scandir(folder if isinstance(folder, int) else folder) as listing:
            for entry in listing:
                if entry.is_symlink():
                    yield entry.name, "link"
                elif entry.is_dir(follow_symlinks=False):
                    yield entry.name, "folder"
                elif entry.is_file(follow_symlinks=False):
                    yield entry.name, "file"
                else:
                    yield entry.name, "other"

    # --- writing -----------------------------------------------------------------------------

    def write(self, relative_path: str, data: bytes, *, overwrite: bool = False) -> Written:
        """Put ``data`` at ``relative_path`` through a temporary file and one rename.

        An existing file with the same content is left alone (its mtime too). One with other
        content is replaced only with ``overwrite``; otherwise :class:`FileExistsError`.
        """
        folder, name = self._parent(relative_path, create=True)
        current = self._read_at(folder, name, relative_path, None)
        if current == data:
            return Written.UNCHANGED
        if current is not None and not overwrite:
            raise FileExistsError(f"{self.root / relative_path} exists with other content (use --force to replace it)")
        self._replace_at(folder, name, data)
        return Written.CREATED if current is None else Written.UPDATED

    @contextlib.contextmanager
    def replacing(self, relative_path: str) -> Iterator[BinaryIO]:
        """A stream whose bytes replace the file at ``relative_path`` in one rename when the block
        ends without error (a large file is never held in memory)."""
        folder, name = self._parent(relative_path, create=True)
        self._refuse_non_file(folder, name, relative_path)
        temporary = self._temporary_name()
        try:
            with os.fdopen(self._create_at(folder, temporary), "wb") as stream:
                yield stream
            self._rename_at(folder, temporary, name)
        except BaseException:
            self._unlink_quietly(folder, temporary)
            raise

    def unlink(self, relative_path: str) -> bool:
        """Delete the regular file at ``relative_path``; ``False`` if there was none. A link or
        a folder there is refused, not deleted."""
        try:
            folder, name = self._parent(relative_path, create=False)
        except FileNotFoundError:
            return False
        self._refuse_non_file(folder, name, relative_path)
        try:
            if isinstance(folder, int):
                os.unlink(name, dir_fd=folder)
            else:
                os.unlink(os.path.join(folder, name))
        except FileNotFoundError:
            return False
        return True

    def make_folder(self, relative_path: str) -> None:
        """Create the folder at ``relative_path`` and those above it, never through a link."""
        self._folder(tuple(relative(relative_path).split("/")), create=True)

    # --- the descriptor walk -----------------------------------------------------------------

    def _parent(self, relative_path: str, *, create: bool) -> tuple[int | str, str]:
        parts = relative(relative_path).split("/")
        return self._folder(tuple(parts[:-1]), create=create), parts[-1]

    def _folder(self, parts: tuple[str, ...], *, create: bool) -> int | str:
        """The open folder ``parts`` below the root: a descriptor, or a checked path where the
        platform cannot open relative to a descriptor."""
        if not _BY_DESCRIPTOR:
            return self._checked_path(parts, create)
        known = self._open.get(parts)
        if known is not None:
            self._open.move_to_end(parts)
            return known
        if parts:
            parent = self._folder(parts[:-1], create=create)
            assert isinstance(parent, int)
            descriptor = self._open_child(parent, parts, create)
        else:
            if create:
                os.makedirs(self.root, exist_ok=True)
            descriptor = os.open(self.root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
        self._open[parts] = descriptor
        if len(self._open) > _OPEN_FOLDERS:
            _, oldest = self._open.popitem(last=False)
            os.close(oldest)
        return descriptor

    def _open_child(self, parent: int, parts: tuple[str, ...], create: bool) -> int:
        name = parts[-1]
        for attempt in range(2):
            try:
                return os.open(name, _FOLDER_FLAGS, dir_fd=parent)
            except FileNotFoundError:
                if not create or attempt:
                    raise
                with contextlib.suppress(FileExistsError):
                    os.mkdir(name, 0o777, dir_fd=parent)
            except OSError as error:
                if error.errno not in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    raise
                self._refuse_on_the_way(parent, parts)
        raise AssertionError("unreachable")

    def _refuse_on_the_way(self, parent: int, parts: tuple[str, ...]) -> None:
        shown = "/".join(parts)
        if stat.S_ISLNK(os.stat(parts[-1], dir_fd=parent, follow_symlinks=False).st_mode):
            raise UnsafePathError(shown, f"is a symbolic link inside {self.root}; agentport never follows one there")
        raise UnsafePathError(shown, f"is not a folder (in {self.root})")

    def _checked_path(self, parts: tuple[str, ...], create: bool) -> str:
        path = self.root
        for index, part in enumerate(parts):
            path = path / part
            if path.is_symlink():
                raise UnsafePathError("/".join(parts[: index + 1]), f"is a symbolic link inside {self.root}")
            if not path.exists():
                if not create:
                    raise FileNotFoundError(errno.ENOENT, "no such folder", str(path))
                path.mkdir()
            elif not path.is_dir():
                raise UnsafePathError("/".join(parts[: index + 1]), f"is not a folder (in {self.root})")
        return str(path)

    def _stat_at(self, folder: int | str, name: str) -> os.stat_result:
        if isinstance(folder, int):
            return os.stat(name, dir_fd=folder, follow_symlinks=False)
        return os.lstat(os.path.join(folder, name))

    def _read_at(self, folder: int | str, name: str, shown: str, limit: int | None) -> bytes | None:
        stream = self._open_at(folder, name, shown)
        if stream is None:
            return None
        with stream:
            size = os.fstat(stream.fileno()).st_size
            if limit is not None and size > limit:
                raise FileTooLargeError(shown, size, limit)
            data = stream.read() if limit is None else stream.read(limit + 1)
            if limit is not None and len(data) > limit:
                raise FileTooLargeError(shown, len(data), limit)
            return data

    def _open_at(self, folder: int | str, name: str, shown: str) -> BinaryIO | None:
        """The regular file ``name`` in ``folder``, opened for reading without following a link."""
        try:
            # Non-blocking: opening a FIFO for reading would wait for a writer forever.
            flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC
            if isinstance(folder, int):
                descriptor = os.open(name, flags | _NOFOLLOW, dir_fd=folder)
            else:
                self._refuse_non_file(folder, name, shown)
                descriptor = os.open(os.path.join(folder, name), flags)
        except FileNotFoundError:
            return None
        except OSError as error:
            if error.errno in (errno.ELOOP, errno.EMLINK):
                raise UnsafePathError(shown, f"is a symbolic link inside {self.root}; agentport never follows one there") from None
            if error.errno == errno.EISDIR:
                raise UnsafePathError(shown, "is a folder, not a file") from None
            raise
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            os.close(descriptor)  # a folder, a FIFO or a device: reading it could block or never end
            raise UnsafePathError(shown, "is a folder, not a file" if stat.S_ISDIR(mode) else "is not a regular file")
        return os.fdopen(descriptor, "rb")

    def _refuse_non_file(self, folder: int | str, name: str, shown: str) -> None:
        try:
            mode = self._stat_at(folder, name).st_mode
        except FileNotFoundError:
            return
        if stat.S_ISLNK(mode):
            raise UnsafePathError(shown, f"is a symbolic link inside {self.root}; agentport never writes through one")
        if not stat.S_ISREG(mode):
            raise UnsafePathError(shown, "exists and is not a regular file")

    def _temporary_name(self) -> str:
        return f".{next(self._temporary_names)}.{os.getpid()}{TEMPORARY_SUFFIX}"

    def _create_at(self, folder: int | str, name: str) -> int:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
        if isinstance(folder, int):
            return os.open(name, flags, 0o666, dir_fd=folder)
        return os.open(os.path.join(folder, name), flags, 0o666)

    def _rename_at(self, folder: int | str, source: str, target: str) -> None:
        if isinstance(folder, int):
            os.replace(source, target, src_dir_fd=folder, dst_dir_fd=folder)
        else:
            os.replace(os.path.join(folder, source), os.path.join(folder, target))

    def _unlink_quietly(self, folder: int | str, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            if isinstance(folder, int):
                os.unlink(name, dir_fd=folder)
            else:
                os.unlink(os.path.join(folder, name))

    def _replace_at(self, folder: int | str, name: str, data: bytes) -> None:
        self._refuse_non_file(folder, name, name)
        temporary = self._temporary_name()
        try:
            with os.fdopen(self._create_at(folder, temporary), "wb") as stream:
                stream.write(data)
            self._rename_at(folder, temporary, name)
        except BaseException:
            self._unlink_quietly(folder, temporary)
            raise


class FileTooLargeError(AgentportError):
    """A file larger than the limit set for what agentport reads."""

    def __init__(self, path: str, size: int, limit: int) -> None:
        super().__init__(f"{_printable(path)}: {size:,} bytes, more than the limit of {limit:,} bytes")
        self.path = path
        self.size = size
        self.limit = limit


def split(path: PathLike) -> tuple[Folder, str]:
    """A path the user gave (trusted) as its folder and its file name, for the one-file case."""
    absolute = os.path.abspath(os.fspath(path))
    return Folder(os.path.dirname(absolute)), os.path.basename(absolute)
