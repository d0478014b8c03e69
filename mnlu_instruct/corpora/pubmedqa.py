"""PubMedQA PQA-L (Jin et al. 2019): yes/no/maybe questions over PubMed abstracts; a BLURB QA dataset.

BLURB uses the authors' split, fold 0: 450 training and 50 development questions, and the 500 official
test questions (``test_ground_truth.json``, whose answers must equal ``final_decision``). The context is
the abstract without its conclusion, one section per line as ``HEADING: text`` with the abstract's own
section headings (``BACKGROUND: ...``, ``METHODS: ...``); a section headed ``UNLABELLED`` (6 questions) is
written without a heading. The question is the article's title (PQA-L titles are questions); the answer is
``final_decision``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.pubmedqa_json import DECISIONS, PQAEntry, read_ground_truth, read_pqal, read_splits
from ..schema import QA, CorpusFormatError

DATA_FILE = "ori_pqal.json"
SPLITS_FILE = "splits/pqal_splits.json"
TEST_GOLD = "test_ground_truth.json"
FILES = {
    "train": (DATA_FILE, SPLITS_FILE),
    "validation": (DATA_FILE, SPLITS_FILE),
    "test": (DATA_FILE, SPLITS_FILE, TEST_GOLD),
}
NO_HEADING = "UNLABELLED"


def context(entry: PQAEntry) -> str:
    """The context sections, one per line, each after its heading (none for ``UNLABELLED`` sections)."""
    return "\n".join(
        text if label == NO_HEADING else f"{label}: {text}" for label, text in zip(entry.labels, entry.contexts)
    )


def read(folder: Path, split: str) -> Iterator[QA]:
    """The questions of one BLURB split, in the split list's order."""
    data = read_pqal(folder / DATA_FILE)
    pmids = read_splits(folder / SPLITS_FILE)[split]
    gold = read_ground_truth(folder / TEST_GOLD) if split == "test" else {}
    if split == "test" and set(gold) != set(pmids):
        raise CorpusFormatError(
            folder / TEST_GOLD, "keys", f"differ from the test list of {SPLITS_FILE} "
            f"({len(set(gold) - set(pmids))} extra, {len(set(pmids) - set(gold))} missing)"
        )
    for pmid in pmids:
        if pmid not in data:
            raise CorpusFormatError(folder / SPLITS_FILE, f"PMID {pmid}", f"not in {DATA_FILE}")
        entry = data[pmid]
        if split == "test" and gold[pmid] != entry.final_decision:
            raise CorpusFormatError(
                folder / TEST_GOLD, f"PMID {pmid}", f"gold {gold[pmid]!r} != final_decision {entry.final_decision!r}"
            )
        yield QA(
            id=f"pubmedqa-{pmid}",
            document_id=pmid,
            question=entry.question,
            context=context(entry),
            choices=DECISIONS,
            answer=(entry.final_decision,),
        )


CORPORA = (
    Corpus(
        name="pubmedqa",
        display_name="PubMedQA (PQA-L)",
        task_type="qa",
        metric="accuracy",
        reader=read,
        folder="pubmedqa",
        files=FILES,
        split_sizes={"train": 450, "validation": 50, "test": 500},
        license="MIT",
        citation=(
            "Jin Q, Dhingra B, Liu Z, Cohen W, Lu X. PubMedQA: A Dataset for Biomedical Research Question "
            "Answering. EMNLP-IJCNLP 2019:2567-2577. doi:10.18653/v1/D19-1259"
        ),
        homepage="https://pubmedqa.github.io/",
        description=(
            "Yes/no/maybe questions (article titles) answered from the PubMed abstract without its conclusion; "
            "the 1,000 expert-labelled questions (PQA-L) in BLURB's split."
        ),
        benchmarks=("blurb",),
        role="eval",
        access=(
            "Public: copy data/ori_pqal.json and data/test_ground_truth.json of https://github.com/pubmedqa/pubmedqa "
            "into pubmedqa/, and write splits/pqal_splits.json with the PMID lists of the authors' "
            "preprocess/split_dataset.py pqal (random.seed(0)): {\"test\": [...], \"fold0\": {\"train\": [...], "
            "\"dev\": [...]}}."
        ),
    ),
)
