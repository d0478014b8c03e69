"""MultiNLI 1.0 (Williams et al. 2018): 3-way natural language inference over ten genres of written and spoken
English, a general-domain training source (the paper's mix takes 3% of its train file), from the user's own copy.

Files: from https://cims.nyu.edu/~sbowman/multinli/multinli_1.0.zip take ``multinli_1.0_train.jsonl``,
``multinli_1.0_dev_matched.jsonl`` and ``multinli_1.0_dev_mismatched.jsonl`` and put them under ``multinli/``.

Format: JSON Lines with ``pairID``, ``promptID``, ``genre``, ``sentence1`` (premise), ``sentence2`` (hypothesis)
and ``gold_label`` (``entailment``, ``neutral``, ``contradiction``, or ``-`` where the annotators had no majority;
those pairs are left out, as in SNLI). The test sets carry no labels and are not read.

Splits: ``train`` is the train file; ``validation`` is the matched then the mismatched development file. Counts
(the Hub card nyu-mll/multi_nli): 392,702 train pairs; 9,815 matched and 9,832 mismatched development pairs with a gold
label (19,647).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.jsonl import read_jsonl
from ..schema import CorpusFormatError, Pair
from .snli import LABELS, NO_GOLD

NAME = "multinli"
FILES = {
    "train": ("multinli_1.0_train.jsonl",),
    "validation": ("multinli_1.0_dev_matched.jsonl", "multinli_1.0_dev_mismatched.jsonl"),
}
FIELDS = ("pairID", "promptID", "sentence1", "sentence2", "gold_label")
_LABEL_NAMES = frozenset(name for name, _ in LABELS)


def read(folder: Path, split: str) -> Iterator[Pair]:
    """The split's labelled pairs in file order (``-`` rows left out)."""
    for name in FILES[split]:
        path = folder / name
        part = name.removeprefix("multinli_1.0_").removesuffix(".jsonl")
        for number, row in read_jsonl(path):
            missing = [field for field in FIELDS if not isinstance(row.get(field), str)]
            if missing:
                raise CorpusFormatError(path, f"line {number}", f"missing or non-string field(s) {', '.join(missing)}")
            label = row["gold_label"]
            if label == NO_GOLD:
                continue
            if label not in _LABEL_NAMES:
                raise CorpusFormatError(path, f"line {number}", f"gold_label {label!r} is unknown")
            yield Pair(id=f"{NAME}-{part}-{row['pairID']}", document_id=row["promptID"], text_1=row["sentence1"],
                       text_2=row["sentence2"], label=label)


CORPORA = (
    Corpus(
        name=NAME,
        display_name="MultiNLI 1.0",
        task_type="nli",
        metric="accuracy",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 392702, "validation": 9815 + 9832},
        license=(
            "Mixed, per the Hub card nyu-mll/multi_nli: the portion from the Open American National Corpus under "
            "its licence; the fiction genre under several licences, including CC BY-SA 3.0 Unported and CC BY 3.0 "
            "Unported (the card's licence list also names MIT)"
        ),
        share_alike=True,
        citation=(
            "Williams A, Nangia N, Bowman SR. A Broad-Coverage Challenge Corpus for Sentence Understanding through "
            "Inference. In: Proceedings of NAACL-HLT 2018. 2018:1112-1122. doi:10.18653/v1/N18-1101"
        ),
        homepage="https://cims.nyu.edu/~sbowman/multinli/",
        description=(
            "Premise-hypothesis pairs over ten genres of English, labelled entailment, neutral or contradiction "
            "(general domain)."
        ),
        role="train",
        user_supplied=True,
        access=(
            "Public, not shipped: from https://cims.nyu.edu/~sbowman/multinli/multinli_1.0.zip take "
            "multinli_1.0_train.jsonl, multinli_1.0_dev_matched.jsonl and multinli_1.0_dev_mismatched.jsonl and put "
            "them under multinli/."
        ),
        labels=LABELS,
        question="Does the premise entail the hypothesis, contradict it, or neither (neutral)?",
    ),
)
