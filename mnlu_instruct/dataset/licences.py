"""Licences of the corpora as the Hub names them, and the flags that limit their use."""

from __future__ import annotations

import re

from ..corpus import Corpus

HUB_LICENSES = frozenset({
    "apache-2.0", "mit", "cc0-1.0", "pddl", "odc-by", "cc-by-2.0", "cc-by-3.0", "cc-by-4.0", "cc-by-sa-3.0",
    "cc-by-sa-4.0", "cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-4.0", "cc-by-nd-4.0", "cc-by-nc-sa-3.0",
    "cc-by-nc-sa-4.0", "cc-by-nc-nd-4.0", "gpl-2.0", "gpl-3.0", "lgpl-3.0", "unknown", "other",
})
"""Hub licence identifiers that :func:`hub_license` can produce (a subset of the Hub's list)."""


def hub_license(corpus: Corpus) -> str:
    """The Hub licence identifier of a corpus: the first licence its licence text names (the corpus's own
    comes first; conversions and split files after it)."""
    text = corpus.license
    if corpus.restricted:
        return "other"
    if re.match(r"\s*(no licen[cs]e|unknown)", text, re.IGNORECASE):
        return "unknown"
    found = []
    for match in re.finditer(r"CC[ -]BY((?:[ -](?:NC|SA|ND))*)[ -](\d\.\d)", text):
        parts = "".join(f"-{p.lower()}" for p in re.findall(r"NC|SA|ND", match.group(1)))
        found.append((match.start(), f"cc-by{parts}-{match.group(2)}"))
    for pattern, name in ((r"\bMIT\b", "mit"), (r"\bGPL-?v?3", "gpl-3.0"), (r"\bApache", "apache-2.0"),
                          (r"\bCC0", "cc0-1.0")):
        found += [(match.start(), name) for match in re.finditer(pattern, text)]
    return min(found)[1] if found else "other"


def flags(corpus: Corpus) -> list[str]:
    """The licence flags of a corpus: non-commercial, share-alike, restricted."""
    return [name for name, on in (("non-commercial", corpus.non_commercial), ("share-alike", corpus.share_alike),
                                  ("restricted", corpus.restricted)) if on]
