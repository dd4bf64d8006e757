"""Pushing agent bundles to OCI registries and pulling them into any dialect, via the oras SDK.

Any registry that speaks the OCI Distribution API will do. oras provides the HTTP session, the
auth backends and the blob upload protocol; agentport adds what it lacks:

* **Retries it can afford.** oras's own retry sleeps 3, 5, 11, 29 ... seconds; here every request
  is tried once by oras, and whole operations (one blob upload, one manifest) are retried on a
  5xx answer or a dropped connection with a short bounded backoff (:class:`RetryPolicy`).
* **Digest verification.** oras does not check what it downloads: every manifest and blob is
  checked against its sha256 and size before anything is used.
* **One-line errors** for 401, 403, 404, an unreachable host, a damaged blob, or an artifact
  that is not an agentport bundle (:class:`RegistryError`, whose ``problem`` names which).
* **Credentials** from flags, environment or Docker's file (:mod:`.credentials`); the auth
  scheme (Basic, or Bearer tokens from the registry's token service) is taken from the
  registry's own challenge, and oras's ``login()``, which writes Docker's file, is never used.

Plain HTTP is used for loopback registries (``localhost``, ``127.0.0.1``) and when asked;
everything else is HTTPS.
"""

from __future__ import annotations

import ipaddress
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import oras.auth
import oras.container
import oras.provider
import requests
from urllib3.exceptions import NewConnectionError

from .. import api
from .bundle import (
    CREATED,
    DESCRIPTION,
    MANIFEST_MEDIA_TYPE,
    REVISION,
    SOURCE,
    VERSION,
    Blob,
    Bundle,
    parse_manifest,
)
from .credentials import Credentials, resolve_credentials
from .errors import ConflictError, PublishError, RegistryError
from .install import InstallResult, place
from .layout import Placed, read_sources
from .lock import LockEntry
from .tree import sha256

MAX_BLOB_SIZE = 64 * 1024 * 1024
"""Agent bundles are small; a larger blob is refused before it is downloaded."""
_ACCEPTED_MANIFESTS = (
    MANIFEST_MEDIA_TYPE,
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
_Result = TypeVar("_Result")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry a failed operation: delays double, up to ``max_delay``."""

    attempts: int = 4
    first_delay: float = 0.25
    max_delay: float = 4.0

    def delays(self) -> Iterator[float]:
        delay = self.first_delay
        for _ in range(self.attempts - 1):
            yield delay
            delay = min(delay * 2, self.max_delay)


@dataclass(frozen=True)
class RegistryAccess:
    """How to talk to a registry: credentials (see :mod:`.credentials`), transport, retries."""

    username: str | None = None
    password: str | None = None
    token: str | None = None
    plain_http: bool | None = None
    """``None``: plain HTTP for loopback registries only."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float = 60.0
    """Seconds to wait for a connection or for the registry's answer."""

    def credentials(self, registry: str) -> Credentials:
        return resolve_credentials(registry, username=self.username, password=self.password, token=self.token)


@dataclass(frozen=True)
class Reference:
    """``registry/repository[:tag][@digest]``, e.g. ``ghcr.io/team/agents:1.2.0``."""

    registry: str
    repository: str
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, text: str) -> Reference:
        host = text.split("/", 1)[0]
        if "/" not in text or not ("." in host or ":" in host or host == "localhost"):
            raise PublishError(
                f"{text!r} names no registry: write it as HOST/REPOSITORY:TAG, e.g. ghcr.io/team/agents:1.0"
            )
        try:
            container = oras.container.Container(text)
        except ValueError:
            raise PublishError(f"{text!r} is not a registry reference: write it as HOST/REPOSITORY:TAG") from None
        if container.digest and not container.digest.startswith("sha256:"):
            raise PublishError(f"{text!r}: only sha256 digests are supported")
        repository = f"{container.namespace}/{container.repository}" if container.namespace else container.repository
        # oras fills in "latest" when no tag is written; a reference by digest alone has none.
        tag_written = ":" in text.rsplit("/", 1)[-1].split("@", 1)[0]
        tag = container.tag if tag_written or not container.digest else None
        return cls(container.registry, repository, tag, container.digest)

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.repository}"

    def __str__(self) -> str:
        return f"{self.name}{f':{self.tag}' if self.tag else ''}{f'@{self.digest}' if self.digest else ''}"

    def pinned(self, digest: str) -> Reference:
        return Reference(self.registry, self.repository, None, digest)


class _Transient(Exception):
    """A failure worth trying again: a 5xx answer or a connection lost mid-request."""

    def __init__(self, message: str, problem: Literal["server", "unreachable"]) -> None:
        super().__init__(message)
        self.problem = problem


class _Refused(Exception):
    """The registry said no (401, 403, or a 4xx to a write): reported by the caller, who knows
    what was being done."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _is_loopback(registry: str) -> bool:
    host = urlsplit(f"//{registry}").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _OrasRegistry(oras.provider.Registry):
    """oras's registry client with one request per call, a timeout, and our error mapping."""

    timeout: float = 60.0
    exchanges_tokens: bool = False

    def do_request(
        self,
        url: str,
        method: str = "GET",
        data: dict[str, Any] | bytes | None = None,
        headers: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        stream: bool = False,
    ) -> requests.Response:
        headers = dict(headers or {})
        if self.exchanges_tokens and isinstance(self.auth, oras.auth.TokenAuth) and self.auth.token:
            headers.update(self.auth.get_auth_header())
        response = self.request_once(method, url, data, json, headers)
        if response.status_code == 401 and self.exchanges_tokens:
            # A token is scoped to one repository and action: ask for a fresh one each time.
            headers, changed = self.auth.authenticate_request(response, headers, refresh=True)
            if changed:
                response = self.request_once(method, url, data, json, headers)
        if response.status_code >= 500:
            raise _Transient(f"{method} {_path(url)} answered {response.status_code} {response.reason}", "server")
        # oras reads a refused upload as a missing Location header: stop it before it does.
        if response.status_code in (401, 403) or (response.status_code >= 400 and method not in ("GET", "HEAD")):
            raise _Refused(response)
        return response

    def request_once(self, method: str, url: str, data: Any, json: Any, headers: dict[str, str]) -> requests.Response:
        try:
            return self.session.request(
                method, url, data=data, json=json, headers=headers, timeout=self.timeout, verify=self._tls_verify
            )
        except requests.exceptions.ConnectionError as error:
            if _refused(error):
                raise RegistryError(
                    "unreachable", f"cannot reach the registry {self.hostname}: {_reason(error)}"
                ) from None
            raise _Transient(f"{method} {_path(url)}: connection lost ({_reason(error)})", "unreachable") from None
        except (requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError) as error:
            raise _Transient(f"{method} {_path(url)}: {_reason(error)}", "unreachable") from None


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]


def _refused(error: BaseException) -> bool:
    """Whether the connection was never made (refused, no such host): retrying will not help."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (NewConnectionError, ConnectionRefusedError)):
            return True
        current = getattr(current, "reason", None) or current.__cause__ or current.__context__
    return False


def _reason(error: BaseException) -> str:
    text = str(error)
    for marker in (
        "Connection refused",
        "Name or service not known",
        "Connection reset",
        "Connection aborted",
        "timed out",
    ):
        if marker.lower() in text.lower():
            return marker.lower()
    return text.splitlines()[0][:160] if text else type(error).__name__


class RegistryClient:
    """One repository of one registry, spoken to through oras with our retries and checks."""

    def __init__(self, reference: Reference, access: RegistryAccess | None = None) -> None:
        self.reference = reference
        self.access = access or RegistryAccess()
        self.credentials = self.access.credentials(reference.registry)
        plain = self.access.plain_http if self.access.plain_http is not None else _is_loopback(reference.registry)
        self._client = _OrasRegistry(hostname=reference.registry, insecure=plain, auth_backend="basic")
        self._client.timeout = self.access.timeout
        self._container = self._client.get_container(reference.name)
        self._connected = False

    @property
    def _base(self) -> str:
        return f"{self._client.prefix}://{self.reference.registry}/v2/{self.reference.repository}"

    def _with_retries(self, what: str, operation: Callable[[], _Result]) -> _Result:
        """Run ``operation``, trying again after a 5xx or a lost connection, a bounded number of times."""
        delays = self.access.retry.delays()
        attempt = 0
        while True:
            attempt += 1
            try:
                return operation()
            except _Transient as error:
                delay = next(delays, None)
                if delay is None:
                    raise RegistryError(error.problem, f"{what} failed after {attempt} attempts: {error}") from None
                time.sleep(delay)

    def _request(
        self, what: str, operation: Callable[[], requests.Response], action: str, target: str
    ) -> requests.Response:
        """:meth:`_with_retries`, then every refusal turned into a one-line :class:`RegistryError`."""
        try:
            response = self._with_retries(what, operation)
        except _Refused as refused:
            response = refused.response
        return self._checked(response, action, target)

    def connect(self) -> None:
        """Ask ``/v2/`` how the registry authenticates, and set the credentials up for that."""
        if self._connected:
            return
        url = f"{self._client.prefix}://{self.reference.registry}/v2/"

        def probe() -> requests.Response:
            response = self._client.request_once("GET", url, None, None, {})
            if response.status_code >= 500:
                raise _Transient(f"GET /v2/ answered {response.status_code} {response.reason}", "server")
            return response

        response = self._with_retries(f"reaching {self.reference.registry}", probe)
        if response.status_code not in (200, 401):
            raise RegistryError(
                "not-found",
                f"{self.reference.registry} is not an OCI registry (GET /v2/ answered {response.status_code})",
            )
        challenge = response.headers.get("WWW-Authenticate", "")
        credentials = self.credentials
        if credentials.token:
            self._client.session.headers["Authorization"] = f"Bearer {credentials.token}"
        elif challenge.lower().startswith("bearer"):
            self._client.auth = oras.auth.get_auth_backend(
                "token", self._client.session, self._client.prefix == "http", tls_verify=self._client._tls_verify
            )
            if credentials.username is not None:
                self._client.auth.set_basic_auth(credentials.username, credentials.password or "")
            self._client.exchanges_tokens = True
        elif credentials.username is not None:
            self._client.session.auth = (credentials.username, credentials.password or "")
        self._connected = True

    def _checked(self, response: requests.Response, action: str, target: str) -> requests.Response:
        registry = self.reference.registry
        if response.status_code == 401:
            if self.credentials.anonymous:
                raise RegistryError(
                    "unauthorized",
                    f"{registry} requires credentials to {action} {target} (401): pass --username and "
                    "--password-stdin, set AGENTPORT_REGISTRY_USERNAME and AGENTPORT_REGISTRY_PASSWORD, "
                    "or log in with docker",
                )
            raise RegistryError(
                "unauthorized", f"{registry} rejected the credentials from {self.credentials.origin} (401 Unauthorized)"
            )
        if response.status_code == 403:
            who = self.credentials.username or "these credentials"
            raise RegistryError("forbidden", f"{registry} does not allow {who} to {action} {target} (403 Forbidden)")
        if response.status_code == 404:
            raise RegistryError("not-found", f"{target} was not found on {registry} (404)")
        if response.status_code >= 400:
            raise RegistryError("server", f"{registry} refused to {action} {target}: {_registry_message(response)}")
        return response

    # --- reading ---------------------------------------------------------------------------

    def manifest(self, reference: str | None = None) -> tuple[bytes, str]:
        """The manifest at a tag or digest (default: the client's reference) and its digest."""
        self.connect()
        wanted = reference or self.reference.digest or self.reference.tag or "latest"
        url = f"{self._base}/manifests/{wanted}"
        headers = {"Accept": ", ".join(_ACCEPTED_MANIFESTS)}
        shown = f"{self.reference.name}{'@' if wanted.startswith('sha256:') else ':'}{wanted}"
        response = self._request(
            f"fetching {shown}", lambda: self._client.do_request(url, "GET", headers=headers), "pull", shown
        )
        data = response.content
        digest = sha256(data)
        claimed = wanted if wanted.startswith("sha256:") else response.headers.get("Docker-Content-Digest")
        if claimed and claimed != digest:
            raise RegistryError(
                "digest-mismatch", f"the manifest of {shown} does not match its digest {claimed}; refused"
            )
        return data, digest

    def manifest_or_none(self, tag: str) -> tuple[bytes, str] | None:
        try:
            return self.manifest(tag)
        except RegistryError as error:
            if error.problem == "not-found":
                return None
            raise

    def blob(self, descriptor: Mapping[str, Any]) -> bytes:
        """A blob's bytes, verified against the descriptor's digest and size."""
        digest, size = str(descriptor.get("digest", "")), descriptor.get("size")
        if not digest.startswith("sha256:") or not isinstance(size, int) or size < 0:
            raise RegistryError("not-agentport", f"{self.reference} lists a blob without a sha256 digest and size")
        if size > MAX_BLOB_SIZE:
            raise RegistryError(
                "not-agentport", f"{self.reference} lists a {size}-byte blob; agent bundles are far smaller"
            )
        self.connect()
        response = self._request(
            f"fetching blob {digest[:19]}...",
            lambda: self._client.get_blob(self._container, digest),
            "pull",
            f"blob {digest} of {self.reference.name}",
        )
        data = response.content
        if len(data) != size or sha256(data) != digest:
            raise RegistryError(
                "digest-mismatch",
                f"blob {digest[:19]}... of {self.reference} arrived with other content "
                f"(sha256 {sha256(data)[7:19]}...); refused, nothing was installed",
            )
        return data

    # --- writing ---------------------------------------------------------------------------

    def push_blob(self, blob: Blob) -> None:
        """Upload one blob (skipped by oras when the registry has it already)."""
        self.connect()
        layer = {"digest": blob.digest, "size": len(blob.data), "mediaType": blob.media_type}
        with tempfile.TemporaryDirectory(prefix="agentport-push-") as scratch:
            path = Path(scratch) / "blob"
            path.write_bytes(blob.data)
            self._request(
                f"uploading blob {blob.digest[:19]}...",
                lambda: self._client.upload_blob(str(path), self._container, layer),
                "push to",
                self.reference.name,
            )

    def push_manifest(self, manifest: bytes, tag: str) -> str:
        self.connect()
        url = f"{self._base}/manifests/{tag}"
        headers = {"Content-Type": MANIFEST_MEDIA_TYPE}
        self._request(
            f"pushing the manifest of {self.reference}",
            lambda: self._client.do_request(url, "PUT", data=manifest, headers=headers),
            "push to",
            self.reference.name,
        )
        return sha256(manifest)


def _registry_message(response: requests.Response) -> str:
    try:
        errors = response.json().get("errors") or []
        return "; ".join(f"{error.get('code')}: {error.get('message')}" for error in errors) or response.reason
    except ValueError:
        return f"{response.status_code} {response.reason}"


# --- push ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PushResult:
    status: Literal["pushed", "unchanged"]
    reference: str
    digest: str
    bundle: Bundle
    placed: tuple[Placed, ...] = ()
    dry_run: bool = False


def default_annotations(
    sources: Iterable[Path], *, version: str | None, source: str | None, revision: str | None, description: str | None
) -> dict[str, str]:
    """``org.opencontainers.image.*`` annotations; source and revision default to git's view
    of the first source folder, and ``created`` honours ``SOURCE_DATE_EPOCH``."""
    first = next(iter(sources), Path("."))
    folder = first if first.is_dir() else first.parent
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    annotations = {
        CREATED: moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        VERSION: version,
        SOURCE: source or _git_output(folder, "config", "--get", "remote.origin.url"),
        REVISION: revision or _git_output(folder, "rev-parse", "HEAD"),
        DESCRIPTION: description,
    }
    return {key: value for key, value in annotations.items() if value}


def _git_output(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def push(
    reference: str,
    sources: Iterable[Path],
    *,
    read: str | None = None,
    version: str | None = None,
    source: str | None = None,
    revision: str | None = None,
    description: str | None = None,
    access: RegistryAccess | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> PushResult:
    """Push the agent files under ``sources`` as a bundle to ``reference`` (``HOST/REPO:TAG``).

    A tag that already holds the same agents is left alone (``unchanged``); one that holds a
    different bundle, or anything else, is replaced only with ``force``.
    """
    target = Reference.parse(reference)
    if target.digest or target.tag is None:
        raise PublishError(f"{reference}: push to a tag (HOST/REPO:TAG), not a digest")
    sources = list(sources)
    files = read_sources(sources, read)
    tag_version = None if target.tag == "latest" else target.tag
    annotations = default_annotations(
        sources, version=version or tag_version, source=source, revision=revision, description=description
    )
    bundle = Bundle.from_sources(files, annotations)
    placed = tuple(
        Placed(agent.name, file.path, file.path, file.diagnostics) for file in files for agent in file.agents
    )
    client = RegistryClient(target, access)
    existing = client.manifest_or_none(target.tag)
    if existing is not None:
        try:
            current = parse_manifest(existing[0], str(target))
        except RegistryError as error:
            if not force:
                raise ConflictError(f"{error}, and pushing would replace it (use --force to do so)") from None
        else:
            digests = (current["config"].get("digest"), *(layer.get("digest") for layer in current["layers"]))
            if digests == bundle.content_digests():
                return PushResult("unchanged", str(target), existing[1], bundle, placed, dry_run)
            if not force:
                published = (current.get("annotations") or {}).get(VERSION)
                raise ConflictError(
                    f"{target} already holds a different bundle{f' (version {published})' if published else ''}: "
                    "push to a new tag, or use --force to replace it"
                )
    manifest = bundle.manifest()
    if dry_run:
        return PushResult("pushed", str(target), sha256(manifest), bundle, placed, True)
    for blob in (bundle.config(), *bundle.layers()):
        client.push_blob(blob)
    digest = client.push_manifest(manifest, target.tag)
    return PushResult("pushed", str(target), digest, bundle, placed)


# --- pull ------------------------------------------------------------------------------------


def fetch_bundle(reference: str, access: RegistryAccess | None = None) -> tuple[Bundle, str]:
    """The bundle at ``reference`` (tag or digest) and its manifest digest, every blob verified."""
    target = Reference.parse(reference)
    client = RegistryClient(target, access)
    manifest, digest = client.manifest()
    return Bundle.parse(manifest, client.blob, str(target)), digest


def resolve_digest(reference: str, access: RegistryAccess | None = None) -> str:
    """The manifest digest ``reference`` names now (after checking it is an agentport bundle)."""
    target = Reference.parse(reference)
    manifest, digest = RegistryClient(target, access).manifest()
    parse_manifest(manifest, str(target))
    return digest


def pull(
    reference: str,
    dialect: str,
    root: Path = Path("."),
    *,
    access: RegistryAccess | None = None,
    force: bool = False,
    dry_run: bool = False,
    locked: LockEntry | None = None,
) -> InstallResult:
    """Install the bundle at ``reference`` into ``dialect``'s layout under ``root``, with a lock entry.

    Everything is downloaded and verified before anything is written; with ``locked`` the
    exact manifest digest it records is fetched.
    """
    target = Reference.parse(reference)
    fetch_from = str(target.pinned(locked.revision)) if locked is not None and locked.revision else reference
    bundle, digest = fetch_bundle(fetch_from, access)
    entry = LockEntry(
        kind="oci",
        source=str(target),
        dialect=api.get_dialect(dialect).name,
        revision=digest,
        files=(),
        version=bundle.annotations.get(VERSION),
    )
    origin_digests = {file.path: sha256(file.data) for file in bundle.files}
    return place(root, bundle.agents(), origin_digests, entry, force=force, dry_run=dry_run)
