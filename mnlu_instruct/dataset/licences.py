"""Licences of the corpora: the Hub identifier and the flags that limit use, read from each corpus's licence text.

One rule (:func:`classify`) reads the free-text ``Corpus.license``:

- *restricted*: the corpus is declared ``restricted`` (a data-use agreement); never published.
- *unclear*: the text says the licence is unclear or unknown, or that none is stated ("no licence", "not
  stated"), in any of its clauses, or names no licence at all; the Hub identifier is then ``unknown``.
- *share-alike*: it names a CC BY-SA licence, the GPL or the ODbL.
- *non-commercial*: it names a CC BY-NC licence.

Otherwise the Hub identifier is the first licence the text names (the corpus's own comes first; conversions and
split files after it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..corpus import Corpus

HUB_LICENSES = frozenset({
    "apache-2.0", "mit", "cc0-1.0", "pddl", "odc-by", "odbl", "cc-by-2.0", "cc-by-3.0", "cc-by-4.0", "cc-by-sa-3.0",
    "cc-by-sa-4.0", "cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-4.0", "cc-by-nd-4.0", "cc-by-nc-sa-3.0",
    "cc-by-nc-sa-4.0", "cc-by-nc-nd-4.0", "gpl-2.0", "gpl-3.0", "lgpl-3.0", "unknown", "other",
})
"""Hub licence identifiers that :func:`hub_license` can produce (a subset of the Hub's list)."""

UNCLEAR = re.compile(r"\b(unclear|unknown|not stated|no licen[cs]e)", re.IGNORECASE)
"""A clause saying that a licence is unclear, unknown or not stated."""
_SHARE_ALIKE = re.compile(r"CC[ -]BY(?:[ -]NC)?[ -]SA\b|ShareAlike|\bGPL|\bODbL\b|Open Database License")
_NON_COMMERCIAL = re.compile(r"CC[ -]BY[ -]NC\b|NonCommercial")
_NAMED = ((re.compile(r"\bMIT\b"), "mit"), (re.compile(r"\bGPL-?v?3"), "gpl-3.0"),
          (re.compile(r"\bApache"), "apache-2.0"), (re.compile(r"\bCC0"), "cc0-1.0"),
          (re.compile(r"\bODbL\b|Open Database License"), "odbl"),
          (re.compile(r"\bpublic domain\b", re.IGNORECASE), "other"))
"""Licences named in a text besides Creative Commons ones, with their Hub identifiers."""
FLAGS = ("restricted", "unclear", "non-commercial", "share-alike")


@dataclass(frozen=True)
class Licence:
    """What :func:`classify` reads from a corpus's licence text."""

    hub: str
    restricted: bool
    unclear: bool
    share_alike: bool
    non_commercial: bool

    @property
    def flags(self) -> list[str]:
        """The flags that are set, in :data:`FLAGS` order."""
        on = {"restricted": self.restricted, "unclear": self.unclear, "non-commercial": self.non_commercial,
              "share-alike": self.share_alike}
        return [flag for flag in FLAGS if on[flag]]


def _named(text: str) -> list[tuple[int, str]]:
    """(position, Hub identifier) of every licence ``text`` names."""
    found = []
    for match in re.finditer(r"CC[ -]BY((?:[ -](?:NC|SA|ND))*)[ -](\d\.\d)", text):
        parts = "".join(f"-{p.lower()}" for p in re.findall(r"NC|SA|ND", match.group(1)))
        found.append((match.start(), f"cc-by{parts}-{match.group(2)}"))
    for pattern, name in _NAMED:
        found += [(match.start(), name) for match in pattern.finditer(text)]
    return sorted(found)


def classify(corpus: Corpus) -> Licence:
    """The licence of a corpus, by the rule of the module docstring."""
    text = corpus.license
    named = _named(text)
    unclear = not corpus.restricted and (bool(UNCLEAR.search(text)) or not named)
    hub = "other" if corpus.restricted else "unknown" if unclear else named[0][1]
    return Licence(hub=hub, restricted=corpus.restricted, unclear=unclear,
                   share_alike=bool(_SHARE_ALIKE.search(text)), non_commercial=bool(_NON_COMMERCIAL.search(text)))


def hub_license(corpus: Corpus) -> str:
    """The Hub licence identifier of a corpus (``unknown`` when unclear, ``other`` when restricted)."""
    return classify(corpus).hub


def flags(corpus: Corpus) -> list[str]:
    """The licence flags of a corpus: restricted, unclear, non-commercial, share-alike."""
    return classify(corpus).flags


def unclear_sources(names: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """Those of ``names`` (registered corpora) whose licence is unknown or unclear, sorted."""
    from ..corpora import registry

    known = registry()
    return sorted(name for name in set(names) if name in known and classify(known[name]).unclear)
