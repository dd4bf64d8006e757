"""Converting whole trees: find agent files, convert each, write each atomically, in parallel.

Files are streamed: nothing holds the list of every path or every result, so memory stays flat
however large the tree. One bad file becomes one failed :class:`Outcome`; the rest go on.
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
from .diagnostics import AgentportError, Code, Diagnostic, Report, Severity
from .files import listing, write_atomic
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


def discover(inputs: Iterable[Path], read: str | None) -> Iterator[Path]:
    """Agent files under ``inputs``: files as given; in folders, files a dialect's layout names.

    With ``read`` set, a folder holding no file in that dialect's layout is taken to be a folder
    of that dialect's files, so ``convert my-agents/ --from claude`` works too.
    """
    for path, _ in discover_dialects(inputs, read):
        yield path


def discover_dialects(inputs: Iterable[Path], read: str | None) -> Iterator[tuple[Path, str | None]]:
    """:func:`discover`, with the dialect each file's path alone names (``None``: ask its content)."""
    dialects = _classes(read)
    for path in inputs:
        if not path.is_dir():
            yield path, read
            continue
        found = False
        loose: list[Path] = []
        for file in _walk(path):
            text_path = file.as_posix()
            matching = [dialect.name for dialect in dialects if dialect.matches_path(text_path)]
            if matching:
                found = True
                yield file, matching[0] if len(matching) == 1 else read
            elif read and text_path.endswith(dialects[0].suffix) and not found:
                loose.append(file)
        if not found and read:
            for file in loose:
                yield file, read


def _walk(root: Path) -> Iterator[Path]:
    """Files below ``root``, read folder by folder (no list grows with the number of files)."""
    stack = [root]
    while stack:
        folder = stack.pop()
        subfolders = []
        try:
            for entry in listing(os.fspath(folder)):
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in (".git", "node_modules"):
                        subfolders.append(Path(entry.path))
                elif entry.is_file():
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
        agents = loads_all(read_text(job.source), job.read or options.read, path=job.source, report=report)
    except AgentportError:
        return Outcome(job.source, None, Status.FAILED, tuple(report) or _fallback(job, "unreadable"))
    except (OSError, UnicodeDecodeError) as error:
        report.error(Code.INVALID_INPUT, f"{type(error).__name__}: {error}")
        return Outcome(job.source, None, Status.FAILED, tuple(report))
    return [(agent, report if index == 0 else Report(str(job.source))) for index, agent in enumerate(agents)]


def _write_one(job: Job, agent: Agent, report: Report, options: Options) -> Outcome:
    target = job.target or job.out_root / registry.get(options.write).relative_path(agent)
    try:
        text = dumps(agent, options.write, report=report, layout=options.layout)
        if options.dry_run:
            status = _planned_status(target, text)
        else:
            status = Status(write_atomic(target, text, overwrite=options.force).value)
    except FileExistsError as error:
        report.error(Code.INVALID_INPUT, str(error))
        return Outcome(job.source, target, Status.CONFLICT, tuple(report))
    except AgentportError:
        return Outcome(job.source, target, Status.FAILED, tuple(report) or _fallback(job, "cannot be written"))
    except OSError as error:
        report.error(Code.INVALID_INPUT, f"{type(error).__name__}: {error}")
        return Outcome(job.source, target, Status.FAILED, tuple(report))
    return Outcome(job.source, target, status, tuple(report))


def _merge_into_containers(jobs: Iterable[Job], options: Options) -> Iterator[Outcome]:
    """For a dialect whose one file holds every agent: read all, then write each file once."""
    dialect = registry.get(options.write)
    pending: dict[Path, list[tuple[Job, Agent, Report]]] = {}
    for job in jobs:
        read = _read(job, options)
        if isinstance(read, Outcome):
            yield read
            continue
        for agent, report in read:
            target = job.target or job.out_root / dialect.relative_path(agent)
            pending.setdefault(target, []).append((job, agent, report))
    for target, entries in pending.items():
        report = Report(str(target))
        try:
            existing = read_text(target) if target.exists() else None
            agents = [agent for _, agent, _ in entries]
            text = dumps_all(agents, dialect, existing=existing, report=report, layout=options.layout)
            if options.dry_run:
                status = _planned_status(target, text)
            else:
                # Merging into an existing file keeps what it had: no --force needed.
                status = Status(write_atomic(target, text, overwrite=True).value)
        except (AgentportError, OSError, ValueError) as error:
            report.error(Code.INVALID_INPUT, f"{type(error).__name__}: {error}")
            status = Status.FAILED
        for index, (job, _, read_report) in enumerate(entries):
            diagnostics = (*read_report, *(report if index == 0 else ()))
            yield Outcome(job.source, target, status, tuple(diagnostics))


def _planned_status(target: Path, text: str) -> Status:
    try:
        current = target.read_bytes()
    except FileNotFoundError:
        return Status.CREATED
    return Status.UNCHANGED if current == text.encode("utf-8") else Status.UPDATED


def _fallback(job: Job, message: str) -> tuple[Diagnostic, ...]:
    return (Diagnostic(Code.INVALID_INPUT, Severity.ERROR, message, path=str(job.source)),)


def run(jobs: Iterable[Job], options: Options, *, workers: int | None = None) -> Iterator[Outcome]:
    """Convert every job, in parallel once there are enough of them; outcomes in any order."""
    if registry.get(options.write).holds_many:
        yield from _merge_into_containers(jobs, options)
        return
    for outcomes in parallel_map(convert_one, jobs, options, workers=workers):
        yield from outcomes


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
