"""Publishing a packed plugin or marketplace to a git remote, through the git command line.

Any URL git accepts works: a local bare repository, ``file://``, ``http(s)://``, ``ssh``; git's
own credential helpers and ssh configuration apply, and git never prompts (it fails instead).

What publishing promises:

* The folder becomes the whole content of the branch, in one commit on top of what is there.
  Publishing the same content again commits nothing.
* Every published plugin version gets the tag ``<plugin>@<version>``, so each version stays
  installable side by side (``agentport install --ref reviewers@1.0.0``).
* A published version is never silently replaced: changing a plugin's content without raising
  its version, going back to a lower version, or reusing a tagged version for other content is
  refused unless ``force`` is given (then the branch and that tag move).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import ConflictError, SourceError
from .plugin import (
    MARKETPLACE_MANIFEST,
    PLUGIN_MANIFEST,
    local_plugin_folder,
    manifest_kind,
    read_manifest,
    version_key,
)

DEFAULT_BRANCH = "main"
FALLBACK_IDENTITY = {
    "GIT_AUTHOR_NAME": "agentport",
    "GIT_AUTHOR_EMAIL": "agentport@localhost",
    "GIT_COMMITTER_NAME": "agentport",
    "GIT_COMMITTER_EMAIL": "agentport@localhost",
}
"""Used only when git has no user configured, so a fresh machine can still publish."""


@dataclass(frozen=True)
class PublishedPlugin:
    name: str
    version: str
    folder: str
    """Where the plugin sits in the published tree (``.`` for a plugin published on its own)."""

    @property
    def tag(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass(frozen=True)
class PublishResult:
    status: Literal["published", "unchanged"]
    remote: str
    branch: str
    commit: str
    """The branch's commit after publishing (the new one, or the existing one if unchanged)."""
    plugins: tuple[PublishedPlugin, ...]
    tags: tuple[str, ...] = ()
    """Version tags this publish created or moved."""
    dry_run: bool = False


def git_environment() -> dict[str, str]:
    """git that never prompts and speaks English (its messages end up in ours)."""
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_ASKPASS": "", "SSH_ASKPASS": ""}


def run_git(*args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None, what: str = "") -> str:
    """Run git; on failure raise :class:`SourceError` with git's own last line of complaint."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=dict(env) if env is not None else git_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise SourceError("git is not installed (it is needed to publish and install marketplaces)") from None
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        reason = next(
            (line for line in reversed(lines) if line.startswith(("fatal:", "error:"))), lines[-1] if lines else ""
        )
        raise SourceError(f"{what or 'git ' + args[0]} failed: {reason or f'exit {done.returncode}'}")
    return done.stdout


def refuse_option(argument: str) -> str:
    """``argument`` unchanged, unless git would take it for an option (``--upload-pack=...``)."""
    if argument.startswith("-"):
        raise SourceError(f"{argument!r} is not a git URL or revision")
    return argument


def remote_refs(remote: str) -> tuple[dict[str, str], str | None]:
    """The remote's refs (name -> commit) and the branch its HEAD names, if it says."""
    output = run_git("ls-remote", "--symref", refuse_option(remote), what=f"reaching git remote {remote}")
    refs: dict[str, str] = {}
    head_branch = None
    for line in output.splitlines():
        left, _, name = line.partition("\t")
        if left.startswith("ref: ") and name == "HEAD":
            head_branch = left[len("ref: ") :].removeprefix("refs/heads/")
        elif not name.endswith("^{}"):
            refs[name] = left
    return refs, head_branch


class _Scratch:
    """A throwaway bare repository where the new commit is built from the folder's files."""

    def __init__(self, root: Path) -> None:
        self.git_dir = root / "repo.git"
        self.index = root / "index"
        run_git("init", "--quiet", "--bare", str(self.git_dir))
        self.env = git_environment()
        probe = subprocess.run(["git", "var", "GIT_COMMITTER_IDENT"], env=self.env, capture_output=True, check=False)
        if probe.returncode != 0:
            self.env.update(FALLBACK_IDENTITY)

    def __call__(self, *args: str, work_tree: Path | None = None, what: str = "") -> str:
        prefix = ["--git-dir", str(self.git_dir)]
        if work_tree is not None:
            prefix += ["--work-tree", str(work_tree)]
        env = {**self.env, "GIT_INDEX_FILE": str(self.index)}
        return run_git(*prefix, *args, cwd=work_tree, env=env, what=what).strip()

    def object_id(self, revision: str) -> str | None:
        try:
            return self("rev-parse", "--verify", "--quiet", revision)
        except SourceError:
            return None

    def manifest(self, revision: str, path: str) -> dict[str, Any] | None:
        try:
            return json.loads(self("show", f"{revision}:{path}"))
        except (SourceError, ValueError):
            return None


def publish(
    folder: Path,
    remote: str,
    *,
    branch: str | None = None,
    message: str | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> PublishResult:
    """Commit the packed plugin or marketplace ``folder`` to ``branch`` of ``remote`` and push.

    ``branch`` defaults to the remote's default branch, or ``main`` for an empty remote.
    Raises :class:`ConflictError` when a published version would be replaced (see the module
    docstring) and :class:`SourceError` when the folder is not packed or git fails.
    """
    kind = manifest_kind(folder)
    if kind is None:
        raise SourceError(
            f"{folder} holds no {PLUGIN_MANIFEST} or {MARKETPLACE_MANIFEST}: pack it first with 'agentport pack'"
        )
    plugins = _plugins_in(folder, kind)
    refs, head_branch = remote_refs(remote)
    branch = branch or head_branch or DEFAULT_BRANCH
    with tempfile.TemporaryDirectory(prefix="agentport-publish-") as scratch_dir:
        git = _Scratch(Path(scratch_dir))
        previous = None
        if f"refs/heads/{branch}" in refs:
            git(
                "fetch",
                "--quiet",
                "--no-tags",
                remote,
                f"+refs/heads/{branch}:refs/published",
                what=f"fetching {remote}",
            )
            previous = git.object_id("refs/published")
        if any(name.startswith("refs/tags/") for name in refs):
            git("fetch", "--quiet", "--no-tags", remote, "+refs/tags/*:refs/tags/*", what=f"fetching tags of {remote}")
        git("add", "--all", "--force", ".", work_tree=folder.resolve())
        tree = git("write-tree")
        if previous is not None and git.object_id(f"{previous}^{{tree}}") == tree:
            return PublishResult("unchanged", remote, branch, previous, plugins, dry_run=dry_run)
        new_tags = _check_versions(git, plugins, tree, previous, force)
        summary = ", ".join(f"{plugin.name} {plugin.version}" for plugin in plugins)
        commit_args = ["commit-tree", tree, "-m", message or f"Publish {summary}"]
        if previous is not None:
            commit_args += ["-p", previous]
        commit = git(*commit_args)
        if not dry_run:
            refspecs = [f"{commit}:refs/heads/{branch}"] + [
                f"{'+' if force else ''}{commit}:refs/tags/{tag}" for tag in new_tags
            ]
            git("push", "--quiet", "--atomic", remote, *refspecs, what=f"pushing to {remote}")
        return PublishResult("published", remote, branch, commit, plugins, tuple(new_tags), dry_run=dry_run)


def _plugins_in(folder: Path, kind: str) -> tuple[PublishedPlugin, ...]:
    if kind == "plugin":
        manifest = read_manifest(folder, "plugin")
        return (PublishedPlugin(manifest["name"], manifest.get("version", ""), "."),)
    marketplace = read_manifest(folder, "marketplace")
    plugins = []
    for entry in marketplace["plugins"]:
        if not isinstance(entry["source"], str):
            continue  # published elsewhere: not ours to version
        location = local_plugin_folder(marketplace, entry["source"])
        manifest = read_manifest(folder / location, "plugin")
        plugins.append(PublishedPlugin(entry["name"], manifest.get("version", entry.get("version", "")), location))
    return tuple(plugins)


def _subtree(git: _Scratch, revision: str, folder: str) -> str | None:
    return git.object_id(f"{revision}^{{tree}}" if folder == "." else f"{revision}:{folder}")


def _check_versions(
    git: _Scratch, plugins: tuple[PublishedPlugin, ...], tree: str, previous: str | None, force: bool
) -> list[str]:
    """Refuse (unless ``force``) to replace a published version; return the tags to push.

    A plugin without a version has nothing to protect and gets no tag.
    """
    problems: list[str] = []
    tags: list[str] = []
    for plugin in plugins:
        if not plugin.version:
            continue
        content = _subtree(git, tree, plugin.folder)
        tagged = git.object_id(f"refs/tags/{plugin.tag}^{{commit}}")
        tag_differs = tagged is not None and _subtree(git, tagged, plugin.folder) != content
        if tagged is None or tag_differs:
            tags.append(plugin.tag)
        if tag_differs:
            problems.append(f"{plugin.tag} is already published with other content")
        if previous is None or _subtree(git, previous, plugin.folder) == content:
            continue
        manifest_path = f"{plugin.folder}/{PLUGIN_MANIFEST}".removeprefix("./")
        published = (git.manifest(previous, manifest_path) or {}).get("version")
        if published == plugin.version:
            if not tag_differs:
                problems.append(f"{plugin.name} {published} is already published with other content")
        elif published:
            new_key, published_key = version_key(plugin.version), version_key(published)
            if new_key is not None and published_key is not None and new_key < published_key:
                problems.append(f"{plugin.name} {published} would be replaced by the older {plugin.version}")
    if problems and not force:
        raise ConflictError(
            f"{'; '.join(problems)}: raise the version in plugin.json (agentport pack --version), or use --force"
        )
    return tags
