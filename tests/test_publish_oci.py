"""``agentport push`` and ``pull`` against a real registry, and through a proxy that fails on cue."""

from __future__ import annotations

import base64
import json
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import oras.client
import pytest
import requests
from support.servers import BLOB_GET, FaultProxy, OciRegistry, matching

from agentport import api, serialize
from agentport.publish import bundle
from agentport.publish.credentials import Credentials, resolve_credentials
from agentport.publish.errors import PublishError, RegistryError
from agentport.publish.install import check_lock
from agentport.publish.lock import LOCK_FILE
from agentport.publish.oci import RegistryAccess, RetryPolicy, fetch_bundle, pull, push
from agentport.publish.tree import read_tree
from publishing import CLAUDE_AGENTS, agents_folder, run_cli

UPLOAD_PUT = matching("PUT", r"/blobs/uploads/")


@pytest.fixture(autouse=True)
def no_ambient_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Credentials come only from what each test sets up: an empty Docker folder, no variables."""
    docker = tmp_path / "docker"
    docker.mkdir()
    monkeypatch.setenv("DOCKER_CONFIG", str(docker))
    for name in ("AGENTPORT_REGISTRY_USERNAME", "AGENTPORT_REGISTRY_PASSWORD", "AGENTPORT_REGISTRY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return docker


def access(registry: OciRegistry, password: str | None = None) -> RegistryAccess:
    return RegistryAccess(username=registry.username, password=password or registry.password)


def login_flags(registry: OciRegistry) -> tuple[str, ...]:
    return ("-u", registry.username, "--password-stdin")


def manifest_of(registry: OciRegistry, repository: str, tag: str) -> requests.Response:
    return requests.get(
        f"{registry.url}/v2/{repository}/manifests/{tag}",
        headers={"Authorization": registry.authorization, "Accept": bundle.MANIFEST_MEDIA_TYPE},
        timeout=30,
    )


def test_push_then_pull_gives_the_same_bytes_and_neutral_models(
    oci_registry: OciRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = f"{oci_registry.host}/team/agents:1.0.0"
    code, _, err = run_cli(
        capsys, "push", reference, str(CLAUDE_AGENTS), *login_flags(oci_registry), stdin=f"{oci_registry.password}\n"
    )
    assert code == 0, err
    assert f"pushed 3 agents to {reference} (sha256:" in err

    same = tmp_path / "same"
    code, _, err = run_cli(
        capsys, "pull", reference, "--to", "claude", str(same), *login_flags(oci_registry), stdin=oci_registry.password
    )
    assert code == 0, err
    for source in CLAUDE_AGENTS.iterdir():
        assert (same / ".claude" / "agents" / source.name).read_bytes() == source.read_bytes()

    pulled, _ = fetch_bundle(reference, access(oci_registry))
    for model in pulled.models:
        agent = api.load(same / model["file"], "claude")
        expected = serialize.agent_to_json(agent)
        expected["source"]["path"] = model["file"]
        assert model["agent"] == expected

    other = tmp_path / "other"
    code, _, err = run_cli(
        capsys,
        "pull",
        reference,
        "--to",
        "opencode",
        str(other),
        *login_flags(oci_registry),
        stdin=oci_registry.password,
    )
    assert code == 0, err
    for source in CLAUDE_AGENTS.iterdir():
        converted = api.convert(api.read_text(source), "claude", "opencode", path=source).text
        assert (other / ".opencode" / "agents" / source.name).read_bytes() == converted.encode()


def test_the_manifest_uses_our_media_types_and_oci_annotations(oci_registry: OciRegistry, tmp_path: Path) -> None:
    push(
        f"{oci_registry.host}/team/annotated:2.1.0",
        [CLAUDE_AGENTS],
        access=access(oci_registry),
        source="https://git.example.com/team/agents",
        revision="0123abc",
    )

    manifest = manifest_of(oci_registry, "team/annotated", "2.1.0").json()

    assert manifest["artifactType"] == "application/vnd.agentport.bundle.v1+json"
    assert manifest["config"]["mediaType"] == "application/vnd.agentport.config.v1+json"
    assert [layer["mediaType"] for layer in manifest["layers"]] == [
        "application/vnd.agentport.agents.v1+json",
        *["application/vnd.agentport.file.v1"] * 3,
    ]
    assert manifest["layers"][1]["annotations"] == {
        "org.opencontainers.image.title": ".claude/agents/code-reviewer.md",
        "org.agentport.dialect": "claude",
    }
    annotations = manifest["annotations"]
    assert annotations["org.opencontainers.image.version"] == "2.1.0"
    assert annotations["org.opencontainers.image.source"] == "https://git.example.com/team/agents"
    assert annotations["org.opencontainers.image.revision"] == "0123abc"
    assert time.strptime(annotations["org.opencontainers.image.created"], "%Y-%m-%dT%H:%M:%SZ")


def test_credentials_from_the_environment(
    oci_registry: OciRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTPORT_REGISTRY_USERNAME", oci_registry.username)
    monkeypatch.setenv("AGENTPORT_REGISTRY_PASSWORD", oci_registry.password)
    reference = f"{oci_registry.host}/team/from-env:1"

    assert run_cli(capsys, "push", reference, str(CLAUDE_AGENTS))[0] == 0
    code, _, err = run_cli(capsys, "pull", reference, "--to", "claude", str(tmp_path / "p"))

    assert code == 0, err
    assert len(list((tmp_path / "p" / ".claude" / "agents").iterdir())) == 3


def test_credentials_from_the_docker_file_which_is_never_written(
    oci_registry: OciRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str], no_ambient_credentials: Path
) -> None:
    config = no_ambient_credentials / "config.json"
    auth = base64.b64encode(f"{oci_registry.username}:{oci_registry.password}".encode()).decode()
    config.write_text(json.dumps({"auths": {oci_registry.host: {"auth": auth}}}))
    os.utime(config, (1_000_000_000, 1_000_000_000))
    before = config.read_bytes()
    reference = f"{oci_registry.host}/team/from-docker:1"

    assert run_cli(capsys, "push", reference, str(CLAUDE_AGENTS))[0] == 0
    code, _, err = run_cli(capsys, "pull", reference, "--to", "claude", str(tmp_path / "p"))

    assert code == 0, err
    assert config.read_bytes() == before and config.stat().st_mtime == 1_000_000_000
    assert sorted(path.name for path in no_ambient_credentials.iterdir()) == ["config.json"]


def test_credentials_from_a_docker_credential_helper(
    oci_registry: OciRegistry, tmp_path: Path, no_ambient_credentials: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    helpers = tmp_path / "bin"
    helpers.mkdir()
    helper = helpers / "docker-credential-agentport-test"
    answer = json.dumps(
        {"ServerURL": oci_registry.host, "Username": oci_registry.username, "Secret": oci_registry.password}
    )
    helper.write_text(
        f'#!/bin/sh\nread registry\n[ "$registry" = "{oci_registry.host}" ] || exit 1\necho \'{answer}\'\n'
    )
    helper.chmod(helper.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{helpers}{os.pathsep}{os.environ['PATH']}")
    (no_ambient_credentials / "config.json").write_text(json.dumps({"credsStore": "agentport-test"}))

    result = push(f"{oci_registry.host}/team/from-helper:1", [CLAUDE_AGENTS])

    assert result.status == "pushed"


def test_credentials_come_from_flags_then_environment_then_docker(
    no_ambient_credentials: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = no_ambient_credentials / "config.json"
    auths = {"https://r.example": {"registrytoken": "t0k"}, "other.example": {"username": "u", "password": "p"}}
    config.write_text(json.dumps({"auths": auths}))

    assert resolve_credentials("r.example") == Credentials(token="t0k", origin=f"{config} (https://r.example)")
    assert resolve_credentials("other.example") == Credentials("u", "p", origin=f"{config} (other.example)")
    assert resolve_credentials("third.example").anonymous

    monkeypatch.setenv("AGENTPORT_REGISTRY_USERNAME", "env-user")
    monkeypatch.setenv("AGENTPORT_REGISTRY_PASSWORD", "env-password")
    assert resolve_credentials("r.example") == Credentials(
        "env-user", "env-password", origin="AGENTPORT_REGISTRY_USERNAME/AGENTPORT_REGISTRY_PASSWORD"
    )
    assert resolve_credentials("r.example", token="flag-token").token == "flag-token"
    with pytest.raises(PublishError, match="give both the user name and the password"):
        resolve_credentials("r.example", username="flag-user")


def test_pushing_the_same_agents_again_changes_nothing_and_other_agents_need_force(
    oci_registry: OciRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = f"{oci_registry.host}/team/versions:1.0.0"
    first = push(reference, [CLAUDE_AGENTS], access=access(oci_registry))
    again = push(reference, [CLAUDE_AGENTS], access=access(oci_registry))
    assert (again.status, again.digest) == ("unchanged", first.digest)

    other = agents_folder(tmp_path, reviewer="Review the diff.")
    code, _, err = run_cli(
        capsys, "push", reference, str(other), *login_flags(oci_registry), stdin=oci_registry.password
    )
    assert code == 1
    assert err.strip() == (
        f"Error: {reference} already holds a different bundle (version 1.0.0): "
        "push to a new tag, or use --force to replace it"
    )
    assert manifest_of(oci_registry, "team/versions", "1.0.0").headers["Docker-Content-Digest"] == first.digest

    replaced = push(reference, [other], access=access(oci_registry), force=True)
    assert replaced.status == "pushed" and replaced.digest != first.digest


def test_a_pull_is_reproduced_from_the_lock_by_digest(
    oci_registry: OciRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = f"{oci_registry.host}/team/locked:stable"
    first = push(reference, [CLAUDE_AGENTS], access=access(oci_registry))
    project = tmp_path / "project"
    pull(reference, "opencode", project, access=access(oci_registry))
    installed = read_tree(project)
    assert json.loads((project / LOCK_FILE).read_text())["installs"][0]["revision"] == first.digest

    push(reference, [agents_folder(tmp_path, reviewer="Review.")], access=access(oci_registry), force=True)
    [outdated] = check_lock(project, upstream=True, access=access(oci_registry))
    assert outdated.kind == "outdated"

    (project / ".opencode" / "agents" / "test-writer.md").unlink()
    code, _, err = run_cli(capsys, "install", str(project), *login_flags(oci_registry), stdin=oci_registry.password)
    assert code == 0, err
    assert read_tree(project) == installed


def test_pull_refuses_an_artifact_that_is_not_an_agentport_bundle(
    oci_registry: OciRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("notes.md").write_text("not an agent bundle\n")
    client = oras.client.OrasClient(hostname=oci_registry.host, insecure=True, auth_backend="basic")
    client.auth.set_basic_auth(oci_registry.username, oci_registry.password)
    client.push(target=f"{oci_registry.host}/team/other:1", files=["notes.md:text/markdown"])

    code, _, err = run_cli(
        capsys,
        "pull",
        f"{oci_registry.host}/team/other:1",
        "--to",
        "claude",
        "p",
        *login_flags(oci_registry),
        stdin=oci_registry.password,
    )

    assert code == 1
    assert err.strip() == (
        f"Error: {oci_registry.host}/team/other:1 is not an agentport bundle: "
        "its type is application/vnd.unknown.config.v1+json"
    )
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("{host}/team/missing:1", "Error: {host}/team/missing:1 was not found on {host} (404)"),
        ("127.0.0.1:9/team/agents:1", "Error: cannot reach the registry 127.0.0.1:9: connection refused"),
        (
            "agents:1",
            "Error: 'agents:1' names no registry: write it as HOST/REPOSITORY:TAG, e.g. ghcr.io/team/agents:1.0",
        ),
    ],
)
def test_pull_errors_are_one_clear_line(
    oci_registry: OciRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str], reference: str, message: str
) -> None:
    code, _, err = run_cli(
        capsys,
        "pull",
        reference.format(host=oci_registry.host),
        "--to",
        "claude",
        str(tmp_path / "p"),
        *login_flags(oci_registry),
        stdin=oci_registry.password,
    )

    assert code == 1
    assert err.strip() == message.format(host=oci_registry.host)
    assert not (tmp_path / "p").exists()


# --------------------------------------------------------------------------------------------
# Faults


def test_wrong_credentials_are_one_clear_line(oci_registry: OciRegistry, capsys: pytest.CaptureFixture[str]) -> None:
    reference = f"{oci_registry.host}/team/denied:1"
    code, _, err = run_cli(capsys, "push", reference, str(CLAUDE_AGENTS), *login_flags(oci_registry), stdin="wrong\n")
    assert code == 1
    assert (
        err.strip()
        == f"Error: {oci_registry.host} rejected the credentials from --username/--password (401 Unauthorized)"
    )

    code, _, err = run_cli(capsys, "push", reference, str(CLAUDE_AGENTS))
    assert code == 1
    assert err.startswith(f"Error: {oci_registry.host} requires credentials to pull {reference} (401): pass --username")


def test_forbidden_is_one_clear_line(
    oci_registry: OciRegistry, fault_proxy: Callable[[str], FaultProxy], capsys: pytest.CaptureFixture[str]
) -> None:
    proxy = fault_proxy(oci_registry.host)
    proxy.fail_with_status(times=10, when=matching("POST"), status=403)
    reference = f"{proxy.host}/team/read-only:1"

    code, _, err = run_cli(
        capsys, "push", reference, str(CLAUDE_AGENTS), *login_flags(oci_registry), stdin=oci_registry.password
    )

    assert code == 1
    assert (
        err.strip()
        == f"Error: {proxy.host} does not allow agentport to push to {proxy.host}/team/read-only (403 Forbidden)"
    )


def test_registry_errors_twice_then_succeeds_and_the_push_goes_through(
    oci_registry: OciRegistry, fault_proxy: Callable[[str], FaultProxy], tmp_path: Path
) -> None:
    proxy = fault_proxy(oci_registry.host)
    proxy.fail_with_status(times=2, when=UPLOAD_PUT, status=500)
    reference = f"{proxy.host}/team/flaky:1"

    started = time.monotonic()
    result = push(reference, [CLAUDE_AGENTS], access=access(oci_registry))
    elapsed = time.monotonic() - started

    assert result.status == "pushed"
    assert proxy.count(UPLOAD_PUT, action="status") == 2
    assert elapsed < 3, f"our backoff is bounded; oras's own would sleep 8 s here (took {elapsed:.1f} s)"
    pull(reference, "claude", tmp_path / "p", access=access(oci_registry))
    assert (tmp_path / "p" / ".claude" / "agents" / "code-reviewer.md").read_bytes() == (
        CLAUDE_AGENTS / "code-reviewer.md"
    ).read_bytes()


def test_a_connection_dropped_mid_upload_is_retried(
    oci_registry: OciRegistry, fault_proxy: Callable[[str], FaultProxy]
) -> None:
    proxy = fault_proxy(oci_registry.host)
    proxy.drop_connection(times=1, when=UPLOAD_PUT)

    result = push(f"{proxy.host}/team/dropped-once:1", [CLAUDE_AGENTS], access=access(oci_registry))

    assert result.status == "pushed"
    assert proxy.count(UPLOAD_PUT, action="dropped") == 1
    assert manifest_of(oci_registry, "team/dropped-once", "1").status_code == 200


def test_connections_dropped_every_time_fail_cleanly(
    oci_registry: OciRegistry, fault_proxy: Callable[[str], FaultProxy], tmp_path: Path
) -> None:
    proxy = fault_proxy(oci_registry.host)
    proxy.drop_connection(times=100, when=UPLOAD_PUT)
    quick = RegistryAccess(oci_registry.username, oci_registry.password, retry=RetryPolicy(first_delay=0.05))

    with pytest.raises(RegistryError) as raised:
        push(f"{proxy.host}/team/dropped:1", [CLAUDE_AGENTS], access=quick)

    assert raised.value.problem == "unreachable"
    assert "failed after 4 attempts" in str(raised.value) and "connection lost" in str(raised.value)
    assert proxy.count(UPLOAD_PUT, action="dropped") == 4
    assert manifest_of(oci_registry, "team/dropped", "1").status_code == 404  # no half-pushed tag

    push(f"{oci_registry.host}/team/dropped:1", [CLAUDE_AGENTS], access=access(oci_registry))
    proxy.clear_faults()
    proxy.drop_connection(times=100, when=BLOB_GET)
    with pytest.raises(RegistryError):
        pull(f"{proxy.host}/team/dropped:1", "claude", tmp_path / "p", access=quick)
    assert not (tmp_path / "p").exists()


def test_a_tampered_blob_is_refused_and_nothing_is_installed(
    oci_registry: OciRegistry,
    fault_proxy: Callable[[str], FaultProxy],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    push(f"{oci_registry.host}/team/tampered:1", [CLAUDE_AGENTS], access=access(oci_registry))
    proxy = fault_proxy(oci_registry.host)
    proxy.tamper_body(times=1)
    project = tmp_path / "project"

    code, _, err = run_cli(
        capsys,
        "pull",
        f"{proxy.host}/team/tampered:1",
        "--to",
        "opencode",
        str(project),
        *login_flags(oci_registry),
        stdin=oci_registry.password,
    )

    assert code == 1
    assert "arrived with other content" in err and "refused, nothing was installed" in err
    assert len(err.strip().splitlines()) == 1
    assert proxy.count(BLOB_GET, action="tampered") == 1
    assert not project.exists()
