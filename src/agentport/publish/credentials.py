"""Registry credentials: from flags, else environment variables, else Docker's credentials file.

Looked up in this order, the first source that has any wins:

1. what the caller passes (the ``--username``/``--password``/``--token`` flags);
2. ``AGENTPORT_REGISTRY_USERNAME`` + ``AGENTPORT_REGISTRY_PASSWORD``, or
   ``AGENTPORT_REGISTRY_TOKEN`` (a bearer token used as is);
3. the Docker credentials file, ``$DOCKER_CONFIG/config.json`` or ``~/.docker/config.json``:
   an ``auths`` entry for the registry (``auth`` = base64 ``user:password``, or ``username`` and
   ``password``, or ``registrytoken``), else its ``credHelpers``/``credsStore`` helper
   (``docker-credential-NAME get``).

The Docker file is only ever read: agentport never logs in and never writes it. Identity
tokens (``identitytoken``, OAuth refresh tokens from ``docker login`` to some clouds) are not
supported; use a username and password or a bearer token instead.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import PublishError

ENV_USERNAME = "AGENTPORT_REGISTRY_USERNAME"
ENV_PASSWORD = "AGENTPORT_REGISTRY_PASSWORD"
ENV_TOKEN = "AGENTPORT_REGISTRY_TOKEN"
DOCKER_HUB_KEY = "https://index.docker.io/v1/"
_DOCKER_HUB_NAMES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})


@dataclass(frozen=True)
class Credentials:
    username: str | None = None
    password: str | None = None
    token: str | None = None
    origin: str = "no credentials"
    """Where they came from, for error messages: ``--username/--password``, a file path ..."""

    @property
    def anonymous(self) -> bool:
        return self.token is None and self.username is None


def docker_config_path(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    folder = environ.get("DOCKER_CONFIG")
    return Path(folder) / "config.json" if folder else Path.home() / ".docker" / "config.json"


def resolve_credentials(
    registry: str,
    *,
    username: str | None = None,
    password: str | None = None,
    token: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Credentials:
    """The credentials to use for ``registry`` (``host[:port]``), see the module docstring."""
    environ = os.environ if environ is None else environ
    given = _pair(username, password, token, "--username/--password", "--token")
    if given is not None:
        return given
    from_env = _pair(
        environ.get(ENV_USERNAME),
        environ.get(ENV_PASSWORD),
        environ.get(ENV_TOKEN),
        f"{ENV_USERNAME}/{ENV_PASSWORD}",
        ENV_TOKEN,
    )
    if from_env is not None:
        return from_env
    return _from_docker_config(registry, docker_config_path(environ)) or Credentials()


def _pair(
    username: str | None, password: str | None, token: str | None, pair: str, token_name: str
) -> Credentials | None:
    if token:
        return Credentials(token=token, origin=token_name)
    if username and password is not None:
        return Credentials(username, password, origin=pair)
    if username or password:
        raise PublishError(f"{pair}: give both the user name and the password")
    return None


def _from_docker_config(registry: str, path: Path) -> Credentials | None:
    try:
        config = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise PublishError(f"cannot read the Docker credentials file {path}: {error}") from None
    keys = _config_keys(registry)
    auths: Mapping[str, Any] = config.get("auths") or {}
    for key in keys:
        entry = auths.get(key) or {}
        found = _from_auth_entry(entry, f"{path} ({key})")
        if found is not None:
            return found
    helpers: Mapping[str, str] = config.get("credHelpers") or {}
    helper = next((helpers[key] for key in keys if key in helpers), None) or config.get("credsStore")
    if helper:
        return _from_helper(helper, keys[0], path)
    return None


def _config_keys(registry: str) -> list[str]:
    """The spellings Docker uses for a registry in ``auths``, most specific first."""
    if registry in _DOCKER_HUB_NAMES:
        return [DOCKER_HUB_KEY, *sorted(_DOCKER_HUB_NAMES)]
    return [registry, f"https://{registry}", f"http://{registry}", f"https://{registry}/v1/", f"https://{registry}/v2/"]


def _from_auth_entry(entry: Mapping[str, Any], origin: str) -> Credentials | None:
    if entry.get("registrytoken"):
        return Credentials(token=entry["registrytoken"], origin=origin)
    if entry.get("auth"):
        try:
            username, _, password = base64.b64decode(entry["auth"]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            raise PublishError(f"{origin}: the 'auth' value is not base64 of user:password") from None
        return Credentials(username, password, origin=origin)
    if entry.get("username") and entry.get("password") is not None:
        return Credentials(entry["username"], entry["password"], origin=origin)
    return None


def _from_helper(helper: str, registry: str, config: Path) -> Credentials | None:
    program = f"docker-credential-{helper}"
    try:
        done = subprocess.run([program, "get"], input=registry, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None  # the helper has nothing for this registry
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise PublishError(f"{program} (named in {config}) answered something that is not JSON") from None
    if answer.get("Username") == "<token>":
        return None  # an identity token: not supported (see the module docstring)
    return Credentials(answer.get("Username"), answer.get("Secret"), origin=f"{program} (named in {config})")
