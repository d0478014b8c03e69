"""TEMPLATE for a new corpus reader: copy to ``mnlu_instruct/corpora/<corpus>.py`` and fill in every TODO.

Modules whose name starts with ``_`` are not registered, so this file never shows up in ``mnlu corpora``.
See CONTRIBUTING.md for the whole checklist (fixture, tests, README and card).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.tsv_rows import read_rows
from ..schema import CorpusFormatError, Entity, KBDocument, Passage, validate_kb

NAME = "my_corpus"  # TODO: lower_snake name, unique across the registry
FILES = {  # TODO: the files each split needs, relative to the corpus folder in the data directory
    "train": ("train.tsv",),
    "validation": ("dev.tsv",),
    "test": ("test.tsv",),
}


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """TODO: parse the official files; yield validated records with ids unique across all splits.

    Use the shared readers of ``formats/`` (``read_rows``, ``read_jsonl``, ``load_json``, ``numbered_lines``,
    ``read_conll``/``iob_reader``, ``read_pubtator``): they name file and line on invalid UTF-8 and bad
    lines. ``Corpus.read`` already rejects empty files, repeated record ids and counts that differ from
    ``split_sizes``; reject unknown entity types and repeated documents here, naming both places.
    """
    path = folder / FILES[split][0]
    for number, (doc_id, text) in read_rows(path, 2):  # TODO: the format's own checks, naming the file and line
        if not text:
            raise CorpusFormatError(path, f"line {number}", "empty text")
        entity = Entity(id=f"{doc_id}-E0", type="Disease", text=(text,), offsets=((0, len(text)),))
        doc = KBDocument(
            id=f"{NAME}-{split}-{doc_id}",
            document_id=doc_id,
            text=text,
            passages=(Passage(id=f"{doc_id}-P0", type="sentence", offsets=((0, len(text)),)),),
            entities=(entity,),
        )
        yield validate_kb(doc, corpus=NAME, source=f"{path} (line {number})")


CORPORA = (
    Corpus(
        name=NAME,
        display_name="My Corpus",  # TODO
        task_type="ner",  # TODO: ner | re | ee | dc | nli | sts | qa
        metric="entity_f1",  # TODO: one of mnlu_instruct.corpus.METRICS, the benchmark's official metric
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 0, "validation": 0, "test": 0},  # TODO: documented example counts
        license="TODO: as the source states it",
        citation="TODO",
        homepage="TODO",
        description="TODO: one paragraph",
        role="train",  # TODO: "train" for MNLU-Instruct sources, "eval" for BLUE/BLURB sets
        entity_types=(("Disease", "TODO: a one-line definition shown in the instruction"),),
    ),
)
