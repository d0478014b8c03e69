"""BioASQ Task 7b yes/no questions (Nentidis et al. 2019), as BLURB uses them (670 / 75 / 140).

BioASQ data is distributed to registered users only, so only BLURB's question-id split is shipped
(``bioasq/blurb_split/*_id.tsv``: one line of comma-separated question ids). Users add the official
files themselves, as downloaded: the 7b training set ``BioASQ-training7b.zip`` for the train and
validation ids and the 7b golden test batches ``Task7BGoldenEnriched.zip`` for the test ids.
Each question (``{"questions": [{"id", "type", "body", "exact_answer", "snippets": [{"text"}, ...]}]}``)
becomes one QA record whose context is its snippets' texts joined by spaces, as BLURB builds it.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..schema import QA, CorpusFormatError
from ..views import qa_view

TRAINING = "BioASQ-training7b"
GOLDEN = "Task7BGoldenEnriched"
ID_FILES = {
    "train": "blurb_split/train_id.tsv",
    "validation": "blurb_split/dev_id.tsv",
    "test": "blurb_split/test_id.tsv",
}
SOURCES = {"train": TRAINING, "validation": TRAINING, "test": GOLDEN}
FILES = {split: (ID_FILES[split], f"{SOURCES[split]}.zip") for split in ID_FILES}
CHOICES = ("yes", "no")
ACCESS = (
    "BioASQ data needs a (free) BioASQ account: register at http://participants-area.bioasq.org/, download the "
    "Task 7b training set BioASQ-training7b.zip and the 7b golden test batches Task7BGoldenEnriched.zip, and put "
    "both zip files, as downloaded, in <data dir>/bioasq/, "
    "beside the blurb_split/ folder shipped with the shared data."
)


def _json_documents(archive: Path) -> Iterator[tuple[str, object]]:
    """``(member name, parsed JSON)`` for every JSON file of one of the user's zip files."""
    with zipfile.ZipFile(archive) as bundle:
        for member in sorted(n for n in bundle.namelist() if n.endswith(".json")):
            source = f"{archive}:{member}"
            try:
                yield source, json.loads(bundle.read(member).decode("utf-8"))
            except json.JSONDecodeError as error:
                raise CorpusFormatError(source, f"line {error.lineno}", f"not valid JSON ({error.msg})") from None


def read(folder: Path, split: str) -> Iterator[QA]:
    wanted = (folder / ID_FILES[split]).read_text(encoding="utf-8").strip().split(",")
    found: dict[str, QA] = {}
    for source, content in _json_documents(folder / f"{SOURCES[split]}.zip"):
        questions = content.get("questions") if isinstance(content, dict) else None
        if not isinstance(questions, list):
            raise CorpusFormatError(source, "top level", 'expected {"questions": [...]}')
        for number, question in enumerate(questions):
            if not isinstance(question, dict) or question.get("id") not in wanted:
                continue
            answer = question.get("exact_answer")
            answer = answer.strip().lower() if isinstance(answer, str) else answer
            if question.get("type") != "yesno" or answer not in CHOICES:
                raise CorpusFormatError(
                    source,
                    f"question {number} ({question.get('id')})",
                    "not a yes/no question with a yes/no exact_answer",
                )
            snippets = question.get("snippets") or []
            found[question["id"]] = QA(
                id=f"bioasq-{question['id']}",
                document_id=question["id"],
                question=str(question.get("body", "")).strip(),
                context=" ".join(str(s.get("text", "")).strip() for s in snippets if isinstance(s, dict)),
                choices=CHOICES,
                answer=(answer,),
            )
    missing = [qid for qid in wanted if qid not in found]
    if missing:
        raise CorpusFormatError(
            folder / ID_FILES[split],
            f"{len(missing)} ids",
            f"not found in the {SOURCES[split]} files, e.g. {missing[0]}",
        )
    for qid in wanted:
        yield found[qid]


CORPORA = (
    Corpus(
        name="bioasq",
        display_name="BioASQ 7b yes/no",
        task_type="qa",
        metric="accuracy",
        reader=read,
        view=qa_view,
        folder="bioasq",
        files=FILES,
        split_sizes={"train": 670, "validation": 75, "test": 140},
        license="BioASQ terms of use and NLM terms (registration required; not redistributable); split ids MIT",
        restricted=True,
        citation=(
            "Nentidis A, Bougiatiotis K, Krithara A, Paliouras G. Results of the Seventh Edition of the BioASQ "
            "Challenge. ECML PKDD 2019 Workshops:553-568. doi:10.1007/978-3-030-43887-6_51"
        ),
        homepage="http://bioasq.org/",
        description="Yes/no biomedical questions answered from the snippets of relevant PubMed abstracts.",
        benchmarks=("blurb",),
        access=ACCESS,
    ),
)
