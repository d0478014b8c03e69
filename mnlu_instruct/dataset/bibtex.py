"""BibTeX for the dataset card, generated from each corpus's citation text (readers declare no BibTeX).

A citation in the usual "Surname AB, Surname C. Title. Venue year. doi:..." form gives a ``@misc`` entry with
author, title, howpublished (the venue), year, doi or arXiv id, and the corpus homepage as url; a citation
string holding several works gives one entry per work. A citation in another form keeps its whole text in
``howpublished``, with the corpus's display name as title. The same corpora give the same entries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ..corpus import Corpus

_AUTHOR = r"[^\W\d][\w'’-]*(?: [^\W\d][\w'’-]*)* [A-Z]{1,3}(?:-[A-Z])?"
_AUTHORS = re.compile(rf"(?:{_AUTHOR}, )*(?:{_AUTHOR}|et al)")
_NEXT_WORK = re.compile(rf"(?<=\.) (?={_AUTHOR}, )")
"""Where a citation string starts another work: after a period, a new author list."""
_DOI = re.compile(r"\s*doi:\s*(\S+?)\.?(?=\s|$)", re.IGNORECASE)
_ARXIV = re.compile(r"\s*arXiv:\s*(\d{4}\.\d{4,5})\.?", re.IGNORECASE)
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_SKIPPED_TITLE_WORDS = {"a", "an", "the", "on", "of"}


@dataclass(frozen=True)
class Entry:
    """One BibTeX entry and the corpora that cite it."""

    key: str
    fields: tuple[tuple[str, str], ...]
    sources: tuple[str, ...]

    def text(self) -> str:
        lines = [f"@misc{{{self.key},"] + [f"  {name} = {{{value}}}," for name, value in self.fields]
        return "\n".join(lines) + "\n}"


def _escape(text: str) -> str:
    return re.sub(r"([&%#_$])", r"\\\1", text)


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", text).lower())


def _author(text: str) -> str:
    """``Wei C-H`` -> ``Wei, C.-H.``; ``et al`` -> ``others``."""
    if text == "et al":
        return "others"
    surname, initials = text.rsplit(" ", 1)
    parts = [" ".join(f"{letter}." for letter in part) for part in initials.split("-")]
    return f"{surname}, {'-'.join(parts)}"


def split_works(citation: str) -> list[str]:
    """The works of a citation string, one per author list."""
    return [part.strip() for part in _NEXT_WORK.split(citation.strip()) if part.strip()]


def _fields(work: str, corpus: Corpus) -> tuple[str, list[tuple[str, str]]]:
    """(key stem, fields) of one work."""
    doi, arxiv = _DOI.search(work), _ARXIV.search(work)
    rest = _ARXIV.sub("", _DOI.sub("", work)).strip()
    authors, _, after = rest.partition(". ")
    title_match = re.match(r"(.+?[.?!])(?: |$)", after) if _AUTHORS.fullmatch(authors) else None
    fields: list[tuple[str, str]] = []
    if title_match:
        title = title_match.group(1).rstrip(".")
        venue = after[title_match.end():].strip().rstrip(".")
        year = _YEAR.search(venue)
        names = [_author(name.strip()) for name in authors.split(", ")]
        fields += [("author", " and ".join(_escape(n) for n in names)), ("title", f"{{{_escape(title)}}}")]
        if venue:
            fields.append(("howpublished", _escape(venue)))
        words = [w for w in (_ascii_word(raw) for raw in title.split() if not re.search(r"\d", raw))
                 if w and w not in _SKIPPED_TITLE_WORDS]
        stem = _ascii_word(names[0].split(",")[0]) + (year.group(0) if year else "") + (words[0] if words else "")
    else:
        year = _YEAR.search(rest)
        fields += [("title", f"{{{_escape(corpus.display_name)}}}"), ("howpublished", _escape(rest.rstrip(".")))]
        stem = corpus.name.replace("_", "")
    if year:
        fields.append(("year", year.group(0)))
    if doi:
        fields.append(("doi", doi.group(1)))
    if arxiv:
        fields += [("eprint", arxiv.group(1)), ("archiveprefix", "arXiv")]
    fields.append(("url", corpus.homepage))
    return stem, fields


def bibtex_entries(corpora: Iterable[Corpus]) -> list[Entry]:
    """One entry per distinct work the corpora cite, in order of first citation; keys are unique."""
    works: dict[str, tuple[Corpus, list[str]]] = {}
    for corpus in corpora:
        for work in split_works(corpus.citation):
            works.setdefault(work, (corpus, []))[1].append(corpus.name)
    entries, used = [], set()
    for work, (first, names) in works.items():
        stem, fields = _fields(work, first)
        key = stem
        suffix = ord("b")
        while key in used:
            key, suffix = f"{stem}{chr(suffix)}", suffix + 1
        used.add(key)
        entries.append(Entry(key, tuple(fields), tuple(names)))
    return entries
