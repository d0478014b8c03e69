"""STS-B, the GLUE version of the STS Benchmark (Cer et al. 2017): sentence similarity from 0 to 5.

GLUE's ``STS-B.zip`` is read in place (``STS-B/train.tsv`` and ``STS-B/dev.tsv``: tab-separated, header
:data:`HEADER`, no quoting). The splits are GLUE's: 5,749 train and 1,500 dev pairs; GLUE's test file has
no scores and is not used. As for BIOSSES and ClinicalSTS, the answer options are the scale's integers
0-5 and the target is the option nearest the gold score (half up), while Pearson's r is computed against
the real-valued score itself, so even gold targets score slightly below 1 (the rounding ceiling).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..schema import CorpusFormatError, Pair

NAME = "stsb"
ARCHIVE = "STS-B.zip"
FILES = {"train": (ARCHIVE,), "validation": (ARCHIVE,)}
MEMBERS = {"train": "STS-B/train.tsv", "validation": "STS-B/dev.tsv"}
HEADER = ("index", "genre", "filename", "year", "old_index", "source1", "source2", "sentence1", "sentence2", "score")
MAX_SCORE = 5


def _score(archive: Path, where: str, value: str) -> float:
    try:
        score = float(value)
    except ValueError:
        raise CorpusFormatError(archive, where, f"score {value!r} is not a number") from None
    if not 0 <= score <= MAX_SCORE:
        raise CorpusFormatError(archive, where, f"score {score:g} is outside 0-{MAX_SCORE}")
    return score


def member_rows(archive: Path, member: str) -> Iterator[tuple[int, list[str]]]:
    """``(line number, cells)`` of each data line of a TSV member of the zip, after checking the header."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            raw = bundle.read(member)
    except zipfile.BadZipFile as error:
        raise CorpusFormatError(archive, "archive", f"not a readable zip file: {error}") from None
    except KeyError:
        raise CorpusFormatError(archive, f"member {member}", "not in the zip") from None
    for number, line in enumerate(raw.split(b"\n"), start=1):
        where = f"member {member}, line {number}"
        try:
            text = line.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError as error:
            raise CorpusFormatError(archive, where, f"not valid UTF-8 (byte {error.start + 1} of the line)") from None
        cells = text.split("\t")
        if number == 1:
            if tuple(cells) != HEADER:
                raise CorpusFormatError(archive, where, f"expected the header {HEADER}, found {tuple(cells)}")
        elif text:
            if len(cells) != len(HEADER):
                raise CorpusFormatError(archive, where, f"expected {len(HEADER)} columns, found {len(cells)}")
            yield number, cells


def read(folder: Path, split: str) -> Iterator[Pair]:
    """One :class:`Pair` per row, with its real-valued score."""
    archive, member = folder / ARCHIVE, MEMBERS[split]
    seen: set[str] = set()
    for number, cells in member_rows(archive, member):
        where = f"member {member}, line {number}"
        index, sentence_1, sentence_2 = cells[0], cells[7], cells[8]
        if index in seen:
            raise CorpusFormatError(archive, where, f"index {index} appears twice")
        seen.add(index)
        pair_id = f"{NAME}-{split}-{index}"
        yield Pair(id=pair_id, document_id=pair_id, text_1=sentence_1, text_2=sentence_2,
                   label=_score(archive, where, cells[9]))


CORPORA = (
    Corpus(
        name=NAME,
        display_name="STS-B (GLUE)",
        task_type="sts",
        metric="pearson",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 5749, "validation": 1500},
        license=(
            "Scores CC BY-SA 4.0; the sentences keep their own sources' terms (MSR Paraphrase and MSR Video: "
            "Microsoft Research licence terms; headlines: EMM/Europa legal notice; image captions and the SNLI subset: "
            "CC BY-SA; Stack Exchange answers and forums: CC BY-SA 3.0), per the STS Benchmark LICENSE.txt"
        ),
        share_alike=True,
        citation=(
            "Cer D, Diab M, Agirre E, Lopez-Gazpio I, Specia L. SemEval-2017 Task 1: Semantic Textual Similarity "
            "Multilingual and Crosslingual Focused Evaluation. In: Proceedings of SemEval-2017. 2017:1-14. "
            "doi:10.18653/v1/S17-2001. Wang A, Singh A, Michael J, Hill F, Levy O, Bowman SR. GLUE: A Multi-Task "
            "Benchmark and Analysis Platform for Natural Language Understanding. ICLR 2019."
        ),
        homepage="http://ixa2.si.ehu.eus/stswiki/index.php/STSbenchmark",
        description=(
            "Sentence pairs from news headlines, image and video captions and forums, scored for semantic "
            "similarity from 0 (unrelated) to 5 (equivalent); general domain."
        ),
        role="train",
        access=(
            "Public: GLUE's STS-B.zip (from GLUE's download script, https://gluebenchmark.com/tasks) into stsb/, "
            "unchanged and not unzipped."
        ),
        labels=tuple((str(score), str(score)) for score in range(MAX_SCORE + 1)),
        question=(
            "How similar in meaning are the two sentences, on a 0-5 scale? 0 = completely dissimilar, on different "
            "topics; 1 = not equivalent, but on the same topic; 2 = not equivalent, but sharing some details; "
            "3 = roughly equivalent, but some important information differs or is missing; 4 = mostly equivalent, "
            "but some unimportant details differ; 5 = completely equivalent, as they mean the same thing."
        ),
    ),
)
