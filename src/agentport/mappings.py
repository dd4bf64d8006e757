"""Dialect data: the tables in ``formats/<dialect>/`` and the lookups built on them.

Mappings are data, not code: a dialect's tool names, model aliases and colours live in its
``mappings.toml``. The folder ships inside the wheel as ``agentport/formats``; in a source
checkout it is read from the repository's ``formats/``.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

from .model import ModelRef

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


@functools.lru_cache(maxsize=1)
def formats_root() -> Path:
    """The folder holding every dialect's data, installed or in a checkout."""
    packaged = resources.files("agentport") / "formats"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "formats"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("agentport's formats/ data is missing: reinstall the package")


@functools.lru_cache(maxsize=None)
def table(dialect: str, name: str = "mappings") -> Mapping[str, Any]:
    """``formats/<dialect>/<name>.toml`` as a mapping (empty if the file does not exist)."""
    path = formats_root() / dialect / f"{name}.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


@functools.lru_cache(maxsize=None)
def schema(dialect: str) -> Mapping[str, Any] | None:
    """The JSON Schema of ``dialect``'s agent data, if it ships one."""
    path = formats_root() / dialect / "schema.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text("utf-8"))


def _as_tuple(value: str | Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class ToolMap:
    """A dialect's tool names and the neutral capabilities they stand for."""

    to_neutral: Mapping[str, tuple[str, ...]]
    """Every name the dialect reads, current and legacy, folded to lower case."""
    from_neutral: Mapping[str, str]
    """The name written for each capability the dialect can express."""
    native: frozenset[str]
    """Names the dialect knows that have no neutral capability (kept, never mapped)."""

    @classmethod
    def of(cls, dialect: str) -> ToolMap:
        return _tool_map(dialect)

    def capabilities(self, name: str) -> tuple[str, ...] | None:
        """The capabilities ``name`` grants, or ``None`` if the dialect has no such tool."""
        return self.to_neutral.get(name.lower())

    def name_for(self, capability: str) -> str | None:
        return self.from_neutral.get(capability)

    def covered(self, name: str) -> tuple[str, ...]:
        """Every capability the written name ``name`` governs (``edit`` -> edit and write)."""
        return self.to_neutral.get(name.lower(), ())


@functools.lru_cache(maxsize=None)
def _tool_map(dialect: str) -> ToolMap:
    data = table(dialect)
    to_neutral: dict[str, tuple[str, ...]] = {}
    from_neutral: dict[str, str] = {}
    for name, capabilities in data.get("tools", {}).items():
        caps = _as_tuple(capabilities)
        to_neutral[name.lower()] = caps
        for capability in caps:
            from_neutral.setdefault(capability, name)
    for name, capabilities in data.get("legacy_tools", {}).items():
        to_neutral.setdefault(name.lower(), _as_tuple(capabilities))
    native = frozenset(name.lower() for name in data.get("native_tools", {}).get("names", ()))
    return ToolMap(to_neutral, from_neutral, native)


@dataclass(frozen=True)
class ModelFamily:
    alias: str
    patterns: tuple[str, ...]
    default: ModelRef

    def matches(self, text: str) -> bool:
        lowered = text.lower()
        return any(fnmatch.fnmatchcase(lowered, pattern) for pattern in self.patterns)


@functools.lru_cache(maxsize=1)
def model_families() -> tuple[ModelFamily, ...]:
    families = []
    for alias, spec in table("neutral", "models").get("families", {}).items():
        provider, _, model_id = spec["default"].partition("/")
        families.append(
            ModelFamily(
                alias,
                tuple(pattern.lower() for pattern in spec["match"]),
                ModelRef(alias=alias, provider=provider, id=model_id),
            )
        )
    return tuple(families)


def family_of(model_id: str) -> str | None:
    """The family alias of a concrete model id or display name, if one matches."""
    for family in model_families():
        if family.matches(model_id):
            return family.alias
    return None


def family_default(alias: str) -> ModelRef | None:
    """The concrete model written for a family when only its alias is known."""
    for family in model_families():
        if family.alias == alias:
            return family.default
    return None


def parse_provider_model(text: str) -> ModelRef:
    """``provider/model-id`` (OpenCode's form) as a reference, with its family if known."""
    provider, slash, model_id = text.partition("/")
    if not slash:
        return ModelRef(alias=family_of(text), id=text)
    return ModelRef(alias=family_of(model_id), provider=provider, id=model_id)


@functools.lru_cache(maxsize=1)
def named_colors() -> Mapping[str, str]:
    """Colour name -> ``#RRGGBB`` (upper case), shared by every dialect."""
    return {name: value.upper() for name, value in table("neutral", "colors")["colors"].items()}


def color_name(hex_color: str) -> str | None:
    """The colour name whose hex value is ``hex_color``, if any."""
    wanted = hex_color.upper()
    return next((name for name, value in named_colors().items() if value == wanted), None)
