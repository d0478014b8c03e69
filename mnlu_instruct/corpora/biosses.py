"""BIOSSES (Soğancıoğlu et al. 2017): similarity of 100 biomedical sentence pairs on a 0-4 scale.

BLUE and BLURB share one split (64 / 16 / 20 pairs, BLURB's files). The gold score is the mean of the
five annotators' scores; the reader checks it against ``annotation_pairs_scores.tsv``. The answer
options are the scale's integers; the target is the option nearest the mean (half up), while
Pearson's r is computed against the mean itself, so even gold targets score slightly below 1
(the rounding ceiling, which the tests compute).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.tsv_rows import read_rows
from ..schema import CorpusFormatError, Pair
from ..views import pair_view

FILES = {
    "train": ("blurb/train.tsv", "annotation_pairs_scores.tsv"),
    "validation": ("blurb/dev.tsv", "annotation_pairs_scores.tsv"),
    "test": ("blurb/test.tsv", "annotation_pairs_scores.tsv"),
}
ANNOTATIONS_HEADER = ("sentence_id", "sentence_1", "sentence_2") + tuple(f"annotator_{x}" for x in "abcde")


def annotator_means(path: Path) -> dict[str, float]:
    """The mean of the five annotators' scores of each pair id."""
    means = {}
    for number, cells in read_rows(path, 8, header=ANNOTATIONS_HEADER):
        try:
            means[cells[0]] = sum(float(v) for v in cells[3:]) / 5
        except ValueError:
            raise CorpusFormatError(path, f"line {number}", f"annotator scores are not numbers: {cells[3:]}") from None
    return means


def read(folder: Path, split: str) -> Iterator[Pair]:
    path = folder / FILES[split][0]
    means = annotator_means(folder / FILES[split][1])
    for number, (pair_id, sentence_1, sentence_2, score) in read_rows(
        path, 4, header=("pair_id", "sent1", "sent2", "score")
    ):
        try:
            value = float(score)
        except ValueError:
            raise CorpusFormatError(path, f"line {number}", f"score is not a number: {score!r}") from None
        if not 0 <= value <= 4 or abs(value - means.get(pair_id, -10)) > 1e-9:
            raise CorpusFormatError(
                path, f"line {number}", f"score {score} is not the annotators' mean for pair {pair_id}"
            )
        yield Pair(id=f"biosses-{pair_id}", document_id=pair_id, text_1=sentence_1, text_2=sentence_2, label=value)


CORPORA = (
    Corpus(
        name="biosses",
        display_name="BIOSSES",
        task_type="sts",
        metric="pearson",
        reader=read,
        view=pair_view,
        folder="biosses",
        files=FILES,
        split_sizes={"train": 64, "validation": 16, "test": 20},
        license="GPL-3.0",
        share_alike=True,
        citation=(
            "Soğancıoğlu G, Öztürk H, Özgür A. BIOSSES: a semantic sentence similarity estimation system for the "
            "biomedical domain. Bioinformatics. 2017;33(14):i49-i58. doi:10.1093/bioinformatics/btx238"
        ),
        homepage="https://tabilab.cmpe.boun.edu.tr/BIOSSES/",
        description="Semantic similarity of biomedical sentence pairs, scored 0 (unrelated) to 4 (equivalent).",
        benchmarks=("blue", "blurb"),
        labels=tuple((str(i), str(i)) for i in range(5)),
        question=(
            "How similar in meaning are the two sentences? Rate them from 0 (no relation) to 4 "
            "(completely equivalent): 1 = on different topics but related, 2 = not equivalent but sharing some "
            "details, 3 = roughly equivalent with some important information differing."
        ),
    ),
)
