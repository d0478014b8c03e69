"""Readers for PubTator NER corpora: one KBDocument per abstract, every mention an entity, validated."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path

from ..schema import Entity, KBDocument, validate_kb
from .pubtator import Mention, read_pubtator, title_abstract_passages


def pubtator_ner_reader(
    name: str,
    files: Mapping[str, tuple[str, ...]],
    types: Collection[str],
    *,
    excluded: Mapping[str, tuple[str, ...]] | None = None,
    skip: Mapping[str, Collection[Mention]] | None = None,
) -> Callable[[Path, str], Iterator[KBDocument]]:
    """A ``reader(folder, split)`` over the split's PubTator files, in file order.

    Document ids are ``<name>-<PMID>``, entity ids ``<PMID>-M<n>`` (mention lines in file order). ``excluded``
    lists, per split, the PMIDs left out; ``skip`` lists, per file name, the upstream mention lines whose text
    does not match (see :func:`~mnlu_instruct.formats.pubtator.read_pubtator`). A mention whose type is not in
    ``types`` or a PMID that comes twice in one file raises.
    """
    left_out = {split: frozenset(pmids) for split, pmids in (excluded or {}).items()}

    def read(folder: Path, split: str) -> Iterator[KBDocument]:
        for name_of_file in files[split]:
            path = folder / name_of_file
            skipped = (skip or {}).get(name_of_file, frozenset())
            for document in read_pubtator(path, skipped, types=types, unique=True):
                if document.pmid in left_out.get(split, ()):
                    continue
                doc = KBDocument(
                    id=f"{name}-{document.pmid}",
                    document_id=document.pmid,
                    text=document.text,
                    passages=title_abstract_passages(document.pmid, len(document.title), len(document.text)),
                    entities=tuple(
                        Entity(id=f"{document.pmid}-M{k}", type=m.type, text=(m.text,), offsets=((m.start, m.end),))
                        for k, m in enumerate(document.mentions)
                    ),
                )
                yield validate_kb(doc, corpus=name, source=f"{path} (line {document.line})")

    return read
