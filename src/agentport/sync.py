"""One source folder of agents, every tool's folder generated from it and kept in step.

:class:`Sync` reads each agent in the configured source folder once, writes it in every
target's conventional layout, and tells what it did (or, planning, would do) to each file as a
:class:`Change`. It owns only the files it generated: the manifest (:mod:`agentport.manifest`)
lists them with the hash of the bytes written. A listed file still holding those bytes is
updated, or deleted once its agent is gone; any other file at a target path - written by a
person, or edited since - is a conflict, left alone unless ``force`` takes it over. A file that
already holds exactly what sync would write is adopted as is: that is also how a run killed
half-way is recovered. Unchanged files are not written (their mtime stays).

Every path - the configuration's, each agent's, each manifest entry's - is taken inside the
configuration's folder through :mod:`agentport.containment`: no link inside it is followed, and
sync deletes only agent files (a path some dialect's layout names) that the manifest lists with
the hash of their current bytes. Every file is replaced atomically (a temporary file and a
rename), and the manifest is written last, also atomically: a crash leaves each file old or new, and the previous manifest. An
interrupted run (Ctrl-C) records what it finished. Sources are walked folder by folder and
converted in worker processes for large trees (:func:`agentport.bulk.parallel_map`); only the
manifest grows with the number of files. One source that cannot be read fails alone: its
generated files are kept, and everything else is synced.
"""

from __future__ import annotations

import difflib
import enum
import os
import posixpath
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Generator, Iterator

from . import mappings, registry
from .api import dumps, dumps_all, loads_all
from .bulk import folder_at, parallel_map
from .config import Config, ConfigError, Target
from .containment import Folder, UnsafePathError, relative
from .diagnostics import AgentportError, Code, Diagnostic, Report, Severity
from .files import remove_leftovers, sorted_when_few
from .manifest import Manifest, digest, representable
from .model import Agent


class Action(str, enum.Enum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    """A file sync does not own (a person wrote or edited it) where sync would write."""
    FAILED = "failed"
    EXCLUDED = "excluded"
    """The target's include/exclude leaves this agent out."""


CHANGING = frozenset({Action.CREATE, Action.UPDATE, Action.DELETE})
"""The actions that change a file."""


@dataclass(frozen=True)
class Change:
    """What sync did, or would do, to one generated file (or why a source gave none)."""

    action: Action
    source: str | None
    """The source file, relative to the configuration's folder."""
    path: str | None
    """The generated file, relative to the configuration's folder."""
    target: str | None = None
    """The name of the target the file belongs to, where known."""
    reason: str = ""
    diagnostics: tuple[Diagnostic, ...] = ()
    diff: str | None = None
    """A unified diff of the change, when asked for."""
    override: tuple[str, str] | None = None
    """The model the target's ``models`` table replaced, and the model written instead."""
    digest: bytes | None = field(default=None, repr=False)
    """SHA-256 of the file's new bytes (for the manifest)."""


@dataclass(frozen=True)
class Options:
    write: bool = True
    """False: plan only, touch nothing (``--dry-run``, ``check``, ``diff``)."""
    force: bool = False
    """Take over conflicting files: replace or delete them as if sync owned them."""
    diffs: bool = False
    """Attach a unified diff to every change."""


@dataclass(frozen=True)
class _Context:
    """What every worker needs: shared once per worker, never per file."""

    config: Config
    options: Options
    manifest: Manifest
    """The manifest as read at the start: workers look up only their own files in it."""
    root: str
    """The configuration's folder (paths are relative to it)."""


@dataclass(frozen=True)
class _Pending:
    """An agent for a target whose one file holds every agent; written once all are read."""

    target: str
    path: str
    agent: Agent
    diagnostics: tuple[Diagnostic, ...]
    override: tuple[str, str] | None


@dataclass(frozen=True)
class _Converted:
    source: str
    changes: list[Change]
    pending: list[_Pending]
    failed: bool = False


class Sync:
    """One run: iterate it (or :meth:`run`) for the changes, file by file, as they are made.

    After the iteration, :attr:`timings` has the seconds each phase took, :attr:`overrides`
    counts the model replacements per (target, replaced, written), and
    :attr:`manifest_changed` says whether the manifest was (or would be) rewritten.
    """

    def __init__(self, config: Config, options: Options = Options(), *, workers: int | None = None) -> None:
        self.config = config
        self.options = options
        self.workers = workers
        self.timings: dict[str, float] = {}
        self.overrides: Counter[tuple[str, str, str]] = Counter()
        self.sources_done = 0
        self.manifest_changed = False
        self._folders: set[str] = set()
        """Folders written in, to clear of what killed runs left there."""
        self._clashed: dict[str, str] = {}
        """Files two sources generate -> the first of them: neither is written."""

    @property
    def manifest_path(self) -> Path:
        return self.config.root / self.config.manifest

    @property
    def folder(self) -> Folder:
        """The configuration's folder, which every path sync reads, writes or deletes is inside."""
        return folder_at(self.config.root)

    def count_sources(self) -> int:
        """How many source files there are (a walk of the source folder), for progress bars."""
        return sum(1 for _ in _sources(self.config))

    def __iter__(self) -> Iterator[Change]:
        return self.run()

    def run(self) -> Generator[Change, None, None]:
        """The changes as they are made; closing it early (Ctrl-C) records what was done."""
        started = time.perf_counter()
        try:
            source_kind = self.folder.kind(self.config.source.path)
        except UnsafePathError as error:
            raise ConfigError(f"{self.config.file}: source.path: {error}") from None
        if source_kind not in ("file", "folder"):
            # Not an empty source: that would delete every generated file as stale.
            what = {
                None: "does not exist",
                "link": "is a symbolic link inside the project; name the folder it points to instead",
            }.get(source_kind, f"is a {source_kind}, not a file or folder")
            raise ConfigError(f"{self.config.file}: source.path: {self.config.source.path} {what}")
        previous = Manifest.read(self.folder, self.config.manifest)
        current = Manifest()
        self.manifest_changed = False
        context = _Context(self.config, self.options, previous, os.fspath(self.config.root))
        results = parallel_map(_convert_source, _sources(self.config), context, workers=self.workers)
        failed_sources: set[str] = set()
        pending: dict[str, list[_Pending]] = {}
        try:
            for result in results:
                self.sources_done += 1
                if result.failed:
                    failed_sources.add(result.source)
                for item in result.pending:
                    pending.setdefault(item.path, []).append(item)
                for change in result.changes:
                    yield from self._record(change, previous, current)
            self.timings["sources"] = time.perf_counter() - started
            for change in self._containers(pending, failed_sources, context):
                yield from self._record(change, previous, current)
            mark = time.perf_counter()
            yield from self._stale(previous, current, failed_sources)
            self.timings["stale"] = time.perf_counter() - mark
        except BaseException:
            # Interrupted: record what was finished; entries not reached yet stay as they were.
            results.close()
            if self.options.write and self.manifest_changed:
                current.keep(previous)
                current.write(self.folder, self.config.manifest)
            raise
        mark = time.perf_counter()
        if self.options.write:
            if self.manifest_changed:
                current.write(self.folder, self.config.manifest)
            for folder in {*self._folders, posixpath.dirname(self.config.manifest)}:
                remove_leftovers(self.folder, folder)
        self.timings["manifest"] = time.perf_counter() - mark

    def _record(self, change: Change, previous: Manifest, current: Manifest) -> Iterator[Change]:
        """Update the new manifest for ``change``; a second agent writing the same file fails."""
        if change.override and change.target:
            self.overrides[(change.target, *change.override)] += 1
        key = change.path
        if key is None or change.action is Action.EXCLUDED:
            yield change
            return
        self._folders.add(posixpath.dirname(key))
        if key in current or key in self._clashed:
            yield from self._duplicate(change, current)
            return
        old = previous.pop(key)
        if change.action in (Action.CREATE, Action.UPDATE, Action.UNCHANGED):
            assert change.digest is not None and change.source is not None
            current[key] = (change.digest, change.source)
            self.manifest_changed |= current.get(key) != old
        elif old is not None:
            current[key] = old  # a conflict or a failure keeps the file as it was, and its owner
        yield change

    def _duplicate(self, change: Change, current: Manifest) -> Iterator[Change]:
        """Two sources whose agents land on one file: both are refused, and the file is removed
        if this run wrote it (sync owned it or created it), so that neither silently wins."""
        assert change.path is not None
        first = current.get(change.path)
        first_digest, first_source = first if first is not None else (None, self._clashed[change.path])
        on_disk = _digest_at(self.folder, change.path)
        # Holding what either source generates, the file is sync's own: it goes.
        ours = on_disk is not None and on_disk in (first_digest, change.digest)
        if ours:
            current.pop(change.path)
            self.manifest_changed = True
            if self.options.write:
                self.folder.unlink(change.path)
        fate = ("removed" if self.options.write else "would be removed") if ours else "left as it was"
        message = (
            f"{first_source} and {change.source} both become {change.path}: agent names must be unique in a "
            f"target; neither is written ({fate})"
        )
        refusal = Diagnostic(Code.DUPLICATE_NAME, Severity.ERROR, message, field="name", path=change.source)
        if change.path not in self._clashed:
            self._clashed[change.path] = first_source
            refused = Diagnostic(Code.DUPLICATE_NAME, Severity.ERROR, message, field="name", path=first_source)
            yield Change(Action.FAILED, first_source, change.path, change.target, "two agents with one name", (refused,))
        kept = change.diagnostics if change.action is not Action.CONFLICT else tuple(
            item for item in change.diagnostics if item.severity < Severity.ERROR
        )
        yield replace(change, action=Action.FAILED, reason="two agents with one name", diagnostics=(*kept, refusal))

    def _containers(self, pending: dict[str, list[_Pending]], failed: set[str], context: _Context) -> Iterator[Change]:
        """Write each one-file-for-every-agent target once every agent has been read."""
        source = self.config.source.path
        for path, items in sorted(pending.items()):
            target = next(t for t in self.config.targets if t.name == items[0].target)
            diagnostics = [item for entry in items for item in entry.diagnostics]
            if failed:
                reason = "kept as it is: it would lose the agents of sources that could not be read"
                yield Change(Action.FAILED, source, path, target.name, reason, tuple(diagnostics))
                continue
            report = Report(path)
            try:
                text = dumps_all([item.agent for item in items], target.dialect, report=report, layout=target.layout)
            except (AgentportError, ValueError) as error:
                yield _failure(source, path, target.name, report, error)
                continue
            yield _settle(path, text, source, target.name, (*diagnostics, *report), None, context)

    def _stale(self, previous: Manifest, current: Manifest, failed: set[str]) -> Iterator[Change]:
        """Delete the files sync generated before and did not generate now, if still its own."""
        for key in sorted(previous):
            hashed, source = previous.pop(key)  # type: ignore[misc]
            if source in failed:
                current[key] = (hashed, source)
                yield Change(Action.UNCHANGED, source, key, reason=f"kept: its source {source} could not be read")
                continue
            refusal = _not_deletable(key)
            if refusal is not None:
                # Not sync's to delete, whatever the manifest says: dropped from it, reported.
                self.manifest_changed = True
                message = f"{self.config.manifest} lists {refusal}; not deleted, and dropped from the manifest"
                item = Diagnostic(Code.UNSAFE_PATH, Severity.ERROR, message, path=self.config.manifest)
                yield Change(Action.FAILED, source, None, reason="unsafe manifest entry", diagnostics=(item,))
                continue
            try:
                on_disk = _digest_at(self.folder, key)
            except (OSError, AgentportError) as error:
                current[key] = (hashed, source)
                yield _failure(source, key, None, Report(key), error, "cannot be read")
                continue
            self.manifest_changed = True
            if on_disk is None:
                continue  # already gone
            why = f"its source {source} is gone" if self._gone(source) else f"{source} no longer generates it"
            if on_disk != hashed and not self.options.force:
                current[key] = (hashed, source)
                yield Change(Action.CONFLICT, source, key, reason=f"edited by hand, and {why}")
                continue
            reason = why if on_disk == hashed else f"taken over with --force: edited by hand, and {why}"
            try:
                diff = _unified(key, self.folder.read_bytes(key), None) if self.options.diffs else None
                if self.options.write:
                    self.folder.unlink(key)
            except (OSError, AgentportError) as error:
                current[key] = (hashed, source)
                yield _failure(source, key, None, Report(key), error)
                continue
            self._folders.add(posixpath.dirname(key))
            yield Change(Action.DELETE, source, key, reason=reason, diff=diff)

    def _gone(self, source: str) -> bool:
        try:
            return self.folder.kind(source) is None
        except (OSError, AgentportError):
            return True


def _not_deletable(key: str) -> str | None:
    """Why sync may not delete the manifest entry ``key``, or ``None``: only an agent file (a path
    some dialect's layout names) inside the configuration's folder is sync's to delete."""
    try:
        if relative(key, what="manifest entry") != key:
            return f"'{key}', which is not written in its plain form ({relative(key)})"
    except UnsafePathError as error:
        return f"an unsafe path: {error}"
    if not any(registry.dialect_class(name).matches_path(key) for name in registry.names()):
        return f"'{key}', which is not an agent file of any dialect"
    return None


def _sources(config: Config) -> Iterator[str]:
    """The source files, relative to the configuration's folder, one folder at a time. Linked
    folders are not entered; a linked file is listed, and refused when read."""
    folder = folder_at(config.root)
    top = config.source.path
    if folder.kind(top) != "folder":
        yield top
        return
    suffix = registry.get(config.source.dialect).suffix
    folders = [""]
    while folders:
        inside = folders.pop()
        subfolders = []
        for name, kind in sorted_when_few(folder.entries(f"{top}/{inside}"), key=lambda entry: entry[0]):
            within = f"{inside}/{name}" if inside else name
            if kind == "folder":
                subfolders.append(within)
            elif kind in ("file", "link") and name.endswith(suffix) and not config.source.skips(within):
                yield posixpath.normpath(f"{top}/{within}")
        folders.extend(sorted(subfolders, reverse=True))


def _convert_source(source: str, context: _Context) -> _Converted:
    """Read one source file and settle its file in every target (runs in a worker)."""
    config = context.config
    report = Report(source)
    try:
        text = folder_at(Path(context.root)).read_text(source)
        agents = loads_all(text, config.source.dialect, path=source, report=report)
    except (AgentportError, OSError, UnicodeDecodeError) as error:
        return _Converted(source, [_failure(source, None, None, report, error, "cannot be read")], [], failed=True)
    if not agents and report:
        return _Converted(source, [Change(Action.UNCHANGED, source, None, reason="no agents in this file", diagnostics=tuple(report))], [])
    changes: list[Change] = []
    pending: list[_Pending] = []
    for agent in agents:
        for target in config.targets:
            change = _convert_agent(agent, target, source, report, pending, context)
            if change is not None:
                changes.append(change)
            report = Report(source)  # what reading found goes with the source's first file only
    return _Converted(source, changes, pending)


def _convert_agent(
    agent: Agent, target: Target, source: str, report: Report, pending: list[_Pending], context: _Context
) -> Change | None:
    if not target.wants(agent.name):
        reason = f"'{agent.name}' is excluded by targets.{target.name}"
        return Change(Action.EXCLUDED, source, None, target.name, reason, tuple(report))
    dialect = registry.get(target.dialect)
    path = _target_path(target, dialect.relative_path(agent))
    if path is None:
        report.error(Code.INVALID_VALUE, f"the name '{agent.name}' would write outside {target.root}/", field="name")
        return Change(Action.FAILED, source, None, target.name, "unusable agent name", tuple(report))
    agent, override = _override_model(agent, target, report)
    if dialect.holds_many:
        pending.append(_Pending(target.name, path, agent, tuple(report), override))
        return None
    try:
        text = dumps(agent, dialect, report=report, layout=target.layout)
    except (AgentportError, ValueError) as error:
        return _failure(source, path, target.name, report, error)
    return _settle(path, text, source, target.name, tuple(report), override, context)


def _target_path(target: Target, relative: str) -> str | None:
    """Where a file of ``target`` goes, relative to the configuration's folder; ``None`` for a
    name that would lead outside the target's folder or that the manifest cannot list."""
    if posixpath.isabs(relative) or ".." in relative.split("/") or not representable(relative):
        return None
    return posixpath.normpath(posixpath.join(target.root, relative))


def _override_model(agent: Agent, target: Target, report: Report) -> tuple[Agent, tuple[str, str] | None]:
    """The agent with the model the target's ``models`` table names for its family, if any."""
    model = agent.model
    if not target.models or model is None:
        return agent, None
    key = next((k for k in (model.alias, model.id, str(model)) if k and k in target.models), None)
    if key is None:
        return agent, None
    written = mappings.parse_provider_model(target.models[key])
    written = replace(written, alias=written.alias or model.alias)
    before, after = str(model) or key, str(written)
    report.add(
        Code.MODEL_OVERRIDDEN,
        f"'{before}' replaced by '{after}' (targets.{target.name}.models.{key})",
        severity=Severity.INFO,
        field="model",
    )
    return agent.replace(model=written), (before, after)


def _settle(
    path: str,
    text: str,
    source: str,
    target: str | None,
    diagnostics: tuple[Diagnostic, ...],
    override: tuple[str, str] | None,
    context: _Context,
) -> Change:
    """Decide what becomes of the file at ``path`` that should hold ``text``, and do it."""
    options = context.options
    data = text.encode("utf-8")
    new_digest = digest(data)
    folder = folder_at(Path(context.root))
    try:
        current = folder.read_if_exists(path)
    except (OSError, AgentportError) as error:
        return _failure(source, path, target, Report(source), error, diagnostics=diagnostics)
    previous = context.manifest.get(path)
    if current == data:
        action, reason = Action.UNCHANGED, "" if previous else "adopted: it already holds what sync writes"
    elif current is None:
        action, reason = Action.CREATE, "deleted since the last sync" if previous else ""
    elif previous is not None and digest(current) == previous[0]:
        action, reason = Action.UPDATE, "out of date"
    else:
        why = "edited by hand since sync wrote it" if previous else "exists, and sync did not write it"
        action, reason = (Action.UPDATE, f"taken over with --force: {why}") if options.force else (Action.CONFLICT, why)
    if options.write and action in (Action.CREATE, Action.UPDATE):
        try:
            with folder.replacing(path) as stream:
                stream.write(data)
        except (OSError, AgentportError) as error:
            return _failure(source, path, target, Report(source), error, diagnostics=diagnostics)
    diff = _unified(path, current, data) if options.diffs and action in CHANGING else None
    return Change(action, source, path, target, reason, diagnostics, diff, override, new_digest)


def _failure(
    source: str,
    path: str | None,
    target: str | None,
    report: Report,
    error: BaseException,
    reason: str = "cannot be written",
    diagnostics: tuple[Diagnostic, ...] = (),
) -> Change:
    """A failed change; the report's diagnostics say why, or else the error does."""
    if not report.has_errors:
        report.error(Code.INVALID_INPUT, f"{type(error).__name__}: {error}")
    return Change(Action.FAILED, source, path, target, reason, (*diagnostics, *report))


def _digest_at(folder: Folder, path: str) -> bytes | None:
    data = folder.read_if_exists(path)
    return None if data is None else digest(data)


def _unified(path: str, before: bytes | None, after: bytes | None) -> str:
    """A unified diff in git's form; a missing side is ``/dev/null``."""
    old = _lines(before)
    new = _lines(after)
    lines = difflib.unified_diff(
        old, new, "/dev/null" if before is None else f"a/{path}", "/dev/null" if after is None else f"b/{path}"
    )
    return "".join(line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in lines)


def _lines(data: bytes | None) -> list[str]:
    return [] if data is None else data.decode("utf-8", errors="replace").splitlines(keepends=True)
