"""Readers for BLURB-style IOB sentence files: one KBDocument per sentence, validated."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Optional

from ..schema import KBDocument, validate_kb
from .conll import read_conll, sentence_to_document


def iob_reader(
    name: str,
    files: Mapping[str, tuple[str, ...]],
    *,
    default_type: Optional[str] = None,
    type_map: Optional[dict[str, str]] = None,
    entity_types: Optional[Iterable[tuple[str, str]]] = None,
    closed: bool = False,
) -> Callable[[Path, str], Iterator[KBDocument]]:
    """A ``reader(folder, split)`` over the split's IOB file; sentence ids are ``<name>-<split>-<n>``.

    IOB sentences carry no document ids, so each sentence is its own document. ``entity_types`` are the
    corpus's ``(name, definition)`` pairs: a tag whose type (after ``type_map``) is not one of them is an
    error naming the file and line. With ``closed``, a file whose last sentence is not
    followed by a blank line is taken as cut.
    """
    mapping = type_map or {}
    types: Optional[set[str]] = None
    if entity_types is not None:
        allowed = {type_name for type_name, _ in entity_types}
        types = {raw for raw, mapped in mapping.items() if mapped in allowed} | (allowed - set(mapping))

    def read(folder: Path, split: str) -> Iterator[KBDocument]:
        path = folder / files[split][0]
        for number, sentence in enumerate(read_conll(path, types=types, closed=closed)):
            doc = sentence_to_document(
                sentence, doc_id=f"{name}-{split}-{number:05d}", default_type=default_type, type_map=type_map
            )
            yield validate_kb(doc, corpus=name, source=f"{path} (line {sentence.line})")

    return read
