"""Hallmarks of Cancer (Baker et al. 2016): which of the 10 cancer hallmarks a PubMed abstract discusses.

Both benchmarks label sentences and score abstracts; here each abstract is one multi-label example whose
labels are the union of its sentences' labels, and whose text is its (tokenised) sentences joined by
spaces, in order. Abstracts without any hallmark answer the "none of the above" option.

- ``hoc`` (BLURB): BLURB's files, 1,295 / 186 / 371 abstracts, micro-F1 over the 10 hallmarks.
- ``hoc_blue`` (BLUE): BLUE's release files, 1,108 / 157 / 315 abstracts, BLUE's example-based F1.

The TSV ``labels`` column is ``0_v,1_v,...,9_v``: flag ``v`` of each hallmark in alphabetical order
(``HALLMARKS``); ``index`` is ``<PMID>_s<sentence number>``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.tsv_rows import read_rows
from ..schema import CorpusFormatError, TextClassification
from ..views import classification_view

HALLMARKS = (
    ("activating invasion and metastasis", "Activating invasion and metastasis"),
    ("avoiding immune destruction", "Avoiding immune destruction"),
    ("cellular energetics", "Deregulating cellular energetics"),
    ("enabling replicative immortality", "Enabling replicative immortality"),
    ("evading growth suppressors", "Evading growth suppressors"),
    ("genomic instability and mutation", "Genome instability and mutation"),
    ("inducing angiogenesis", "Inducing angiogenesis"),
    ("resisting cell death", "Resisting cell death"),
    ("sustaining proliferative signaling", "Sustaining proliferative signaling"),
    ("tumor promoting inflammation", "Tumor-promoting inflammation"),
)
NONE_LABEL = ("none", "None of the above")
HEADER = ("labels", "sentence", "index")
QUESTION = "Which hallmarks of cancer does the abstract discuss? Choose every hallmark that applies."


def _labels(path: Path, number: int, column: str) -> set[str]:
    flags = column.split(",")
    expected = [f"{i}_" for i in range(len(HALLMARKS))]
    if len(flags) != len(HALLMARKS) or any(f[:-1] != e or f[-1] not in "01" for f, e in zip(flags, expected)):
        raise CorpusFormatError(path, f"line {number}", f"labels must be 0_v,...,9_v with v in 0/1, found {column!r}")
    return {HALLMARKS[i][0] for i, flag in enumerate(flags) if flag.endswith("1")}


def tsv_reader(name: str, files: dict[str, tuple[str, ...]]):
    """A reader of the BLURB/BLUE sentence TSV that yields one record per abstract."""

    def read(folder: Path, split: str) -> Iterator[TextClassification]:
        path = folder / files[split][0]
        abstracts: dict[str, tuple[list[tuple[int, str]], set[str]]] = {}
        for number, (labels, sentence, index) in read_rows(path, 3, header=HEADER):
            pmid, sep, position = index.partition("_s")
            if not sep or not position.isdigit():
                raise CorpusFormatError(path, f"line {number}", f"index must be <PMID>_s<n>, found {index!r}")
            sentences, label_set = abstracts.setdefault(pmid, ([], set()))
            sentences.append((int(position), sentence))
            label_set |= _labels(path, number, labels)
        for pmid, (sentences, label_set) in abstracts.items():
            yield TextClassification(
                id=f"{name}-{pmid}",
                document_id=pmid,
                text=" ".join(text for _, text in sorted(sentences)),
                labels=tuple(sorted(label_set)),
            )

    return read


COMMON = dict(
    task_type="dc",
    view=classification_view,
    folder="hoc",
    license="GPL-3.0 (corpus); BLURB split index MIT",
    share_alike=True,
    citation=(
        "Baker S, Silins I, Guo Y, et al. Automatic semantic classification of scientific literature according "
        "to the hallmarks of cancer. Bioinformatics. 2016;32(3):432-440. doi:10.1093/bioinformatics/btv585"
    ),
    homepage="https://github.com/sb895/Hallmarks-of-Cancer",
    labels=HALLMARKS + (NONE_LABEL,),
    negative_labels=(NONE_LABEL[0],),
    question=QUESTION,
)
BLURB_FILES = {"train": ("blurb/train.tsv",), "validation": ("blurb/dev.tsv",), "test": ("blurb/test.tsv",)}
BLUE_FILES = {"train": ("blue/train.tsv",), "validation": ("blue/dev.tsv",), "test": ("blue/test.tsv",)}

CORPORA = (
    Corpus(
        name="hoc",
        display_name="HoC (BLURB)",
        metric="multilabel_micro_f1",
        reader=tsv_reader("hoc", BLURB_FILES),
        files=BLURB_FILES,
        split_sizes={"train": 1295, "validation": 186, "test": 371},
        description="Multi-label classification of PubMed abstracts into the 10 hallmarks of cancer (BLURB split).",
        benchmarks=("blurb",),
        **COMMON,
    ),
    Corpus(
        name="hoc_blue",
        display_name="HoC (BLUE)",
        metric="example_f1",
        reader=tsv_reader("hoc_blue", BLUE_FILES),
        files=BLUE_FILES,
        split_sizes={"train": 1108, "validation": 157, "test": 315},
        description="Multi-label classification of PubMed abstracts into the 10 hallmarks of cancer (BLUE split).",
        benchmarks=("blue",),
        **COMMON,
    ),
)
