"""Publishing agents and installing them, through real registries.

* :mod:`.plugin`: pack agents (any dialect) into a Claude Code plugin, plugins into a marketplace.
* :mod:`.gitremote`: publish a packed plugin or marketplace to a git remote, idempotently.
* :mod:`.install`: install a marketplace plugin's agents into any dialect, with a lock file
  (:mod:`.lock`); ``install.check_lock`` reports drift.
* :mod:`.bundle` and :mod:`.oci`: agent bundles as OCI artifacts, pushed and pulled via oras,
  with credentials from :mod:`.credentials`.
* :mod:`.layout` and :mod:`.tree`: reading and writing agent files, all or nothing.

Everything here uses the library API (``agentport.loads_all``, ``dumps`` ...), never a dialect's
internals, and raises :class:`~agentport.publish.errors.PublishError` subclasses with one-line
messages. Modules are imported on demand: ``oras`` loads only for push and pull.
"""
