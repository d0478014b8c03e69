"""A rule-based sentence splitter for biomedical abstracts (no model, no dependencies).

A sentence ends at ``.``, ``!`` or ``?`` (optionally followed by closing quotes or brackets) followed
by whitespace, unless one of the rules below says otherwise. The rules were written against the
ChemProt abstracts, where the hard cases are species names (``H. pylori``), Latin and dosing
abbreviations (``e.g.``, ``i.v.``) and sentences that start with a lower-case gene or chemical
name (``cAMP``, ``mRNA``, ``p53``, ``beta-Blockers``, ``α-Tocopherol``):

- no break after an abbreviation that never ends a sentence (:data:`NEVER_FINAL`);
- the next word starting with an upper-case letter or a digit is a break;
- the next word starting with a lower-case letter is a break only when it looks like a name
  written lower-case at the start of a sentence: it holds an upper-case letter or a digit
  (``cAMP``, ``p53R2``, ``pH-dependent``), or it starts with a Greek letter or a Greek letter's
  name followed by a non-letter (``β-ionone``, ``alpha(1)-Adrenoceptor``, ``beta Subunit``);
- after a dotted lower-case abbreviation (``i.v.``, ``s.c.``) there is no break when a function word
  comes right before it (``provoked by i.v. CCK-8``), and only an upper-case word or a digit starts
  a new sentence otherwise;
- brackets, quotes and signs before the next word are skipped when looking at it (``(+)-Catechin``);
- a bare list number (``1.``, ``(2)``) is joined to the sentence it numbers.

:func:`merge_spans` then joins sentences so that given character ranges (entity mentions, related
argument pairs) never straddle a break.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

Span = tuple[int, int]

NEVER_FINAL = frozenset(
    {
        "e.g", "i.e", "cf", "vs", "viz", "al", "fig", "figs", "ref", "refs", "eq", "eqs", "no", "nos",
        "dr", "mr", "mrs", "ms", "prof", "st", "approx", "ca", "sp", "spp", "subsp", "var", "cv",
        "u.s", "u.k", "ph.d",
    }
)
"""Words (lower-cased, without the final period) after which a period never ends a sentence."""

FUNCTION_WORDS = frozenset(
    {"a", "an", "the", "by", "of", "after", "before", "following", "with", "and", "or", "to", "via", "than"}
)
"""Words that, right before a dotted abbreviation (``by i.v. CCK-8``), show that the sentence goes on."""

GREEK_NAMES = (
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
    "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
)
_GREEK_START = re.compile(r"(?:[\u03b1-\u03c9]|(?:" + "|".join(GREEK_NAMES) + r")(?![a-z]))")
_CANDIDATE = re.compile(r"[.!?]+[\"'\u201d\u2019)\]}]*(?=\s)")
_NEXT_WORD = re.compile(r"\s+(\S+)")
_DOTTED = re.compile(r"[a-z](?:\.[a-z])+$")
_LAST_WORD = re.compile(r"(\w+)\W*\s*$")
_ENUMERATOR = re.compile(r"\(?\d{1,2}[.)]")
_OPENERS = "\"'\u201c\u2018([{"


def _previous_word(text: str, end: int) -> str:
    """The lower-cased word that ends just before the whitespace at ``end``."""
    match = _LAST_WORD.search(text, max(0, end - 40), end)
    return match.group(1).lower() if match else ""


def _is_break(text: str, end: int, terminal_start: int) -> bool:
    """Whether the terminal punctuation ``text[terminal_start:end]`` ends a sentence."""
    word_start = terminal_start
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    before = text[word_start:terminal_start].lstrip(_OPENERS).lower()
    if before in NEVER_FINAL:
        return False
    following = _NEXT_WORD.match(text, end)
    token = following.group(1) if following else ""
    start = next((i for i, char in enumerate(token) if char.isalnum()), None)
    if start is None:
        return False
    token = token[start:]
    first = token[0]
    if _DOTTED.match(before) and _previous_word(text, word_start) in FUNCTION_WORDS:
        return False
    if first.isupper() or first.isdigit():
        return True
    if first.islower() and not _DOTTED.match(before):
        return bool(re.search(r"[A-Z0-9]", token) or _GREEK_START.match(token))
    return False


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Half-open ``(start, end)`` spans of the sentences of ``text[start:end]``, whitespace trimmed."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    begin = start
    for match in _CANDIDATE.finditer(text, start, end):
        if _is_break(text, match.end(), match.start()):
            spans.append((begin, match.end()))
            begin = match.end()
    spans.append((begin, end))
    trimmed: list[Span] = []
    for lo, hi in spans:
        chunk = text[lo:hi]
        lo += len(chunk) - len(chunk.lstrip())
        hi -= len(chunk) - len(chunk.rstrip())
        if lo >= hi:
            continue
        if trimmed and _ENUMERATOR.fullmatch(text, *trimmed[-1]):
            lo = trimmed.pop()[0]
        trimmed.append((lo, hi))
    return trimmed


def merge_spans(spans: list[Span], ranges: Iterable[Span]) -> list[Span]:
    """Join consecutive sentences so that no ``(start, end)`` range crosses a sentence break."""
    merged = list(spans)
    for lo, hi in sorted(ranges):
        first = next((i for i, (_, s_hi) in enumerate(merged) if lo < s_hi), None)
        last = next((i for i in range(len(merged) - 1, -1, -1) if merged[i][0] < hi), None)
        if first is not None and last is not None and first < last:
            merged[first : last + 1] = [(merged[first][0], merged[last][1])]
    return merged
