"""Converting whole trees: find agent files, convert each, write each atomically, in parallel.

Files are streamed: nothing holds the list of every path or every result, so memory stays flat
however large the tree. One bad file becomes one failed :class:`Outcome`; the rest go on.
Files found inside a folder, and every file written, go through
:mod:`agentport.containment`: a link inside the folder read or the folder written is refused,
and an agent's name can never lead outside the output folder. Two sources whose agents land on
one target are both refused (:class:`Claims`), so that neither silently replaces the other.
"""

from __future__ import annotations

import enum
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Generator, Iterable, Iterator, TypeVar

from . import registry
from .api import dumps, dumps_all, loads_all, read_text
from .containment import Folder
from .diagnostics import AgentportError, Code, Diagnostic, Report, Severity
from .files import listing
from .model import Agent
from .text.markdown import KEEP, Layout

if TYPE_CHECKING:
    import threading

    from .dialects.base import Dialect

PARALLEL_THRESHOLD = 400
"""Below this many files a worker pool costs more than it saves."""
_CHUNK = 64

Item = TypeVar("Item")
Shared = TypeVar("Shared")
Result = TypeVar("Result")


class Status(str, enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    FAILED = "failed"


@dataclass(frozen=True)
class Job:
    """Convert ``source`` into the project rooted at ``out_root`` (or exactly to ``target``)."""

    source: Path
    out_root: Path
    target: Path | None = None
    read: str | None = None
    """The source's dialect when its path already says (saves detecting it again)."""
    within: Path | None = None
    """The folder the source was found in, which it is read through (no link followed inside
    it); ``None`` for a file named on the command line."""


@dataclass(frozen=True)
class Options:
    read: str | None
    write: str
    layout: Layout = KEEP
    force: bool = False
    dry_run: bool = False


@dataclass(frozen=True)
class Outcome:
    source: Path
    target: Path | None
    status: Status
    diagnostics: tuple[Diagnostic, ...] = field(default=())

    @property
    def failed(self) -> bool:
        return self.status in (Status.FAILED, Status.CONFLICT)


@dataclass(frozen=True)
class Found:
    """An agent file :func:`discover_dialects` found."""

    path: Path
    dialect: str | None
    """The dialect its path alone names (``None``: its content decides)."""
    within: Path | None
    """The folder it was found in (``None``: named on the command line)."""


def discover(inputs: Iterable[Path], read: str | None) -> Iterator[Path]:
    """Agent files under ``inputs``: files as given; in folders, files a dialect's layout names.

    With ``read`` set, a folder holding no file in that dialect's layout is taken to be a folder
    of that dialect's files, so ``convert my-agents/ --from claude`` works too.
    """
    for found in discover_dialects(inputs, read):
        yield found.path


def discover_dialects(inputs: Iterable[Path], read: str | None) -> Iterator[Found]:
    """:func:`discover`, with the dialect each file's path alone names and the folder it was
    found in. A link inside a folder is found like a file, and refused when read."""
    dialects = _classes(read)
    for path in inputs:
        if not path.is_dir():
            yield Found(path, read, None)
            continue
        found = False
        loose: list[Path] = []
        for file in _walk(path):
            text_path = file.as_posix()
            matching = [dialect.name for dialect in dialects if dialect.matches_path(text_path)]
            if matching:
                found = True
                yield Found(file, matching[0] if len(matching) == 1 else read, path)
            elif read and text_path.endswith(dialects[0].suffix) and not found:
                loose.append(file)
        if not found and read:
            for file in loose:
                yield Found(file, read, path)


def _walk(root: Path) -> Iterator[Path]:
    """Files (and links) below ``root``, read folder by folder (no list grows with the number
    of files); linked folders are not entered."""
    stack = [root]
    while stack:
        folder = stack.pop()
        subfolders = []
        try:
            for entry in listing(os.fspath(folder)):
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in (".git", "node_modules"):
                        subfolders.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False) or entry.is_symlink():
                    yield Path(entry.path)
        except OSError:
            continue  # an unreadable folder holds no agent files we can convert
        stack.extend(reversed(subfolders))


def _classes(read: str | None) -> list[type[Dialect]]:
    """The dialects a search considers: classes only, so that no dialect loads its data."""
    return [registry.dialect_class(name) for name in ([read] if read else registry.names())]


def project_root(path: Path, read: str | None) -> Path:
    """The project a source file lives in: the folder above its dialect's agents folder."""
    posix = path.resolve().as_posix()
    for dialect in _classes(read):
        if dialect.holds_many and dialect.matches_path(posix):
            return path.resolve().parent  # opencode.json, .roomodes: the file sits in the project root
        for folder in {dialect.agents_dir, dialect.agents_dir.rstrip("s")}:
            marker = f"/{folder}/"
            if marker in posix:
                return Path(posix.split(marker, 1)[0] or "/")
    return Path.cwd()


def convert_one(job: Job, options: Options) -> list[Outcome]:
    """Convert one file (one outcome per agent in it); never raises for a problem with the file."""
    read = _read(job, options)
    if isinstance(read, Outcome):
        return [read]
    return [_write_one(job, agent, report, options) for agent, report in read]


def _read(job: Job, options: Options) -> list[tuple[Agent, Report]] | Outcome:
    """The agents in a job's source, each with its report (what reading the file said goes
    with the first), or the failed outcome of a file that cannot be read."""
    report = Report(str(job.source))
    try:
        agents = loads_all(_source_text(job), job.read or options.read, path=job.source, report=report)
    except AgentportError as error:
        return Outcome(job.source, None, Status.FAILED, _why(report, error))
    except (OSError, UnicodeDecodeError) as error:
        report.error(Code.INVALID_INPUT, f"{type(error).__name__}: {error}")
        return Outcome(job.source, None, Status.FAILED, tuple(report))
    return [(agent, report if index == 0 else Report(str(job.source))) for index, agent in enumerate(agents)]


def _source_text(job: Job) -> str:
    if job.within is None:
        return read_text(job.source)
    return folder_at(job.within).read_text(job.source.relative_to(job.within).as_posix())


def _write_one(job: Job, agent: Agent, report: Report, options: Options) -> Outcome:
    target = job.target
    try:
        folder, relative_target = _target_of(job, agent, options.write)
        target = folder.root / relative_target
        text = dumps(agent, options.write, report=report, layout=options.layout)
        if options.dry_run:
            status = _planned_status(folder, relative_target, text)
        else:
            status = Status(folder.write(relative_target, text.encode("utf-8"), overwrite=options.force).value)
    except FileExistsError as error:
        report.error(Code.INVALID_INPUT, str(error))
        return Outcome(job.source, target, Status.CONFLICT, tuple(report))
    except AgentportError as error:
        return Outcome(job.source, target, Status.FAILED, _why(report, error))
    except OSError as error:
        report.error(Code.INVALID_INPUT, f"{type(error).__name__}: {error}")
        return Outcome(job.source, target, Status.FAILED, tuple(report))
    return Outcome(job.source, target, status, tuple(report))


def _target_of(job: Job, agent: Agent, write: str) -> tuple[Folder, str]:
    """The folder a job writes into and, inside it, the agent's file (checked: no name leads out)."""
    if job.target is not None:  # a file the user named
        return folder_at(job.target.parent), job.target.name
    return folder_at(job.out_root), registry.get(write).relative_path(agent)


_open_folders: dict[Path, Folder] = {}
"""Per process: a bulk run reads and writes through few folders, each opened once."""


def folder_at(root: Path) -> Folder:
    """The :class:`Folder` at ``root``, kept open for the process's next files."""
    folder = _open_folders.get(root)
    if folder is None:
        if len(_open_folders) >= 16:
            _open_folders.pop(next(iter(_open_folders))).close()
        folder = _open_folders[root] = Folder(root)
    return folder


def _merge_into_containers(jobs: Iterable[Job], options: Options) -> Iterator[Outcome]:
    """For a dialect whose one file holds every agent: read all, then write each file once."""
    dialect = registry.get(options.write)
    pending: dict[tuple[Path, str], list[tuple[Job, Agent, Report]]] = {}
    for job in jobs:
        read = _read(job, options)
        if isinstance(read, Outcome):
            yield read
            continue
        for agent, report in read:
            try:
                folder, relative_target = _target_of(job, agent, options.write)
            except AgentportError as error:
                yield Outcome(job.source, None, Status.FAILED, _why(report, error))
                continue
            pending.setdefault((folder.root, relative_target), []).append((job, agent, report))
    for (root, relative_target), entries in pending.items():
        yield from _merge_one_container(folder_at(root), relative_target, _without_clashes(dialect, entries), options)


def _without_clashes(
    dialect: "Dialect", entries: list[tuple[Job, Agent, Report]]
) -> Iterator[tuple[Job, Agent | None, Report]]:
    """The entries of one many-agent file; two sources of one agent name (as the dialect
    writes it) both lose their agent (``None``), each told of the other."""
    by_name: dict[str, list[int]] = {}
    for index, (_, agent, _) in enumerate(entries):
        try:
            by_name.setdefault(dialect.valid_name(agent.name), []).append(index)
        except AgentportError:
            by_name.setdefault(agent.name, []).append(index)
    clashing = {index: indexes for indexes in by_name.values() if len(indexes) > 1 for index in indexes}
    for index, (job, agent, report) in enumerate(entries):
        if index in clashing:
            others = [str(entries[other][0].source) for other in clashing[index] if other != index]
            report.error(
                Code.DUPLICATE_NAME,
                f"'{agent.name}' is also the agent of {', '.join(others)}: neither is written, so that neither replaces the other",
                field="name",
            )
            yield job, None, report
        else:
            yield job, agent, report


def _merge_one_container(
    folder: Folder, relative_target: str, entries: Iterable[tuple[Job, Agent | None, Report]], options: Options
) -> Iterator[Outcome]:
    entries = list(entries)
    target = folder.root / relative_target
    report = Report(str(target))
    agents = [agent for _, agent, _ in entries if agent is not None]
    status = Status.UNCHANGED
    try:
        if agents:
            existing = folder.read_if_exists(relative_target)
            text = dumps_all(
                agents, options.write, existing=existing.decode("utf-8") if existing is not None else None,
                report=report, layout=options.layout,
            )
            if options.dry_run:
                status = _planned_status(folder, relative_target, text)
            else:
                # Merging into an existing file keeps what it had: no --force needed.
                status = Status(folder.write(relative_target, text.encode("utf-8"), overwrite=True).value)
    except (AgentportError, OSError, ValueError, UnicodeDecodeError) as error:
        if not report.has_errors:
            report.error(Code.INVALID_INPUT, f"{type(error).__name__}: {error}")
        status = Status.FAILED
    first = True
    for job, agent, read_report in entries:
        diagnostics = (*read_report, *(report if first and agent is not None else ()))
        first = first and agent is None
        yield Outcome(job.source, target, Status.FAILED if agent is None else status, tuple(diagnostics))


def _planned_status(folder: Folder, relative_target: str, text: str) -> Status:
    current = folder.read_if_exists(relative_target)
    if current is None:
        return Status.CREATED
    return Status.UNCHANGED if current == text.encode("utf-8") else Status.UPDATED


def _why(report: Report, error: AgentportError) -> tuple[Diagnostic, ...]:
    """What the report says went wrong, or else the error itself, as a diagnostic."""
    if not report.has_errors:
        report.error(Code.INVALID_INPUT, str(error))
    return tuple(report)


class Claims:
    """Which source each target file belongs to in one run.

    Workers write as they go, so a second source whose agent lands on a target already written
    is only found out afterwards: both are then refused, and the file is removed again if this
    run created it (it did not exist before, so nothing of the user's is lost). Only a file
    that existed and that ``--force`` let both replace cannot be given back; the error says so.
    """

    def __init__(self) -> None:
        # Strings, not paths: one entry per file written, so its size is the run's memory.
        self._owner: dict[str, tuple[str, Status]] = {}
        self._clashed: set[str] = set()

    def settle(self, outcome: Outcome) -> Iterator[Outcome]:
        """``outcome``, and for a clash the refusals it causes."""
        if outcome.target is None or outcome.status is Status.FAILED:
            yield outcome
            return
        target = str(outcome.target)
        first = self._owner.get(target)
        if first is None:
            self._owner[target] = (str(outcome.source), outcome.status)
            yield outcome
            return
        first_source, first_status = first
        removed = Status.CREATED in (first_status, outcome.status) and _remove_quietly(outcome.target)
        lost = not removed and Status.UPDATED in (first_status, outcome.status)
        fate = "removed again" if removed else "replaced before the clash was found" if lost else "left as it was"
        message = (
            f"{first_source} and {outcome.source} both become {target}: neither is written "
            f"({outcome.target.name} {fate})"
        )
        if target not in self._clashed:
            self._clashed.add(target)
            yield _refused(Path(first_source), outcome.target, message, ())
        # A conflict with the first source's file is the clash itself, not a second problem.
        kept = outcome.diagnostics if outcome.status is not Status.CONFLICT else tuple(
            item for item in outcome.diagnostics if item.severity < Severity.ERROR
        )
        yield _refused(outcome.source, outcome.target, message, kept)


def _refused(source: Path, target: Path, message: str, diagnostics: tuple[Diagnostic, ...]) -> Outcome:
    clash = Diagnostic(Code.DUPLICATE_NAME, Severity.ERROR, message, field="name", path=str(source))
    return Outcome(source, target, Status.FAILED, (*diagnostics, clash))


def _remove_quietly(target: Path) -> bool:
    try:
        return folder_at(target.parent).unlink(target.name)
    except (AgentportError, OSError):
        return False


def run(jobs: Iterable[Job], options: Options, *, workers: int | None = None) -> Iterator[Outcome]:
    """Convert every job, in parallel once there are enough of them; outcomes in any order."""
    if registry.get(options.write).holds_many:
        yield from _merge_into_containers(jobs, options)
        return
    claims = Claims()
    for outcomes in parallel_map(convert_one, jobs, options, workers=workers):
        for outcome in outcomes:
            yield from claims.settle(outcome)


def parallel_map(
    work: Callable[[Item, Shared], Result], items: Iterable[Item], shared: Shared, *, workers: int | None = None
) -> Generator[Result, None, None]:
    """``work(item, shared)`` for every item, streamed: in worker processes once there are
    :data:`PARALLEL_THRESHOLD` items and more than one worker, else in this process. Results
    come in any order. ``work`` must be a module-level function (workers import it by name)."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    iterator = iter(items)
    head = list(itertools.islice(iterator, PARALLEL_THRESHOLD))
    everything = itertools.chain(head, iterator)
    if workers < 2 or len(head) < PARALLEL_THRESHOLD:
        for item in everything:
            yield work(item, shared)
        return
    import multiprocessing
    import threading

    # Pool.imap reads its input as fast as it can: bounding the batches in flight keeps memory
    # flat however many items there are.
    in_flight = threading.Semaphore(workers * 4)
    stopping = threading.Event()

    def batches() -> Iterator[list[Item]]:
        while True:
            batch = list(itertools.islice(everything, _CHUNK))
            if not batch or not _wait_for_room(in_flight, stopping):
                return
            yield batch

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(work, shared)) as pool:
        try:
            for results in pool.imap_unordered(_work_in_worker, batches()):
                in_flight.release()
                yield from results
        finally:
            stopping.set()


def _wait_for_room(in_flight: "threading.Semaphore", stopping: "threading.Event") -> bool:
    while not stopping.is_set():
        if in_flight.acquire(timeout=0.1):
            return True
    return False


_worker_task: tuple[Callable[[Any, Any], Any], Any] | None = None


def _init_worker(work: Callable[[Any, Any], Any], shared: Any) -> None:
    import signal

    global _worker_task
    _worker_task = (work, shared)
    # Ctrl-C is the parent's to handle: a worker finishes its file (atomic) and is terminated.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work_in_worker(batch: list[Any]) -> list[Any]:
    assert _worker_task is not None
    work, shared = _worker_task
    return [work(item, shared) for item in batch]
