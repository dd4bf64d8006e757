"""One module per dialect; :mod:`agentport.registry` finds them by name.

``agentport.dialects`` is both this package and the public function ``agentport.dialects()``:
importing a dialect module binds the package to that attribute of ``agentport``, so the package
itself answers the call, listing every dialect name.
"""

import sys
import types


class _CallablePackage(types.ModuleType):
    def __call__(self) -> list[str]:
        from ..registry import names

        return names()


sys.modules[__name__].__class__ = _CallablePackage
