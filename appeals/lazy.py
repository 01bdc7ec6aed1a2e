"""Modules loaded on first use (importlib's LazyLoader), for the heavy ones a web process
seldom needs: scikit-learn costs about 250 MB and a second per process, and only a
suggestion asked for needs it."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_import(name: str) -> ModuleType:
    """The module `name`, whose code runs on its first attribute read (at once if it is
    already imported). Its own imports happen then, not now."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
