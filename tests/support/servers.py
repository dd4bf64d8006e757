"""Real servers on loopback for agentport's publishing tests.

agentport pushes bundles to OCI registries (oras SDK) and publishes Claude Code plugin
marketplaces through git.  Mocks would hide exactly the behaviour those features must survive
(auth challenges, upload sessions with absolute ``Location`` URLs, chunked bodies, smart-HTTP git,
the real ``claude`` CLI), so these helpers start the real programs on 127.0.0.1, installing them
when they are missing.  Anything that cannot be installed or started raises ``ServerStartError``:
a publishing test that silently skips on a machine without a registry proves nothing.

Every listener binds 127.0.0.1 only and every client here talks to 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import fcntl
import http.client
import io
import ipaddress
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import IO, Literal, NamedTuple, TypeVar
from urllib.parse import unquote, urlsplit

LOOPBACK = "127.0.0.1"

# Request/response headers that describe one hop, not the message (RFC 9110 section 7.6.1);
# a proxy must not forward them.  "expect" is answered by our own server already.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "expect",
    }
)
_BLOCK = 64 * 1024

# Lets __enter__ return the subclass it was called on (typing.Self needs Python 3.11).
_Server = TypeVar("_Server", bound="_BackgroundHTTPServer")


class ServerStartError(RuntimeError):
    """A test server or tool could not be installed or started.

    Raised instead of skipping: the publishing tests must fail loudly on a machine that lacks
    what they need, so a missing install step shows up in CI rather than as silent skips.
    """


# --------------------------------------------------------------------------------------------
# Debian packages


# Which program proves a package is usable.  Checking the binary (not dpkg's database) accepts
# tools installed another way, e.g. a Node.js that did not come from Debian.
_PACKAGE_BINARIES: dict[str, str] = {
    "docker-registry": "/usr/bin/docker-registry",
    "apache2-utils": "htpasswd",
    "git": "git",
    "nodejs": "node",
    "npm": "npm",
}
_apt_lock = threading.Lock()
_apt_updated = False


def _package_present(package: str) -> bool:
    binary = _PACKAGE_BINARIES.get(package)
    if binary is not None:
        return shutil.which(binary) is not None
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${db:Status-Status}", package],
        capture_output=True,
        text=True,
        check=False,
    )
    return status.returncode == 0 and status.stdout.strip() == "installed"


def _run_or_raise(
    command: list[str], what: str, timeout: float, env: dict[str, str] | None = None
) -> str:
    """Run a setup command; on failure raise ServerStartError carrying the end of its output."""
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ServerStartError(f"{what} failed: {' '.join(command)}: {error}") from error
    if done.returncode != 0:
        output = (done.stdout + done.stderr)[-3000:]
        raise ServerStartError(
            f"{what} failed (exit {done.returncode}): {' '.join(command)}\n{output}"
        )
    return done.stdout


def ensure_apt_packages(*packages: str) -> None:
    """Install the Debian packages whose programs are missing.

    ``apt-get update`` runs at most once per process, and only when something is missing, so a
    prepared machine (``.ci/services.sh`` ran) pays nothing.
    """
    global _apt_updated
    with _apt_lock:
        missing = [package for package in packages if not _package_present(package)]
        if not missing:
            return
        if shutil.which("apt-get") is None or os.geteuid() != 0:
            raise ServerStartError(
                f"missing Debian packages {missing} and cannot install them here (needs apt-get as "
                "root); run .ci/services.sh as root first"
            )
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if not _apt_updated:
            _run_or_raise(["apt-get", "update"], "apt-get update", timeout=600, env=env)
            _apt_updated = True
        _run_or_raise(
            ["apt-get", "install", "-y", "--no-install-recommends", *missing],
            f"installing {missing}",
            timeout=900,
            env=env,
        )
        still_missing = [package for package in missing if not _package_present(package)]
        if still_missing:
            raise ServerStartError(
                f"apt-get install succeeded but {still_missing} are still unusable"
            )


# --------------------------------------------------------------------------------------------
# Small shared pieces


def _free_port() -> int:
    """A port free right now; callers retry on the rare race with another process."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _require_loopback(host: str) -> None:
    """Refuse any upstream that is not on loopback: tests must never send traffic elsewhere."""
    name = urlsplit(f"//{host}").hostname or ""
    try:
        loopback = name == "localhost" or ipaddress.ip_address(name).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"test traffic must stay on loopback, got upstream {host!r}")


class _LoopbackHTTPServer(ThreadingHTTPServer):
    """Threaded server that never waits for idle keep-alive connections on shutdown."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, handler: type[BaseHTTPRequestHandler], owner: object) -> None:
        super().__init__((LOOPBACK, 0), handler)
        self.owner = owner


class _StreamingHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 handler base that streams request bodies in and chunked bodies out."""

    protocol_version = "HTTP/1.1"
    timeout = 120  # an abandoned keep-alive connection frees its thread eventually

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: pytest output should show test results, not access logs."""

    def _is_chunked_request(self) -> bool:
        return "chunked" in self.headers.get("Transfer-Encoding", "").lower()

    def _iter_request_body(self) -> Iterator[bytes]:
        """Yield the request body as it arrives, de-chunking ``Transfer-Encoding: chunked``."""
        if self._is_chunked_request():
            while True:
                size_line = self.rfile.readline(1024)
                if not size_line:
                    raise ConnectionError("client closed the connection inside a chunked body")
                size = int(size_line.split(b";", 1)[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailer fields: nothing to keep
                    return
                yield from self._read_exactly(size)
                self.rfile.readline(1024)  # the CRLF closing the chunk
        else:
            yield from self._read_exactly(int(self.headers.get("Content-Length") or 0))

    def _read_exactly(self, size: int) -> Iterator[bytes]:
        remaining = size
        while remaining > 0:
            data = self.rfile.read(min(remaining, _BLOCK))
            if not data:
                raise ConnectionError("client closed the connection inside the body")
            remaining -= len(data)
            yield data

    def _write_chunk(self, data: bytes) -> None:
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _end_chunks(self) -> None:
        self.wfile.write(b"0\r\n\r\n")


class _BackgroundHTTPServer:
    """Runs a ``_LoopbackHTTPServer`` on a thread; use as a context manager."""

    _handler: type[BaseHTTPRequestHandler]

    def __init__(self) -> None:
        self._httpd: _LoopbackHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return int(self._httpd.server_address[1])

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``, the form registries and oras call a hostname."""
        return f"{LOOPBACK}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def start(self) -> None:
        self._httpd = _LoopbackHTTPServer(self._handler, owner=self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # shutdown() waits up to one interval
            name=type(self).__name__,
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self: _Server) -> _Server:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


# --------------------------------------------------------------------------------------------
# OCI registry


class OciRegistry:
    """Debian's ``docker-registry`` (distribution 2.8) with htpasswd basic auth.

    Storage is a fresh temp dir, so every instance starts empty.  Use as a context manager;
    ``host`` is what ``OrasClient(hostname=...)`` wants, ``url`` is for raw HTTP.
    """

    BINARY = "/usr/bin/docker-registry"

    def __init__(self, username: str = "agentport", startup_timeout: float = 20.0) -> None:
        self.username = username
        self.password = secrets.token_urlsafe(18)
        self.startup_timeout = startup_timeout
        self.port = 0
        self.workdir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def host(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    @property
    def authorization(self) -> str:
        """The ``Authorization`` header value for raw HTTP requests (http.client)."""
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return f"Basic {token}"

    @property
    def log_path(self) -> Path:
        if self.workdir is None:
            raise RuntimeError("registry is not started")
        return self.workdir / "registry.log"

    def log_tail(self, limit: int = 4000) -> str:
        """The end of the registry's own log, for failure messages."""
        try:
            return self.log_path.read_text(errors="replace")[-limit:]
        except (OSError, RuntimeError):
            return ""

    def start(self) -> None:
        ensure_apt_packages("docker-registry", "apache2-utils")
        self.workdir = Path(tempfile.mkdtemp(prefix="agentport-registry-"))
        htpasswd = self.workdir / "htpasswd"
        htpasswd.write_text(
            _run_or_raise(
                ["htpasswd", "-Bbn", self.username, self.password], "htpasswd", timeout=30
            )
        )
        # A port picked free can be taken before the registry binds it: try a few.
        for _attempt in range(3):
            self.port = _free_port()
            config = self.workdir / "config.yml"
            config.write_text(self._config(htpasswd))
            with self.log_path.open("ab") as log:
                self._process = subprocess.Popen(
                    [self.BINARY, "serve", str(config)],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            if self._wait_until_ready():
                return
            if "address already in use" not in self.log_tail():
                break
        last_log = self.log_tail()
        self.stop()
        raise ServerStartError(f"docker-registry did not answer 401 on /v2/; its log:\n{last_log}")

    def _config(self, htpasswd: Path) -> str:
        assert self.workdir is not None
        # JSON is valid YAML, and json.dumps quotes paths safely.
        config = {
            "version": 0.1,
            "log": {"level": "info", "formatter": "text"},
            "storage": {
                "filesystem": {"rootdirectory": str(self.workdir / "storage")},
                "delete": {"enabled": True},
                "maintenance": {"uploadpurging": {"enabled": False}},
            },
            "http": {"addr": self.host, "secret": secrets.token_hex(16)},
            "auth": {"htpasswd": {"realm": "agentport-tests", "path": str(htpasswd)}},
        }
        return json.dumps(config, indent=2)

    def _wait_until_ready(self) -> bool:
        """Poll ``GET /v2/`` until the auth challenge (401) proves routing and auth are up."""
        assert self._process is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            try:
                connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=2)
                try:
                    connection.request("GET", "/v2/")
                    if connection.getresponse().status == 401:
                        return True
                finally:
                    connection.close()
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self._process is not None:
            _stop_process(self._process)
            self._process = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def __enter__(self) -> OciRegistry:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _stop_process(process: subprocess.Popen[bytes]) -> None:
    """Terminate, wait, then kill: a wedged server must not hang the test session."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# --------------------------------------------------------------------------------------------
# Fault-injecting reverse proxy

RequestPredicate = Callable[[str, str], bool]
"""Takes (method, path-with-query) and says whether a fault applies to that request."""


def matching(
    methods: str | Iterable[str] | None = None, path: str | None = None
) -> RequestPredicate:
    """Build a predicate: any of ``methods`` (None: any) and regex ``path`` searched in the path."""
    wanted = (
        {methods} if isinstance(methods, str) else set(methods) if methods is not None else None
    )
    pattern = re.compile(path) if path is not None else None

    def predicate(method: str, request_path: str) -> bool:
        if wanted is not None and method not in wanted:
            return False
        return pattern is None or pattern.search(request_path) is not None

    return predicate


ANY_REQUEST: RequestPredicate = matching()
BLOB_GET: RequestPredicate = matching("GET", r"^/v2/.+/blobs/sha256:[0-9a-f]{64}$")
BLOB_UPLOAD: RequestPredicate = matching(("POST", "PATCH", "PUT"), r"^/v2/.+/blobs/uploads/")

FaultAction = Literal["status", "drop", "tamper"]
SeenAction = Literal["forwarded", "status", "dropped", "tampered", "upstream-error"]


@dataclass
class _Fault:
    action: FaultAction
    when: RequestPredicate
    remaining: int | None  # None: every matching request
    status: int = 500


@dataclass(frozen=True)
class SeenRequest:
    """One request the proxy handled, and what it did with it."""

    method: str
    path: str
    action: SeenAction


class FaultProxy(_BackgroundHTTPServer):
    """A reverse proxy on loopback whose failures each test scripts.

    Faults are checked in the order they were added; each applies to the first ``times``
    matching requests, then the request passes through untouched.  Bodies stream both ways,
    chunked or not, and ``Location`` headers naming the upstream are rewritten to the proxy so a
    registry upload session keeps going through it.
    """

    def __init__(self, upstream: str) -> None:
        """``upstream`` is ``HOST:PORT`` on loopback, e.g. ``OciRegistry.host``."""
        _require_loopback(upstream)
        super().__init__()
        self.upstream = upstream
        self._handler = _ProxyHandler
        self._faults: list[_Fault] = []
        self._seen: list[SeenRequest] = []
        self._lock = threading.Lock()

    def fail_with_status(
        self, times: int, when: RequestPredicate = ANY_REQUEST, status: int = 500
    ) -> None:
        """Answer the first ``times`` matching requests with ``status`` and an OCI error body."""
        self._add(_Fault("status", when, times, status))

    def drop_connection(self, times: int, when: RequestPredicate = ANY_REQUEST) -> None:
        """Read part of the first ``times`` matching requests, then close the socket unanswered."""
        self._add(_Fault("drop", when, times))

    def tamper_body(self, when: RequestPredicate = BLOB_GET, times: int | None = None) -> None:
        """Flip the first byte of successful, non-empty response bodies (length unchanged)."""
        self._add(_Fault("tamper", when, times))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def seen(self) -> list[SeenRequest]:
        with self._lock:
            return list(self._seen)

    def count(self, when: RequestPredicate = ANY_REQUEST, action: SeenAction | None = None) -> int:
        """How many handled requests match ``when`` (and ended with ``action``, if given)."""
        return sum(
            1
            for request in self.seen
            if when(request.method, request.path) and (action is None or request.action == action)
        )

    def _add(self, fault: _Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take_fault(
        self, method: str, path: str, actions: tuple[FaultAction, ...]
    ) -> _Fault | None:
        """Consume one use of the first live fault of ``actions`` that matches the request."""
        with self._lock:
            for fault in self._faults:
                if fault.action in actions and fault.remaining != 0 and fault.when(method, path):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    return fault
        return None

    def _record(self, method: str, path: str, action: SeenAction) -> None:
        with self._lock:
            self._seen.append(SeenRequest(method, path, action))


class _ProxyHandler(_StreamingHandler):
    server: _LoopbackHTTPServer

    @property
    def proxy(self) -> FaultProxy:
        owner = self.server.owner
        assert isinstance(owner, FaultProxy)
        return owner

    def do_GET(self) -> None:
        self._handle()

    do_HEAD = do_PUT = do_PATCH = do_POST = do_DELETE = do_OPTIONS = do_GET

    def _handle(self) -> None:
        """Each branch records the request before answering, so a client that got its answer
        always finds it in ``seen``."""
        method, path = self.command, self.path
        fault = self.proxy._take_fault(method, path, ("status", "drop"))
        if fault is not None and fault.action == "drop":
            self.proxy._record(method, path, "dropped")
            self._drop_mid_request()
        elif fault is not None:
            self.proxy._record(method, path, "status")
            self._answer_injected_status(fault.status)
        else:
            self._forward()

    def _drop_mid_request(self) -> None:
        """Take in part of the body (so the client is mid-send), then vanish without a response."""
        declared = int(self.headers.get("Content-Length") or 0)
        try:
            if self._is_chunked_request():
                next(self._iter_request_body(), b"")
            elif declared:
                self.rfile.read(min(max(declared // 2, 1), _BLOCK))
        except (OSError, ValueError):
            pass
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _answer_injected_status(self, status: int) -> None:
        for _ in self._iter_request_body():
            pass  # consume the body so the keep-alive connection stays in sync
        body = json.dumps(
            {"errors": [{"code": "UNKNOWN", "message": f"injected HTTP {status} by FaultProxy"}]}
        ).encode()
        self.send_response_only(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _forward(self) -> None:
        proxy = self.proxy
        upstream_host, _, upstream_port = proxy.upstream.rpartition(":")
        upstream = http.client.HTTPConnection(upstream_host, int(upstream_port), timeout=120)
        try:
            try:
                response = self._send_upstream(upstream)
            except (OSError, http.client.HTTPException) as error:
                proxy._record(self.command, self.path, "upstream-error")
                self.close_connection = True
                self.send_error(502, f"FaultProxy: upstream {proxy.upstream} failed: {error}")
                return
            self._relay_response(response)
        finally:
            upstream.close()

    def _send_upstream(self, upstream: http.client.HTTPConnection) -> http.client.HTTPResponse:
        chunked = self._is_chunked_request()
        upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        upstream.putheader("Host", self.proxy.upstream)
        for name, value in self.headers.items():
            if name.lower() not in _HOP_BY_HOP and name.lower() != "host":
                upstream.putheader(name, value)
        if chunked:
            upstream.putheader("Transfer-Encoding", "chunked")
        upstream.endheaders()
        for data in self._iter_request_body():
            upstream.send(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
        if chunked:
            upstream.send(b"0\r\n\r\n")
        return upstream.getresponse()

    def _relay_response(self, response: http.client.HTTPResponse) -> None:
        proxy = self.proxy
        upstream_url = f"http://{proxy.upstream}"
        has_body = self.command != "HEAD" and response.status not in (204, 304)
        length_header = response.getheader("Content-Length")
        tamper = (
            has_body
            and 200 <= response.status < 300
            and length_header != "0"
            and proxy._take_fault(self.command, self.path, ("tamper",)) is not None
        )
        proxy._record(self.command, self.path, "tampered" if tamper else "forwarded")
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() in _HOP_BY_HOP:
                continue
            if name.lower() == "location" and value.startswith(upstream_url):
                value = proxy.url + value[len(upstream_url) :]
            self.send_header(name, value)
        chunked_out = has_body and length_header is None
        if chunked_out:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if not has_body:
            return
        while data := response.read1(_BLOCK):
            if tamper:
                data = bytes([data[0] ^ 0xFF]) + data[1:]
                tamper = False
            if chunked_out:
                self._write_chunk(data)
            else:
                self.wfile.write(data)
        if chunked_out:
            self._end_chunks()


# --------------------------------------------------------------------------------------------
# git over smart HTTP


class GitHttpServer(_BackgroundHTTPServer):
    """Bare repositories under ``root`` served by ``git http-backend`` (CGI), push enabled.

    URLs end in ``.git`` because ``claude plugin marketplace add`` only takes http(s) git URLs
    in that form.  Pushing needs no auth: ``http.receivepack`` is switched on for every
    repository through the backend's environment.
    """

    def __init__(self, root: Path | None = None) -> None:
        super().__init__()
        self._handler = _GitHandler
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="agentport-git-")) if root is None else root
        self.backend = ""

    def start(self) -> None:
        ensure_apt_packages("git")
        exec_path = _run_or_raise(["git", "--exec-path"], "git --exec-path", timeout=30).strip()
        self.backend = os.path.join(exec_path, "git-http-backend")
        if not os.access(self.backend, os.X_OK):
            raise ServerStartError(f"git http-backend not found at {self.backend}")
        self.root.mkdir(parents=True, exist_ok=True)
        super().start()

    def stop(self) -> None:
        super().stop()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    @staticmethod
    def repo_dir_name(name: str) -> str:
        return name if name.endswith(".git") else f"{name}.git"

    def url_for(self, name: str) -> str:
        """Clone/push URL of repository ``name`` (``.git`` appended when missing)."""
        return f"{self.url}/{self.repo_dir_name(name)}"

    def create_bare(self, name: str, initial_branch: str = "main") -> Path:
        """Create an empty bare repository that the server serves at ``url_for(name)``."""
        path = self.root / self.repo_dir_name(name)
        _run_or_raise(
            ["git", "init", "--quiet", "--bare", f"--initial-branch={initial_branch}", str(path)],
            f"creating bare repository {name}",
            timeout=30,
        )
        return path


class _GitHandler(_StreamingHandler):
    server: _LoopbackHTTPServer

    @property
    def git_server(self) -> GitHttpServer:
        owner = self.server.owner
        assert isinstance(owner, GitHttpServer)
        return owner

    def do_GET(self) -> None:
        self._run_backend()

    do_POST = do_GET

    def _cgi_environment(self) -> dict[str, str]:
        path, _, query = self.path.partition("?")
        server = self.git_server
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(server.root),  # keep the developer's ~/.gitconfig out of the server
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_PROJECT_ROOT": str(server.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "http.receivepack",
            "GIT_CONFIG_VALUE_0": "true",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_NAME": LOOPBACK,
            "SERVER_PORT": str(server.port),
            "REQUEST_METHOD": self.command,
            "PATH_INFO": unquote(path),
            "QUERY_STRING": query,
            "REMOTE_ADDR": self.client_address[0],
        }
        if "Content-Type" in self.headers:
            env["CONTENT_TYPE"] = self.headers["Content-Type"]
        if not self._is_chunked_request() and "Content-Length" in self.headers:
            env["CONTENT_LENGTH"] = self.headers["Content-Length"]  # unset: backend reads to EOF
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH", "AUTHORIZATION"):
                env[f"HTTP_{key}"] = value  # e.g. HTTP_GIT_PROTOCOL, HTTP_CONTENT_ENCODING
        return env

    def _run_backend(self) -> None:
        backend = subprocess.Popen(
            [self.git_server.backend],
            env=self._cgi_environment(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        stdin, stdout, stderr = backend.stdin, backend.stdout, backend.stderr
        assert stdin is not None and isinstance(stdout, io.BufferedReader) and stderr is not None
        errors: list[bytes] = []
        stderr_reader = threading.Thread(target=lambda: errors.append(stderr.read()), daemon=True)
        stderr_reader.start()
        # Feed the body on a thread: the backend may answer before it has read everything.
        feeder = threading.Thread(target=self._feed_body, args=(stdin,), daemon=True)
        feeder.start()
        try:
            answered = self._relay_cgi_output(stdout)
        finally:
            feeder.join(timeout=120)
            stdout.close()
            _stop_process(backend)
            stderr_reader.join(timeout=10)
        if not answered:
            message = (
                b"".join(errors).decode(errors="replace").strip() or f"exit {backend.returncode}"
            )
            self.close_connection = True
            self.send_error(500, f"git http-backend failed: {message[:500]}")

    def _feed_body(self, stdin: IO[bytes]) -> None:
        try:
            for data in self._iter_request_body():
                stdin.write(data)
        except (OSError, ValueError):
            self.close_connection = True  # body left half-read: this connection is out of sync
        finally:
            try:
                stdin.close()
            except OSError:
                pass

    def _relay_cgi_output(self, stdout: io.BufferedReader) -> bool:
        """Turn the CGI header block into an HTTP status line and stream the rest.

        Returns False, having sent nothing, when the backend wrote no header block.
        """
        status, reason = 200, "OK"
        headers: list[tuple[str, str]] = []
        while (line := stdout.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "status":
                code, _, text = value.strip().partition(" ")
                status, reason = int(code), text or reason
            else:
                headers.append((name.strip(), value.strip()))
        if not line:
            return False
        self.send_response_only(status, reason)
        has_length = any(name.lower() == "content-length" for name, _ in headers)
        for name, value in headers:
            self.send_header(name, value)
        if not has_length:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        while data := stdout.read1(_BLOCK):
            if has_length:
                self.wfile.write(data)
            else:
                self._write_chunk(data)
        if not has_length:
            self._end_chunks()
        return True


# --------------------------------------------------------------------------------------------
# Claude Code CLI

CLAUDE_CODE_PACKAGE = "@anthropic-ai/claude-code"
CLAUDE_CODE_VERSION = "2.1.197"  # the version FACTS.md measured offline; bump deliberately
MINIMUM_NODE_MAJOR = 18


def default_tool_cache() -> Path:
    """Outside the repository, so installs survive a fresh clone and never get committed."""
    override = os.environ.get("AGENTPORT_TEST_CACHE")
    return Path(override) if override else Path.home() / ".cache" / "agentport-tests"


class CliResult(NamedTuple):
    rc: int
    stdout: str
    stderr: str


def _sandbox_env(home: Path) -> dict[str, str]:
    """Minimal environment: no API keys or user config leak in, no non-essential traffic out."""
    return {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TERM": "dumb",
        "NO_COLOR": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_AUTOUPDATER": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
    }


def _run_sandboxed(
    command: list[str], home: Path, timeout: float, cwd: Path | None = None
) -> CliResult:
    """Run with stdin closed and kill the whole process group on timeout (claude spawns git)."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=_sandbox_env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        raise TimeoutError(
            f"{' '.join(command)} did not finish in {timeout:.0f} s\nstdout:\n{stdout[-2000:]}\n"
            f"stderr:\n{stderr[-2000:]}"
        ) from None
    return CliResult(process.returncode, stdout, stderr)


def install_claude_code(version: str = CLAUDE_CODE_VERSION, cache: Path | None = None) -> Path:
    """Return the ``claude`` binary of ``version``, npm-installing it into the cache once.

    The install runs postinstall scripts on purpose: they link the native binary, without which
    ``claude`` is a stub.  A file lock keeps parallel sessions from installing over each other.
    """
    cache = cache or default_tool_cache()
    prefix = cache / f"claude-code-{version}"
    binary = prefix / "node_modules" / ".bin" / "claude"
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".claude-code.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _claude_reports(binary, version):
            return binary
        ensure_apt_packages("nodejs", "npm")
        _check_node_version()
        shutil.rmtree(prefix, ignore_errors=True)  # a half-finished earlier install
        _run_or_raise(
            [
                "npm",
                "install",
                "--prefix",
                str(prefix),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                f"{CLAUDE_CODE_PACKAGE}@{version}",
            ],
            f"npm install {CLAUDE_CODE_PACKAGE}@{version}",
            timeout=600,
            env={**os.environ, "npm_config_update_notifier": "false"},
        )
        if not _claude_reports(binary, version):
            raise ServerStartError(
                f"{binary} was installed but `claude --version` does not report {version} "
                "(was the native binary linked by the postinstall script?)"
            )
    return binary


def _claude_reports(binary: Path, version: str) -> bool:
    if not binary.exists():
        return False
    with tempfile.TemporaryDirectory(prefix="agentport-claude-probe-") as home:
        try:
            result = _run_sandboxed([str(binary), "--version"], Path(home), timeout=60)
        except (OSError, TimeoutError):
            return False
    return result.rc == 0 and version in result.stdout


def _check_node_version() -> None:
    output = _run_or_raise(["node", "--version"], "node --version", timeout=30).strip()
    major = int(output.lstrip("v").split(".", 1)[0])
    if major < MINIMUM_NODE_MAJOR:
        raise ServerStartError(f"Claude Code needs Node >= {MINIMUM_NODE_MAJOR}, found {output}")


class ClaudeCli:
    """The real ``claude`` CLI, offline, with one private HOME per instance.

    Keeping one HOME per instance lets ``marketplace_add`` then ``plugin_install`` see each
    other; ``with_home`` gives a test its own isolated state on the same install.
    """

    def __init__(self, binary: Path, home: Path, timeout: float = 90.0) -> None:
        self.binary = binary
        self.home = home
        self.timeout = timeout
        home.mkdir(parents=True, exist_ok=True)

    def with_home(self, home: Path) -> ClaudeCli:
        return ClaudeCli(self.binary, home, self.timeout)

    @property
    def plugin_cache(self) -> Path:
        """Where ``plugin install`` copies plugins: ``cache/MARKET/PLUGIN/VERSION/``."""
        return self.home / ".claude" / "plugins" / "cache"

    def run(self, *args: str, cwd: Path | None = None, timeout: float | None = None) -> CliResult:
        return _run_sandboxed([str(self.binary), *args], self.home, timeout or self.timeout, cwd)

    def plugin_validate(self, path: Path | str) -> CliResult:
        return self.run("plugin", "validate", str(path))

    def marketplace_add(self, source: Path | str) -> CliResult:
        return self.run("plugin", "marketplace", "add", str(source))

    def plugin_install(self, spec: str) -> CliResult:
        return self.run("plugin", "install", spec)

    def plugin_list_json(self) -> CliResult:
        return self.run("plugin", "list", "--json")
