"""The containment layer: paths from content stay in their folder, links are never followed."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from agentport.containment import FileTooLargeError, Folder, UnsafePathError, Written, relative


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "an empty path"),
        ("../x", "leads out of its folder"),
        ("a/../../x", "leads out of its folder"),
        ("/etc/passwd", "is absolute"),
        ("C:/Windows/x", "holds ':'"),
        ("a\\..\\x", "backslash"),
        ("a\0b", "control character '\\x00'"),
        ("a\nb", "control character '\\n'"),
        ("./.", "names no file"),
        ("x" * 256, "longer than 255 bytes"),
        ("/".join(["x" * 200] * 21), "longer than 4096 bytes"),
    ],
)
def test_unsafe_relative_paths_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(UnsafePathError, match=re.escape(reason)):
        relative(text)


def test_a_relative_path_is_cleaned_of_dots_and_doubled_slashes() -> None:
    assert relative("./a//b/./c.md") == "a/b/c.md"
    assert relative("é/ü.md") == "é/ü.md"


def test_write_creates_folders_and_is_atomic_and_refuses_to_clobber(tmp_path: Path) -> None:
    with Folder(tmp_path / "out") as folder:
        assert folder.write(".claude/agents/a.md", b"one") is Written.CREATED
        assert folder.write(".claude/agents/a.md", b"one") is Written.UNCHANGED
        with pytest.raises(FileExistsError, match="exists with other content"):
            folder.write(".claude/agents/a.md", b"two")
        assert folder.write(".claude/agents/a.md", b"two", overwrite=True) is Written.UPDATED
        assert folder.read_bytes(".claude/agents/a.md") == b"two"
    assert os.listdir(tmp_path / "out/.claude/agents") == ["a.md"]  # no temporary file left


def test_a_linked_folder_on_the_way_is_refused_for_every_operation(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "victim.md").write_text("victim")
    (tmp_path / "root" / ".opencode").mkdir(parents=True)
    (tmp_path / "root" / ".opencode" / "agents").symlink_to(tmp_path / "elsewhere")
    folder = Folder(tmp_path / "root")
    operations = [
        lambda: folder.write(".opencode/agents/x.md", b"x"),
        lambda: folder.read_bytes(".opencode/agents/victim.md"),
        lambda: folder.read_if_exists(".opencode/agents/victim.md"),
        lambda: folder.unlink(".opencode/agents/victim.md"),
        lambda: folder.kind(".opencode/agents/victim.md"),
        lambda: list(folder.entries(".opencode/agents")),
    ]
    for operation in operations:
        with pytest.raises(UnsafePathError, match="is a symbolic link inside"):
            operation()
    assert os.listdir(tmp_path / "elsewhere") == ["victim.md"]
    assert (tmp_path / "elsewhere" / "victim.md").read_text() == "victim"


def test_a_linked_file_is_neither_read_written_through_nor_deleted(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("secret")
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "a.md").symlink_to(tmp_path / "secret")
    folder = Folder(tmp_path / "root")
    for operation in (
        lambda: folder.read_bytes("a.md"),
        lambda: folder.write("a.md", b"x", overwrite=True),
        lambda: folder.unlink("a.md"),
    ):
        with pytest.raises(UnsafePathError, match="symbolic link"):
            operation()
    with pytest.raises(UnsafePathError, match="symbolic link"), folder.replacing("a.md") as stream:
        stream.write(b"x")
    assert folder.kind("a.md") == "link"
    assert (tmp_path / "secret").read_text() == "secret" and (tmp_path / "root" / "a.md").is_symlink()


def test_the_root_itself_may_be_a_link_the_user_gave(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    assert Folder(tmp_path / "alias").write("x/a.md", b"a") is Written.CREATED
    assert (tmp_path / "real" / "x" / "a.md").read_bytes() == b"a"


def test_reading_is_bounded_and_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    (tmp_path / "big.md").write_bytes(b"x" * 1000)
    with pytest.raises(FileTooLargeError, match="1,000 bytes, more than the limit of 999 bytes"):
        folder.read_bytes("big.md", limit=999)
    assert len(folder.read_bytes("big.md", limit=1000)) == 1000
    os.mkfifo(tmp_path / "pipe.md")
    with pytest.raises(UnsafePathError, match="not a regular file"):
        folder.read_bytes("pipe.md")  # would block forever if opened for reading blindly
    (tmp_path / "dir.md").mkdir()
    with pytest.raises(UnsafePathError, match="folder"):
        folder.read_bytes("dir.md")
    assert folder.read_if_exists("missing/none.md") is None
    with pytest.raises(FileNotFoundError):
        folder.read_bytes("none.md")


def test_unlink_deletes_only_a_regular_file(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    folder.write("a/b.md", b"b")
    assert folder.unlink("a/b.md") is True and folder.unlink("a/b.md") is False
    (tmp_path / "a" / "sub").mkdir()
    with pytest.raises(UnsafePathError, match="not a regular file"):
        folder.unlink("a/sub")


def test_entries_tell_links_from_files_and_folders(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    folder.write("d/file.md", b"x")
    (tmp_path / "d" / "sub").mkdir()
    (tmp_path / "d" / "link").symlink_to("/etc")
    assert sorted(folder.entries("d")) == [("file.md", "file"), ("link", "link"), ("sub", "folder")]


def test_many_folders_do_not_exhaust_descriptors(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    for index in range(300):
        folder.write(f"f{index}/a.md", b"a")
    assert len(os.listdir(tmp_path)) == 300
    folder.close()
