"""The errors publishing raises on purpose: each one's message is one line a person can act on."""

from __future__ import annotations

from typing import Literal

from ..diagnostics import AgentportError

RegistryProblem = Literal[
    "unauthorized", "forbidden", "not-found", "unreachable", "not-agentport", "digest-mismatch", "server"
]


class PublishError(AgentportError):
    """Packing, publishing, installing, pushing or pulling could not be done; nothing was changed."""


class ConflictError(PublishError):
    """Going on would replace something (a file, a published version, a tag): ``--force`` does."""


class SourceError(PublishError):
    """A marketplace, plugin or git remote is missing, unreadable or not what it claims to be."""


class RegistryError(PublishError):
    """An OCI registry refused or failed a request; ``problem`` says which way, for callers and tests."""

    def __init__(self, problem: RegistryProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem
