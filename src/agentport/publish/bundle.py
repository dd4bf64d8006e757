"""The agentport bundle: agents as an OCI artifact (the format is in docs/bundle-format.md).

A bundle is an OCI image manifest whose ``artifactType`` is :data:`ARTIFACT_TYPE`. Its config
blob is a short summary; its first layer holds the neutral model of every agent as JSON (what
any program can read without knowing a dialect); each further layer is one original agent file,
byte for byte, titled with its path in the project. Pulling rebuilds agents from the original
files (so a pull into the same dialect gives the same bytes) and falls back to the neutral
model only for a dialect this agentport does not know.

All JSON is written canonically (sorted keys, no spaces), so the same agents always give the
same digests, which is how pushing the same content twice is recognised.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import api, serialize
from ..diagnostics import Code, Report, Severity
from .errors import RegistryError
from .layout import SourcedAgent, SourceFile, load_agents
from .tree import safe_path, sha256

FORMAT = 1
MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json"
ARTIFACT_TYPE = "application/vnd.agentport.bundle.v1+json"
CONFIG_MEDIA_TYPE = "application/vnd.agentport.config.v1+json"
AGENTS_MEDIA_TYPE = "application/vnd.agentport.agents.v1+json"
FILE_MEDIA_TYPE = "application/vnd.agentport.file.v1"
TITLE = "org.opencontainers.image.title"
DIALECT = "org.agentport.dialect"
VERSION = "org.opencontainers.image.version"
SOURCE = "org.opencontainers.image.source"
REVISION = "org.opencontainers.image.revision"
CREATED = "org.opencontainers.image.created"
DESCRIPTION = "org.opencontainers.image.description"


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Blob:
    """One blob of the artifact with the descriptor that points at it."""

    media_type: str
    data: bytes
    annotations: Mapping[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return sha256(self.data)

    def descriptor(self) -> dict[str, Any]:
        descriptor: dict[str, Any] = {"mediaType": self.media_type, "digest": self.digest, "size": len(self.data)}
        if self.annotations:
            descriptor["annotations"] = dict(self.annotations)
        return descriptor


@dataclass(frozen=True)
class BundleFile:
    path: str
    dialect: str
    data: bytes


@dataclass(frozen=True)
class Bundle:
    files: tuple[BundleFile, ...]
    models: tuple[dict[str, Any], ...]
    """``{"file": path, "dialect": name, "agent": neutral model}`` for each agent."""
    annotations: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_sources(cls, sources: Sequence[SourceFile], annotations: Mapping[str, str]) -> Bundle:
        files = tuple(BundleFile(source.path, source.dialect, source.data) for source in sources)
        models = tuple(
            {"file": source.path, "dialect": source.dialect, "agent": _neutral(agent, source.path)}
            for source in sources
            for agent in source.agents
        )
        return cls(files, models, dict(annotations))

    # --- writing ---------------------------------------------------------------------------

    def config(self) -> Blob:
        summary = {
            "format": FORMAT,
            "agents": [model["agent"]["name"] for model in self.models],
            "dialects": sorted({file.dialect for file in self.files}),
        }
        return Blob(CONFIG_MEDIA_TYPE, canonical_json(summary))

    def layers(self) -> list[Blob]:
        agents = Blob(AGENTS_MEDIA_TYPE, canonical_json({"format": FORMAT, "agents": list(self.models)}))
        files = [Blob(FILE_MEDIA_TYPE, file.data, {TITLE: file.path, DIALECT: file.dialect}) for file in self.files]
        return [agents, *files]

    def content_digests(self) -> tuple[str, ...]:
        """What identifies the content, whatever the annotations (``created`` changes each push)."""
        return (self.config().digest, *(layer.digest for layer in self.layers()))

    def manifest(self) -> bytes:
        data: dict[str, Any] = {
            "schemaVersion": 2,
            "mediaType": MANIFEST_MEDIA_TYPE,
            "artifactType": ARTIFACT_TYPE,
            "config": self.config().descriptor(),
            "layers": [layer.descriptor() for layer in self.layers()],
        }
        if self.annotations:
            data["annotations"] = dict(self.annotations)
        return canonical_json(data)

    # --- reading ---------------------------------------------------------------------------

    @classmethod
    def parse(cls, manifest: bytes, fetch: Callable[[Mapping[str, Any]], bytes], where: str) -> Bundle:
        """The bundle a manifest describes; ``fetch`` returns a descriptor's verified bytes.

        Anything that is not an agentport bundle raises ``RegistryError("not-agentport")``.
        """
        data = parse_manifest(manifest, where)
        layers = data["layers"]
        if not layers or layers[0].get("mediaType") != AGENTS_MEDIA_TYPE:
            raise _not_ours(where, "its first layer is not the agents layer")
        try:
            agents = json.loads(fetch(layers[0]))
            models = tuple(agents["agents"])
            if agents.get("format") != FORMAT:
                raise _not_ours(where, f"bundle format {agents.get('format')!r} is newer than this agentport reads")
        except (ValueError, KeyError, TypeError):
            raise _not_ours(where, "its agents layer is not valid bundle JSON") from None
        files = []
        for layer in layers[1:]:
            annotations = layer.get("annotations") or {}
            if layer.get("mediaType") != FILE_MEDIA_TYPE or TITLE not in annotations or DIALECT not in annotations:
                raise _not_ours(where, f"layer {layer.get('digest')} is not an agent file")
            files.append(BundleFile(safe_path(annotations[TITLE]), annotations[DIALECT], fetch(layer)))
        return cls(tuple(files), models, dict(data.get("annotations") or {}))

    def agents(self) -> list[SourcedAgent]:
        """``(file, agent, diagnostics)`` for every agent, rebuilt from the original files."""
        known = set(api.dialects())
        result: list[SourcedAgent] = []
        for file in self.files:
            if file.dialect in known:
                result += load_agents(file.path, file.data, file.dialect)
                continue
            report = Report(file.path)
            report.add(
                Code.INVALID_INPUT,
                f"dialect {file.dialect!r} is not installed here; using the bundle's neutral model",
                severity=Severity.INFO,
            )
            for model in self.models:
                if model["file"] == file.path:
                    result.append((file.path, serialize.agent_from_json(model["agent"]), tuple(report)))
        return result


def parse_manifest(manifest: bytes, where: str) -> dict[str, Any]:
    """The JSON of an agentport bundle's manifest, or ``RegistryError("not-agentport")``."""
    try:
        data = json.loads(manifest)
    except ValueError:
        raise _not_ours(where, "its manifest is not JSON") from None
    if not isinstance(data, dict) or data.get("mediaType", MANIFEST_MEDIA_TYPE) != MANIFEST_MEDIA_TYPE:
        kind = data.get("mediaType") if isinstance(data, dict) else None
        raise _not_ours(where, f"it is a {kind or 'non-OCI manifest'}")
    config = data.get("config") or {}
    if data.get("artifactType") != ARTIFACT_TYPE and config.get("mediaType") != CONFIG_MEDIA_TYPE:
        raise _not_ours(where, f"its type is {data.get('artifactType') or config.get('mediaType') or 'unknown'}")
    if not isinstance(data.get("layers"), list):
        raise _not_ours(where, "its manifest has no layers")
    return data


def _neutral(agent: Any, path: str) -> dict[str, Any]:
    """The agent's neutral model, its source path relative to the project (never a local path)."""
    data = serialize.agent_to_json(agent)
    if "source" in data:
        data["source"] = {**data["source"], "path": path}
    return data


def _not_ours(where: str, why: str) -> RegistryError:
    return RegistryError("not-agentport", f"{where} is not an agentport bundle: {why}")
