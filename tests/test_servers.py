"""Self-tests of the loopback servers in tests/support: each fixture must really work before a
publishing test may trust it (a fault proxy that never injects a fault would make every
resilience test pass vacuously)."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import oras.client
import pytest
from support.servers import (
    BLOB_GET,
    ClaudeCli,
    FaultProxy,
    GitHttpServer,
    OciRegistry,
    matching,
)

MEDIA_TYPE = "application/vnd.agentport.selftest.v1+markdown"


# --------------------------------------------------------------------------------------------
# helpers


class Reply:
    """Status, headers and body of one raw HTTP exchange."""

    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.location = response.getheader("Location", "")
        self.body = response.read()


def _request(
    host: str,
    method: str,
    target: str,
    registry: OciRegistry,
    body: bytes | Iterator[bytes] | None = None,
    chunked: bool = False,
) -> Reply:
    """One request on a fresh connection; ``target`` may be a path or an absolute URL on host."""
    parts = urlsplit(target)
    path = f"{parts.path}?{parts.query}" if parts.query else parts.path
    hostname, _, port = host.rpartition(":")
    connection = http.client.HTTPConnection(hostname, int(port), timeout=30)
    try:
        headers = {
            "Authorization": registry.authorization,
            "Content-Type": "application/octet-stream",
        }
        connection.request(method, path, body=body, headers=headers, encode_chunked=chunked)
        return Reply(connection.getresponse())
    finally:
        connection.close()


def _with_digest(url: str, digest: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'digest': digest})}"


def _sha256(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def _start_upload(host: str, registry: OciRegistry, repository: str) -> str:
    reply = _request(host, "POST", f"/v2/{repository}/blobs/uploads/", registry)
    assert reply.status == 202, reply.body
    return reply.location


def _oras_client(
    registry: OciRegistry, host: str, password: str | None = None
) -> oras.client.OrasClient:
    client = oras.client.OrasClient(hostname=host, insecure=True, auth_backend="basic")
    client.auth.set_basic_auth(
        registry.username, registry.password if password is None else password
    )
    return client


def _git(cwd: Path, *args: str) -> str:
    """git isolated from the developer's config, never prompting, with a fixed identity."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(cwd),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_AUTHOR_NAME": "agentport tests",
        "GIT_AUTHOR_EMAIL": "tests@agentport.invalid",
        "GIT_COMMITTER_NAME": "agentport tests",
        "GIT_COMMITTER_EMAIL": "tests@agentport.invalid",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _publish_tree(git_server: GitHttpServer, name: str, tree: Path) -> str:
    """Commit ``tree`` and push it to a new bare repository; return its URL."""
    git_server.create_bare(name)
    url = git_server.url_for(name)
    _git(tree, "init", "--quiet", "--initial-branch=main")
    _git(tree, "add", "--all")
    _git(tree, "commit", "--quiet", "-m", "publish")
    _git(tree, "push", "--quiet", url, "HEAD:main")
    return url


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


AGENT_MD = (
    "---\nname: x\ndescription: Reviews code for agentport's self-test.\n---\n\nReview the diff.\n"
)


def _write_plugin(root: Path, version: str = "0.1.0") -> None:
    _write(
        root / ".claude-plugin" / "plugin.json",
        json.dumps({"name": "x", "version": version, "description": "agentport self-test plugin"}),
    )
    _write(root / "agents" / "x.md", AGENT_MD)


# --------------------------------------------------------------------------------------------
# OCI registry


def test_oras_push_pull_round_trip(
    oci_registry: OciRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # oras wants file paths relative to the current folder
    Path("agent.md").write_text(AGENT_MD)
    client = _oras_client(oci_registry, oci_registry.host)
    target = f"{oci_registry.host}/agentport/selftest:1"

    pushed = client.push(
        target=target,
        files=[f"agent.md:{MEDIA_TYPE}"],
        manifest_annotations={"org.agentport.kind": "selftest"},
    )
    pulled = client.pull(target=target, outdir="out")

    assert pushed.status_code == 201
    assert [Path(path).read_text() for path in pulled] == [AGENT_MD]
    manifest = client.get_manifest(target)
    assert manifest["annotations"] == {"org.agentport.kind": "selftest"}
    assert manifest["layers"][0]["mediaType"] == MEDIA_TYPE


def test_wrong_password_is_unauthorized(
    oci_registry: OciRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("agent.md").write_text(AGENT_MD)
    client = _oras_client(oci_registry, oci_registry.host, password="not-the-password")

    with pytest.raises(ValueError, match="UNAUTHORIZED"):
        client.push(
            target=f"{oci_registry.host}/agentport/denied:1", files=[f"agent.md:{MEDIA_TYPE}"]
        )


# --------------------------------------------------------------------------------------------
# Fault proxy


def test_proxy_answers_500_twice_then_passes_through(
    oci_registry: OciRegistry, fault_proxy: Callable[[str], FaultProxy]
) -> None:
    proxy = fault_proxy(oci_registry.host)
    ping = matching("GET", r"^/v2/$")
    proxy.fail_with_status(times=2, when=ping)

    statuses = [_request(proxy.host, "GET", "/v2/", oci_registry).status for _ in range(3)]

    assert statuses == [500, 500, 200]
    assert proxy.count(ping) == 3
    assert proxy.count(ping, action="status") == 2
    assert proxy.count(ping, action="forwarded") == 1


def test_proxy_drops_an_upload_then_streams_a_chunked_one(
    oci_registry: OciRegistry, fault_proxy: Callable[[str], FaultProxy]
) -> None:
    proxy = fault_proxy(oci_registry.host)
    upload_put = matching("PUT", r"/blobs/uploads/")
    proxy.drop_connection(times=1, when=upload_put)
    data = os.urandom(300_000)
    digest = _sha256(data)
    repository = "agentport/dropped"

    first = _start_upload(proxy.host, oci_registry, repository)
    assert first.startswith(f"{proxy.url}/v2/{repository}/blobs/uploads/")  # Location rewritten
    with pytest.raises(ConnectionError):
        _request(proxy.host, "PUT", _with_digest(first, digest), oci_registry, body=data)
    assert proxy.count(upload_put, action="dropped") == 1

    session = _start_upload(proxy.host, oci_registry, repository)
    pieces = iter([data[:100_000], data[100_000:250_000], data[250_000:]])
    patched = _request(proxy.host, "PATCH", session, oci_registry, body=pieces, chunked=True)
    assert patched.status == 202, patched.body
    assert patched.location.startswith(proxy.url)
    closed = _request(
        proxy.host, "PUT", _with_digest(patched.location, digest), oci_registry, body=b""
    )
    assert closed.status == 201, closed.body

    stored = _request(oci_registry.host, "GET", f"/v2/{repository}/blobs/{digest}", oci_registry)
    assert stored.body == data


def test_proxy_tampers_a_blob_get(
    oci_registry: OciRegistry, fault_proxy: Callable[[str], FaultProxy]
) -> None:
    data = b"agent bundle layer\n" * 100
    digest = _sha256(data)
    repository = "agentport/tampered"
    session = _start_upload(oci_registry.host, oci_registry, repository)
    upload = _request(
        oci_registry.host, "PUT", _with_digest(session, digest), oci_registry, body=data
    )
    assert upload.status == 201, upload.body
    proxy = fault_proxy(oci_registry.host)
    proxy.tamper_body(times=1)

    tampered = _request(proxy.host, "GET", f"/v2/{repository}/blobs/{digest}", oci_registry).body
    intact = _request(proxy.host, "GET", f"/v2/{repository}/blobs/{digest}", oci_registry).body

    assert len(tampered) == len(data) and tampered != data
    assert _sha256(tampered) != digest
    assert intact == data
    assert proxy.count(BLOB_GET, action="tampered") == 1


def test_oras_works_through_the_proxy(
    oci_registry: OciRegistry,
    fault_proxy: Callable[[str], FaultProxy],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("agent.md").write_text(AGENT_MD)
    proxy = fault_proxy(oci_registry.host)
    client = _oras_client(oci_registry, proxy.host)
    target = f"{proxy.host}/agentport/proxied:1"

    client.push(target=target, files=[f"agent.md:{MEDIA_TYPE}"])
    pulled = client.pull(target=target, outdir="out")

    assert [Path(path).read_text() for path in pulled] == [AGENT_MD]
    assert proxy.count(matching("PUT", r"/blobs/uploads/"), action="forwarded") >= 1
    assert {request.action for request in proxy.seen} == {"forwarded"}


# --------------------------------------------------------------------------------------------
# git over smart HTTP


def test_git_push_and_clone_round_trip(git_server: GitHttpServer, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    _write(tree / "README.md", "hello\n")
    # Larger than git's 1 MiB http.postBuffer, so the push arrives as a chunked request body.
    (tree / "blob.bin").write_bytes(os.urandom(2 * 1024 * 1024))
    url = _publish_tree(git_server, "roundtrip", tree)

    _git(tmp_path, "clone", "--quiet", url, "copy")

    for name in ("README.md", "blob.bin"):
        assert (tmp_path / "copy" / name).read_bytes() == (tree / name).read_bytes()


# --------------------------------------------------------------------------------------------
# Claude Code CLI


def test_claude_validates_a_hand_written_plugin(claude_cli: ClaudeCli, tmp_path: Path) -> None:
    _write_plugin(tmp_path / "x")

    rc, stdout, stderr = claude_cli.plugin_validate(tmp_path / "x")

    assert rc == 0, stdout + stderr
    assert "Validation passed" in stdout


def test_claude_installs_a_plugin_from_a_git_marketplace(
    claude_cli: ClaudeCli, git_server: GitHttpServer, tmp_path: Path
) -> None:
    tree = tmp_path / "market"
    marketplace = {
        "name": "market",
        "owner": {"name": "agentport tests"},
        "metadata": {"description": "agentport self-test marketplace"},
        "plugins": [
            {"name": "x", "source": "./plugins/x", "description": "agentport self-test plugin"}
        ],
    }
    _write(tree / ".claude-plugin" / "marketplace.json", json.dumps(marketplace, indent=2))
    _write_plugin(tree / "plugins" / "x")
    claude = claude_cli.with_home(tmp_path / "home")
    validated = claude.plugin_validate(tree)
    assert validated.rc == 0, validated.stdout + validated.stderr
    url = _publish_tree(git_server, "market", tree)

    added = claude.marketplace_add(url)
    assert added.rc == 0, added.stdout + added.stderr
    installed = claude.plugin_install("x@market")
    assert installed.rc == 0, installed.stdout + installed.stderr

    agents = list((claude.plugin_cache / "market" / "x").glob("*/agents/x.md"))
    assert [agent.read_bytes() for agent in agents] == [AGENT_MD.encode()]
    listed = claude.plugin_list_json()
    assert listed.rc == 0, listed.stderr
    assert "x@market" in {plugin.get("id") for plugin in json.loads(listed.stdout)}
