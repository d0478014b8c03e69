"""PubMedQA PQA-L (Jin et al. 2019): yes/no/maybe questions over PubMed abstracts; a BLURB QA dataset.

BLURB uses the authors' split, fold 0: 450 training and 50 development questions, and the 500 official
test questions (``test_ground_truth.json``). The context is the abstract without its conclusion, one
section per line as ``LABEL: text`` (the labels are the abstract's own section headings).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.json_file import load_json
from ..schema import QA, CorpusFormatError
from ..views import qa_view

CHOICES = ("yes", "no", "maybe")
DATA_FILE = "ori_pqal.json"
SPLITS_FILE = "splits/pqal_splits.json"
TEST_GOLD = "test_ground_truth.json"
FILES = {
    "train": (DATA_FILE, SPLITS_FILE),
    "validation": (DATA_FILE, SPLITS_FILE),
    "test": (DATA_FILE, SPLITS_FILE, TEST_GOLD),
}


def split_pmids(folder: Path, split: str) -> list[str]:
    """The PMIDs of a BLURB split (fold 0 for train and validation)."""
    splits = load_json(folder / SPLITS_FILE)
    if split == "test":
        return list(splits["test"])
    return list(splits["fold0"]["train" if split == "train" else "dev"])


def read(folder: Path, split: str) -> Iterator[QA]:
    data = load_json(folder / DATA_FILE)
    gold = load_json(folder / TEST_GOLD) if split == "test" else {}
    for pmid in split_pmids(folder, split):
        if pmid not in data:
            raise CorpusFormatError(folder / SPLITS_FILE, f"PMID {pmid}", f"not in {DATA_FILE}")
        entry = data[pmid]
        try:
            contexts, labels, answer = entry["CONTEXTS"], entry["LABELS"], entry["final_decision"]
            question = entry["QUESTION"]
        except KeyError as missing:
            raise CorpusFormatError(folder / DATA_FILE, f"PMID {pmid}", f"missing field {missing}") from None
        if len(contexts) != len(labels) or answer not in CHOICES:
            raise CorpusFormatError(
                folder / DATA_FILE, f"PMID {pmid}", "CONTEXTS/LABELS differ in length or bad answer"
            )
        if split == "test" and gold.get(pmid) != answer:
            raise CorpusFormatError(folder / TEST_GOLD, f"PMID {pmid}", f"gold {gold.get(pmid)!r} != {answer!r}")
        yield QA(
            id=f"pubmedqa-{pmid}",
            document_id=pmid,
            question=question,
            context="\n".join(f"{label}: {text}" for label, text in zip(labels, contexts)),
            choices=CHOICES,
            answer=(answer,),
        )


CORPORA = (
    Corpus(
        name="pubmedqa",
        display_name="PubMedQA (PQA-L)",
        task_type="qa",
        metric="accuracy",
        reader=read,
        view=qa_view,
        folder="pubmedqa",
        files=FILES,
        split_sizes={"train": 450, "validation": 50, "test": 500},
        license="MIT",
        citation=(
            "Jin Q, Dhingra B, Liu Z, Cohen W, Lu X. PubMedQA: A Dataset for Biomedical Research Question "
            "Answering. EMNLP-IJCNLP 2019:2567-2577. doi:10.18653/v1/D19-1259"
        ),
        homepage="https://pubmedqa.github.io/",
        description="Yes/no/maybe questions answered from a PubMed abstract without its conclusion.",
        benchmarks=("blurb",),
        role="eval",
    ),
)
