"""BioNLI (Bastan et al. 2022): biomedical natural language inference. The premise is the supporting text of a
PubMed abstract, the hypothesis its conclusion sentence (entailed) or a perturbed one (not entailed), from the
user's own copy.

Files: the release is a Google Drive folder (the full and the balanced distribution, linked from
https://github.com/StonyBrookNLP/BioNLI; the test set is sent on request). Save its training and development
tables as CSV under ``bionli/``: ``train.csv`` and ``dev.csv``.

Format: CSV with a header that has the columns ``premise``, ``hypothesis`` and ``label``. The release could not be
inspected here (Drive only), so the column names and label values are this reader's contract, not checked
against the files: ``label`` is ``entailment`` (also ``1``, ``pos``, ``positive``, ``consistent``) or
``not_entailment`` (also ``0``, ``neg``, ``negative``, ``inconsistent``, ``contradiction``). Rename the columns
of the release to these if they differ.

Splits: ``train.csv`` is ``train``, ``dev.csv`` is ``validation``; a record is one row (its line is its id).
The paper reports its split sizes per distribution; they are not declared here (``split_sizes`` is empty)
because which distribution a user saves is their choice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.csv_rows import read_csv
from ..schema import CorpusFormatError, Pair

NAME = "bionli"
FILES = {"train": ("train.csv",), "validation": ("dev.csv",)}
COLUMNS = ("premise", "hypothesis", "label")
ENTAILMENT, NOT_ENTAILMENT = "entailment", "not_entailment"
LABELS = (
    (ENTAILMENT, "Entailment: the premise supports the hypothesis"),
    (NOT_ENTAILMENT, "Not entailment: the premise does not support the hypothesis"),
)
_SPELLINGS = {
    **dict.fromkeys(("entailment", "1", "pos", "positive", "consistent"), ENTAILMENT),
    **dict.fromkeys(("not_entailment", "0", "neg", "negative", "inconsistent", "contradiction"), NOT_ENTAILMENT),
}


def read(folder: Path, split: str) -> Iterator[Pair]:
    """One pair per row, in file order."""
    path = folder / FILES[split][0]
    for number, row in read_csv(path, COLUMNS):
        premise, hypothesis = row["premise"].strip(), row["hypothesis"].strip()
        if not premise or not hypothesis:
            raise CorpusFormatError(path, f"line {number}", "empty premise or hypothesis")
        label = _SPELLINGS.get(row["label"].strip().lower())
        if label is None:
            expected = sorted(_SPELLINGS)
            raise CorpusFormatError(path, f"line {number}", f"label {row['label']!r} is not one of {expected}")
        yield Pair(id=f"{NAME}-{split}-{number}", document_id=f"{split}-{number}", text_1=premise, text_2=hypothesis,
                   label=label)


CORPORA = (
    Corpus(
        name=NAME,
        display_name="BioNLI",
        task_type="nli",
        metric="accuracy",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={},
        license="CC BY 4.0 (the authors' repository README)",
        citation=(
            "Bastan M, Surdeanu M, Balasubramanian N. BioNLI: Generating a Biomedical NLI Dataset Using "
            "Lexico-semantic Constraints for Adversarial Examples. In: Findings of EMNLP 2022. 2022:5093-5104."
        ),
        homepage="https://github.com/StonyBrookNLP/BioNLI",
        description=(
            "Biomedical NLI: the evidence of a PubMed abstract against its mechanistic conclusion or a perturbed "
            "one (entailment or not)."
        ),
        role="train",
        user_supplied=True,
        access=(
            "Public (CC BY 4.0), Google Drive only: from the BioNLI Drive folder linked at "
            "https://github.com/StonyBrookNLP/BioNLI save the training and development tables as bionli/train.csv "
            "and bionli/dev.csv, with the columns premise, hypothesis and label."
        ),
        labels=LABELS,
        question="Does the biomedical evidence in the premise support the conclusion in the hypothesis?",
    ),
)
