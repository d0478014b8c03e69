"""ClinicalSTS (n2c2/OHNLP 2019 Track 1): semantic similarity of clinical sentence pairs, 0-5.

Restricted (n2c2 data-use agreement). BLUE evaluates MedSTS (675 / 75 / 318 pairs), a Mayo Clinic
release that is only given out by Mayo; this reader takes the n2c2 2019 release of the same task
(published sizes: 1,642 training and 412 test pairs), which has no development split, so the corpus
has train and test only. ``clinicalSTS2019.train.txt``: ``sentence1<TAB>sentence2<TAB>score``;
``clinicalSTS2019.test.txt``: ``sentence1<TAB>sentence2``, with the scores one per line, in the same
order, in ``clinicalSTS2019.test.gs.sim.txt``. The real-valued score is kept for Pearson; the option
is the score rounded half up.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.tsv_rows import read_rows
from ..schema import CorpusFormatError, Pair

NAME = "clinicalsts"
TRAIN = "clinicalSTS2019.train.txt"
TEST = "clinicalSTS2019.test.txt"
TEST_GOLD = "clinicalSTS2019.test.gs.sim.txt"
FILES = {"train": (TRAIN,), "test": (TEST, TEST_GOLD)}
MAX_SCORE = 5.0


def _score(value: str, path: Path, number: int) -> float:
    try:
        score = float(value)
    except ValueError:
        raise CorpusFormatError(path, f"line {number}", f"score {value!r} is not a number") from None
    if not 0.0 <= score <= MAX_SCORE:
        raise CorpusFormatError(path, f"line {number}", f"score {score} is outside 0-{MAX_SCORE:g}")
    return score


def read(folder: Path, split: str) -> Iterator[Pair]:
    """One :class:`Pair` per sentence pair, with its float score."""
    if split == "train":
        pairs = ((number, cells[0], cells[1], _score(cells[2], folder / TRAIN, number))
                 for number, cells in read_rows(folder / TRAIN, 3, skip_blank=True))
    else:
        gold = [
            _score(cells[0], folder / TEST_GOLD, number)
            for number, cells in read_rows(folder / TEST_GOLD, 1, skip_blank=True)
        ]
        rows = list(read_rows(folder / TEST, 2, skip_blank=True))
        if len(rows) != len(gold):
            raise CorpusFormatError(
                folder / TEST_GOLD, "whole file", f"{len(gold)} scores for {len(rows)} pairs in {TEST}"
            )
        pairs = ((number, cells[0], cells[1], score) for (number, cells), score in zip(rows, gold, strict=True))
    for number, first, second, score in pairs:
        pair_id = f"{NAME}-{split}-{number}"
        yield Pair(id=pair_id, document_id=pair_id, text_1=first, text_2=second, label=score)


ACCESS = (
    "ClinicalSTS needs an n2c2 data-use agreement: register at the n2c2 portal "
    "(https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/), sign the DUA, and download the "
    "'2019 Track 1: Clinical Semantic Textual Similarity' data. Copy clinicalSTS2019.train.txt, "
    "clinicalSTS2019.test.txt and clinicalSTS2019.test.gs.sim.txt, unchanged, into the folder clinicalsts/ of "
    "the data directory. (BLUE's MedSTS release is only available from Mayo Clinic and is not read here.)"
)

CORPORA = (
    Corpus(
        name=NAME,
        display_name="ClinicalSTS (n2c2 2019)",
        task_type="sts",
        metric="pearson",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 1642, "test": 412},
        license="n2c2 data-use agreement (not redistributable)",
        citation=(
            "Wang Y, Fu S, Shen F, Henry S, Uzuner O, Liu H. The 2019 n2c2/OHNLP Track on Clinical Semantic "
            "Textual Similarity: Overview. JMIR Med Inform. 2020;8(11):e23375."
        ),
        homepage="https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/",
        description="Pairs of sentences from clinical notes scored for semantic similarity from 0 to 5.",
        restricted=True,
        access=ACCESS,
        labels=tuple((str(score), str(score)) for score in range(6)),
        question=(
            "How similar in meaning are the two clinical sentences, from 0 (completely dissimilar) to "
            "5 (completely equivalent)?"
        ),
    ),
)
