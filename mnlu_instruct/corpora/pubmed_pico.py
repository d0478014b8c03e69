"""PubMed PICO Element Detection (Jin & Szolovits 2018): which PICO element a sentence of a PubMed abstract of a
randomised controlled trial describes, from the user's own copy.

Files: ``splitted/PICO_train.txt``, ``splitted/PICO_dev.txt`` and ``splitted/PICO_test.txt`` of
https://github.com/jind11/PubMed-PICO-Detection; put the three files under ``pubmed_pico/``.

Format (as the files are read by the public code that uses them): an abstract starts with a line ``###`` + its
PMID; each of its sentences is a line ``n|LABEL|sentence`` (the first field is not used here; the sentence is
everything after the second ``|``); blank lines separate abstracts. Labels: A (aim), P (participants), I
(intervention), O (outcome), M (method), R (results), C (conclusion), as the paper defines them.

A record is one sentence, asked as a single-choice question over the seven labels. The release's split files are
the splits (train / validation / test). The file format and label letters were checked against code that reads
the files, not against the files themselves; the release documents no sentence counts that could be verified
here, so ``split_sizes`` is empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.text_file import numbered_lines
from ..schema import CorpusFormatError, TextClassification
from ..views import single_label_view

NAME = "pubmed_pico"
FILES = {"train": ("PICO_train.txt",), "validation": ("PICO_dev.txt",), "test": ("PICO_test.txt",)}
LABELS = (
    ("A", "Aim: the objective of the study"),
    ("P", "Participants: who was studied (population, condition, setting)"),
    ("I", "Intervention: the treatment or exposure given (or compared)"),
    ("O", "Outcome: what was measured"),
    ("M", "Method: how the study was designed and carried out"),
    ("R", "Results: what was found"),
    ("C", "Conclusion: what the authors conclude"),
)
_LABEL_NAMES = frozenset(name for name, _ in LABELS)


def read(folder: Path, split: str) -> Iterator[TextClassification]:
    """One record per labelled sentence, in file order; its document is the PMID of the last ``###`` line."""
    path = folder / FILES[split][0]
    pmid, count = "", 0
    for number, line in numbered_lines(path):
        if not line.strip():
            continue
        if line.startswith("###"):
            pmid, count = line[3:].strip(), 0
            if not pmid:
                raise CorpusFormatError(path, f"line {number}", "a ### line without a PMID")
            continue
        fields = line.split("|", 2)
        if len(fields) != 3 or not fields[2].strip():
            raise CorpusFormatError(path, f"line {number}", f"expected 'n|LABEL|sentence', found {line[:80]!r}")
        if not pmid:
            raise CorpusFormatError(path, f"line {number}", "a sentence before the first ###PMID line")
        label = fields[1].strip()
        if label not in _LABEL_NAMES:
            raise CorpusFormatError(path, f"line {number}", f"unknown label {label!r}; expected one of "
                                                             f"{sorted(_LABEL_NAMES)}")
        yield TextClassification(id=f"{NAME}-{split}-{pmid}-{count}", document_id=pmid, text=fields[2].strip(),
                                 labels=(label,))
        count += 1


CORPORA = (
    Corpus(
        name=NAME,
        display_name="PubMed PICO Element Detection",
        task_type="dc",
        metric="accuracy",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={},
        license="not stated",
        citation=(
            "Jin D, Szolovits P. PICO Element Detection in Medical Text via Long Short-Term Memory Neural Networks. "
            "In: Proceedings of the BioNLP 2018 workshop. 2018:67-75. doi:10.18653/v1/W18-2308"
        ),
        homepage="https://github.com/jind11/PubMed-PICO-Detection",
        description="Sentences of PubMed RCT abstracts labelled with the PICO element (or section) they describe.",
        view=single_label_view,
        role="train",
        user_supplied=True,
        access=(
            "Public, not shipped: download splitted/PICO_train.txt, splitted/PICO_dev.txt and splitted/PICO_test.txt "
            "from https://github.com/jind11/PubMed-PICO-Detection and put them under pubmed_pico/."
        ),
        labels=LABELS,
        question="Which element of the trial does this sentence of the abstract describe?",
    ),
)
