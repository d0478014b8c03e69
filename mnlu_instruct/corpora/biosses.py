"""BIOSSES (Soğancıoğlu et al. 2017): similarity of 100 biomedical sentence pairs on a 0-4 scale.

BLUE and BLURB share one split (64 / 16 / 20 pairs; BLURB's files ``blurb/*.tsv``, columns ``pair_id,
sent1, sent2, score``). The gold score is the mean of the five annotators' scores: the reader checks every
BLURB score against the five columns of ``annotation_pairs_scores.tsv`` (BigBio's conversion of the
official .docx tables). The answer options are the scale's integers and the target is the option nearest
the mean (half up; means are multiples of 0.2, so there are no ties), while Pearson's r is computed
against the mean itself: even gold targets score slightly below 1, the rounding ceiling.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.tsv_rows import read_rows
from ..schema import CorpusFormatError, Pair

ANNOTATIONS = "annotation_pairs_scores.tsv"
FILES = {
    "train": ("blurb/train.tsv", ANNOTATIONS),
    "validation": ("blurb/dev.tsv", ANNOTATIONS),
    "test": ("blurb/test.tsv", ANNOTATIONS),
}
HEADER = ("pair_id", "sent1", "sent2", "score")
ANNOTATIONS_HEADER = ("sentence_id", "sentence_1", "sentence_2") + tuple(f"annotator_{x}" for x in "abcde")
TOLERANCE = 1e-9


def _number(path: Path, number: int, value: str, what: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise CorpusFormatError(path, f"line {number}", f"{what} is not a number: {value!r}") from None


def annotator_means(path: Path) -> dict[str, float]:
    """The mean of the five annotators' scores (each 0..4) of each pair id."""
    means = {}
    for number, cells in read_rows(path, len(ANNOTATIONS_HEADER), header=ANNOTATIONS_HEADER):
        scores = [_number(path, number, value, "an annotator score") for value in cells[3:]]
        if any(not 0 <= score <= 4 for score in scores):
            raise CorpusFormatError(path, f"line {number}", f"annotator scores must lie in 0..4, found {cells[3:]}")
        means[cells[0]] = sum(scores) / len(scores)
    return means


def read(folder: Path, split: str) -> Iterator[Pair]:
    """One :class:`Pair` per BLURB row, its label the annotators' mean score (checked)."""
    path = folder / FILES[split][0]
    means = annotator_means(folder / ANNOTATIONS)
    seen: set[str] = set()
    for number, (pair_id, sentence_1, sentence_2, score) in read_rows(path, len(HEADER), header=HEADER):
        value = _number(path, number, score, "score")
        if pair_id not in means:
            raise CorpusFormatError(path, f"line {number}", f"pair {pair_id!r} is not in {ANNOTATIONS}")
        if abs(value - means[pair_id]) > TOLERANCE:
            raise CorpusFormatError(
                path,
                f"line {number}",
                f"score {score} is not the annotators' mean {means[pair_id]:g} of pair {pair_id}",
            )
        if pair_id in seen:
            raise CorpusFormatError(path, f"line {number}", f"pair {pair_id} appears twice")
        seen.add(pair_id)
        yield Pair(id=f"biosses-{pair_id}", document_id=pair_id, text_1=sentence_1, text_2=sentence_2, label=value)


CORPORA = (
    Corpus(
        name="biosses",
        display_name="BIOSSES",
        task_type="sts",
        metric="pearson",
        reader=read,
        folder="biosses",
        files=FILES,
        split_sizes={"train": 64, "validation": 16, "test": 20},
        license="GPL-3.0 (authors' repository); BLURB split files MIT",
        share_alike=True,
        citation=(
            "Soğancıoğlu G, Öztürk H, Özgür A. BIOSSES: a semantic sentence similarity estimation system for the "
            "biomedical domain. Bioinformatics. 2017;33(14):i49-i58. doi:10.1093/bioinformatics/btx238"
        ),
        homepage="https://tabilab.cmpe.boun.edu.tr/BIOSSES/",
        description="Semantic similarity of biomedical sentence pairs, scored 0 (unrelated) to 4 (equivalent).",
        access=(
            "Public: BLURB's data-generation output data/BIOSSES/{train,dev,test}.tsv into biosses/blurb/, and "
            "BigBio's bigbio/hub/hub_repos/biosses/annotation_pairs_scores.tsv into biosses/."
        ),
        labels=tuple((str(i), str(i)) for i in range(5)),
        question=(
            "How similar in meaning are the two sentences, on BIOSSES's 0-4 scale? 0 = on different topics; "
            "1 = not equivalent, but on the same topic; 2 = not equivalent, but sharing some details; "
            "3 = roughly equivalent, but some important information differs or is missing; "
            "4 = completely or mostly equivalent."
        ),
    ),
)
