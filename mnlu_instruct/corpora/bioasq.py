"""BioASQ Task 7b yes/no questions (Nentidis et al. 2019), as BLURB uses them (670 / 75 / 140 questions).

BioASQ data goes to registered users only, so the shared data holds just BLURB's question-id split
(``bioasq/blurb_split/{train,dev,test}_id.tsv``: one line of comma-separated question ids). The user adds
the two official archives, as downloaded (see :data:`ACCESS`): the 7b training set
``BioASQ-training7b.zip`` (member ``BioASQ-training7b/trainining7b.json``; BLURB's training and development
ids are yes/no questions of it) and the 7b golden test batches ``Task7BGoldenEnriched.zip`` (one JSON per
batch; BLURB's test ids are all their yes/no questions). Every JSON member is read:
``{"questions": [{"id", "type", "body", "exact_answer", "snippets": [{"text", ...}, ...], ...}, ...]}``.

Each listed id becomes one QA record, in the id file's order, built as BLURB's data generation builds it:
the question is ``body`` and the context is the snippets' ``text`` joined by single spaces (line breaks
in either replaced by spaces); the answer is ``exact_answer``, "yes" or "no" (any case). An id that is
missing, listed twice, found twice, or not a yes/no question is an error naming the file and question.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.text_file import decode, read_text
from ..schema import QA, CorpusFormatError

TRAINING = "BioASQ-training7b.zip"
GOLDEN = "Task7BGoldenEnriched.zip"
ID_FILES = {
    "train": "blurb_split/train_id.tsv",
    "validation": "blurb_split/dev_id.tsv",
    "test": "blurb_split/test_id.tsv",
}
ARCHIVES = {"train": TRAINING, "validation": TRAINING, "test": GOLDEN}
FILES = {split: (ID_FILES[split], ARCHIVES[split]) for split in ID_FILES}
CHOICES = ("yes", "no")
ACCESS = (
    "BioASQ data is given to registered users only: register at http://participants-area.bioasq.org/accounts/register/ "
    "(free), then from http://participants-area.bioasq.org/datasets/ "
    "download the Task 7b training data BioASQ-training7b.zip and the Task 7b test data with golden answers "
    "Task7BGoldenEnriched.zip, and put both zip files, as downloaded (not unpacked), in <data dir>/bioasq/, "
    "beside the blurb_split/ folder of the shared data."
)


def read_ids(path: Path) -> list[str]:
    """The comma-separated question ids of a BLURB split file (one line), checked to be unique."""
    ids = [qid.strip() for qid in read_text(path).strip().split(",")]
    if not all(ids):
        raise CorpusFormatError(path, "line 1", "expected one line of comma-separated question ids")
    duplicates = sorted({qid for qid in ids if ids.count(qid) > 1})
    if duplicates:
        raise CorpusFormatError(path, "line 1", f"question id(s) listed twice: {', '.join(duplicates)}")
    return ids


def questions(archive: Path) -> Iterator[tuple[str, int, object]]:
    """``(archive:member, position, question)`` for every question of every JSON member of ``archive``."""
    try:
        bundle = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise CorpusFormatError(archive, "file", "not a zip archive; put the file as downloaded from BioASQ") from None
    with bundle:
        for member in sorted(name for name in bundle.namelist() if name.endswith(".json")):
            source = f"{archive}:{member}"
            try:
                content = json.loads(decode(Path(source), bundle.read(member)))
            except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                raise CorpusFormatError(source, "member", f"cannot be read from the zip: {error}") from None
            except json.JSONDecodeError as error:
                raise CorpusFormatError(
                    source, f"line {error.lineno}, column {error.colno}", f"not valid JSON ({error.msg})"
                ) from None
            listed = content.get("questions") if isinstance(content, dict) else None
            if not isinstance(listed, list):
                raise CorpusFormatError(source, "top level", 'expected {"questions": [...]}')
            for position, question in enumerate(listed):
                yield source, position, question


def to_record(source: str, position: int, question: dict) -> QA:
    """A yes/no question as BLURB builds it; anything else is an error naming the file and question."""
    qid = question["id"]
    where = f"question {position} (id {qid})"
    answer = question.get("exact_answer")
    answer = answer.strip().lower() if isinstance(answer, str) else answer
    if question.get("type") != "yesno" or answer not in CHOICES:
        found = f"type {question.get('type')!r}, exact_answer {question.get('exact_answer')!r}"
        raise CorpusFormatError(source, where, f"BLURB lists it as a yes/no question, but it has {found}")
    body, snippets = question.get("body"), question.get("snippets", [])
    if not isinstance(body, str) or not isinstance(snippets, list):
        raise CorpusFormatError(source, where, "expected a string body and a list of snippets")
    texts: list[str] = [
        snippet["text"] for snippet in snippets if isinstance(snippet, dict) and isinstance(snippet.get("text"), str)
    ]
    if len(texts) != len(snippets):
        raise CorpusFormatError(source, where, 'every snippet must be an object with a string "text"')
    return QA(
        id=f"bioasq-{qid}",
        document_id=qid,
        question=body.replace("\n", " "),
        context=" ".join(text.replace("\n", " ") for text in texts),
        choices=CHOICES,
        answer=(answer,),
    )


def read(folder: Path, split: str) -> Iterator[QA]:
    """The questions of BLURB's id list for ``split``, in its order, from the user's archive."""
    id_file, archive = folder / ID_FILES[split], folder / ARCHIVES[split]
    wanted = read_ids(id_file)
    pending, found = set(wanted), {}
    for source, position, question in questions(archive):
        qid = question.get("id") if isinstance(question, dict) else None
        if not isinstance(question, dict) or not isinstance(qid, str) or qid not in pending:
            continue
        if qid in found:
            raise CorpusFormatError(source, f"question {position}", f"question id {qid} appears a second time")
        found[qid] = to_record(source, position, question)
    missing = [qid for qid in wanted if qid not in found]
    if missing:
        raise CorpusFormatError(
            id_file,
            "line 1",
            f"{len(missing)} of its {len(wanted)} question ids are not in {archive.name} (first: "
            f"{', '.join(missing[:3])}); is it the Task 7b file?",
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
        folder="bioasq",
        files=FILES,
        split_sizes={"train": 670, "validation": 75, "test": 140},
        license=(
            "BioASQ terms of use and NLM terms and conditions (registration required; not redistributable); "
            "BLURB split ids MIT"
        ),
        restricted=True,
        user_supplied=True,
        citation=(
            "Nentidis A, Bougiatiotis K, Krithara A, Paliouras G. Results of the Seventh Edition of the BioASQ "
            "Challenge. ECML PKDD 2019 Workshops:553-568. doi:10.1007/978-3-030-43887-6_51"
        ),
        homepage="http://bioasq.org/",
        description="Yes/no biomedical questions answered from snippets of relevant PubMed abstracts (BLURB split).",
        access=ACCESS,
    ),
)
