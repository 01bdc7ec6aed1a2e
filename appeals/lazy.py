"""Modules loaded on first use, for the heavy ones a web process seldom needs: scikit-learn
costs about 100 MB and a second per process, and in a web process only a suggestion asked for
needs it (the look-alikes are the worker's, work/together.py)."""

from __future__ import annotations

import importlib
import importlib.util
import threading
from typing import Any


class LazyModule:
    """Stands for a module until an attribute is first read, then imports it. The import
    runs under a lock, so threads that ask at once each find the module whole (importlib's
    LazyLoader is not safe for that before Python 3.12: the others saw it half made)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: Any = None
        self._lock = threading.Lock()

    def __getattr__(self, attribute: str) -> Any:
        module = self._module
        if module is None:
            with self._lock:
                if self._module is None:
                    self._module = importlib.import_module(self._name)
                module = self._module
        return getattr(module, attribute)


def lazy_import(name: str) -> Any:
    """The module `name`, imported (with its own imports) when an attribute is first read."""
    if importlib.util.find_spec(name) is None:
        raise ModuleNotFoundError(name)
    return LazyModule(name)
