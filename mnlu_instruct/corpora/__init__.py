"""Corpus readers, one module per corpus; each module declares ``CORPORA``, a tuple of
:class:`~mnlu_instruct.corpus.Corpus`. Modules are discovered automatically."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from ..corpus import Corpus


@lru_cache(maxsize=1)
def registry() -> dict[str, Corpus]:
    """Every corpus of every reader module, by name, sorted by name."""
    found: dict[str, Corpus] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for corpus in getattr(module, "CORPORA", ()):
            if corpus.name in found:
                raise ValueError(f"corpus name {corpus.name!r} is declared twice")
            found[corpus.name] = corpus
    return dict(sorted(found.items()))


def get_corpus(name: str) -> Corpus:
    """The corpus called ``name``; the error lists the known names."""
    corpora = registry()
    if name not in corpora:
        raise KeyError(f"unknown corpus {name!r}; known: {', '.join(corpora)}")
    return corpora[name]
