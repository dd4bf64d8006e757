"""pytest fixtures that start real servers on loopback for the publishing tests.

Load with ``pytest_plugins = ["support.fixtures"]`` in ``tests/conftest.py`` (``tests`` is on
``sys.path`` there under pytest's default rootdir-based import mode), or ``-p support.fixtures``
with ``PYTHONPATH=tests``.  The servers are session-scoped because each costs a start-up and
tests can share them safely by using distinct repository names; the fault proxy is
per test because its faults are per test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from support.servers import ClaudeCli, FaultProxy, GitHttpServer, OciRegistry, install_claude_code


@pytest.fixture(scope="session")
def oci_registry() -> Iterator[OciRegistry]:
    """An empty docker-registry with basic auth: ``host``, ``url``, ``username``, ``password``."""
    with OciRegistry() as registry:
        yield registry


@pytest.fixture(scope="session")
def git_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GitHttpServer]:
    """Smart-HTTP git with push enabled: ``create_bare(name)`` then ``url_for(name)``."""
    with GitHttpServer(tmp_path_factory.mktemp("git-repos")) as server:
        yield server


@pytest.fixture(scope="session")
def claude_cli(tmp_path_factory: pytest.TempPathFactory) -> ClaudeCli:
    """The real Claude Code CLI, installed once into the tool cache, with a session HOME.

    Tests that add marketplaces should take ``claude_cli.with_home(tmp_path / "home")`` so
    their state does not leak into other tests.
    """
    return ClaudeCli(install_claude_code(), tmp_path_factory.mktemp("claude-home"))


@pytest.fixture
def fault_proxy() -> Iterator[Callable[[str], FaultProxy]]:
    """Factory: ``fault_proxy(upstream_host)`` starts a FaultProxy, stopped after the test."""
    started: list[FaultProxy] = []

    def start(upstream: str) -> FaultProxy:
        proxy = FaultProxy(upstream)
        proxy.start()
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()
