"""The foundation corpora on the real files: NCBI-disease, BC5CDR (sentences and abstracts) and PubMedQA.

Documented split sizes and mention counts (SOURCE.md of each corpus), offsets, entity ids, metadata, the
cross-check of the IOB sentences against the original releases, and clear errors on corrupted copies of the real
files. Example counts, unique example ids, round trip and scores are checked for every corpus in test_invariants.py;
the records come from the session cache (``corpus_records``).
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.corpus import METRICS, SPLITS, MissingCorpusError
from mnlu_instruct.examples import ChoiceAnswer, SpanAnswer
from mnlu_instruct.schema import CorpusFormatError

SPLIT_SIZES = {
    "ncbi_disease": (5424, 923, 940),
    "ncbi_disease_abstracts": (593, 100, 100),
    "bc5cdr_chem": (4560, 4581, 4797),
    "bc5cdr_disease": (4560, 4581, 4797),
    "bc5cdr_abstracts": (500, 500, 500),
    "pubmedqa": (450, 50, 500),
}
NAMES = tuple(SPLIT_SIZES)
KB_NAMES = tuple(name for name in NAMES if name != "pubmedqa")
MENTIONS = {
    "ncbi_disease": {"Disease": (5134, 787, 960)},
    "ncbi_disease_abstracts": {"Disease": (5145, 787, 960)},
    "bc5cdr_chem": {"Chemical": (5203, 5347, 5385)},
    "bc5cdr_disease": {"Disease": (4182, 4246, 4424)},
    "bc5cdr_abstracts": {"Chemical": (5203, 5347, 5385), "Disease": (4182, 4244, 4424)},
}


@pytest.fixture(scope="module")
def read(corpus_records):
    """``read(name, split)``: the records of one split, from the session cache."""
    return corpus_records


def squeezed(text: str) -> str:
    return text.replace(" ", "")


# -- documented counts -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_declared_split_sizes_are_the_documented_ones(name):
    """The files are checked against ``split_sizes`` in test_invariants.py; these are SOURCE.md's figures."""
    corpus = get_corpus(name)
    assert corpus.splits == SPLITS
    assert tuple(corpus.split_sizes[s] for s in SPLITS) == SPLIT_SIZES[name]


@pytest.mark.parametrize("name", KB_NAMES)
def test_documented_mention_counts(name, read):
    for index, split in enumerate(SPLITS):
        counts = Counter(e.type for doc in read(name, split) for e in doc.entities)
        assert counts == {type_: per_split[index] for type_, per_split in MENTIONS[name].items()}, split


def test_ncbi_mention_classes_stay_in_the_entity_ids(read):
    classes = {split: Counter(e.id.rsplit("-", 1)[1] for doc in read("ncbi_disease_abstracts", split)
                              for e in doc.entities) for split in SPLITS}
    names = ("SpecificDisease", "DiseaseClass", "Modifier", "CompositeMention")
    assert classes["train"] == dict(zip(names, (2972, 769, 1289, 115)))
    assert classes["validation"] == dict(zip(names, (412, 126, 214, 35)))
    assert classes["test"] == dict(zip(names, (555, 121, 264, 20)))


def test_ncbi_duplicate_training_abstract_is_kept_under_a_second_id(read):
    copies = [doc for doc in read("ncbi_disease_abstracts", "train") if doc.document_id == "8528200"]
    assert [doc.id for doc in copies] == ["ncbi_disease_abstracts-8528200", "ncbi_disease_abstracts-8528200-2"]
    assert copies[0].text == copies[1].text and len(copies[0].entities) == len(copies[1].entities) == 11
    assert len({doc.document_id for doc in read("ncbi_disease_abstracts", "train")}) == 592


def test_ncbi_trailing_space_mention_is_read_as_the_text(read):
    doc = next(doc for doc in read("ncbi_disease_abstracts", "train") if doc.document_id == "10923035")
    (mention,) = [e for e in doc.entities if e.offsets == ((711, 761),)]
    assert mention.text == ('generalized epilepsy and febrile seizures " plus "',)
    assert mention.normalized == (("MeSH", "D004829"), ("MeSH", "D003294"))


def test_bc5cdr_cid_relations_join_a_chemical_and_a_disease_concept(read):
    counts = []
    for split in SPLITS:
        relations = 0
        for doc in read("bc5cdr_abstracts", split):
            types: dict[str, set[str]] = {}
            for entity in doc.entities:
                for _, concept in entity.normalized:
                    types.setdefault(concept, set()).add(entity.type)
            for relation in doc.relations:
                assert relation.type == "CID"
                assert "Chemical" in types[relation.arg1_id] and "Disease" in types[relation.arg2_id]
            relations += len(doc.relations)
        counts.append(relations)
    assert counts == [1038, 1012, 1066]


def test_pubmedqa_labels_and_contexts(read, data_dir):
    answers = {split: Counter(qa.answer[0] for qa in read("pubmedqa", split)) for split in SPLITS}
    assert answers["train"] == {"yes": 249, "no": 152, "maybe": 49}
    assert answers["validation"] == {"yes": 27, "no": 17, "maybe": 6}
    assert answers["test"] == {"yes": 276, "no": 169, "maybe": 55}
    gold = json.loads((data_dir / "pubmedqa/test_ground_truth.json").read_text(encoding="utf-8"))
    assert {qa.document_id: qa.answer[0] for qa in read("pubmedqa", "test")} == gold
    raw = json.loads((data_dir / "pubmedqa/ori_pqal.json").read_text(encoding="utf-8"))
    unlabelled = 0
    for split in SPLITS:
        for qa in read("pubmedqa", split):
            entry = raw[qa.document_id]
            lines = qa.context.split("\n")
            assert len(lines) == len(entry["CONTEXTS"]) and qa.choices == ("yes", "no", "maybe")
            for line, label, text in zip(lines, entry["LABELS"], entry["CONTEXTS"]):
                assert line == (text if label == "UNLABELLED" else f"{label}: {text}")
            unlabelled += "UNLABELLED" in entry["LABELS"]
            assert qa.question == entry["QUESTION"] and entry["LONG_ANSWER"] not in qa.context
    assert unlabelled == 6


# -- offsets and ids -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", KB_NAMES)
def test_offsets_point_at_the_mention_text(name, read):
    for split in SPLITS:
        for doc in read(name, split):
            for entity in doc.entities:
                ((start, end),) = entity.offsets
                assert doc.text[start:end] == entity.text[0] and entity.text[0] == entity.text[0].strip()
            if name.endswith("_abstracts"):
                (t0, t1), (a0, a1) = (p.offsets[0] for p in doc.passages)
                assert (t0, a0, a1) == (0, t1 + 1, len(doc.text)) and doc.text[t1] == " "
            else:
                assert "  " not in doc.text and doc.passages[0].offsets == ((0, len(doc.text)),)


@pytest.mark.parametrize("name", NAMES)
def test_ids_name_the_corpus_and_entity_ids_are_unique_across_splits(name, read):
    """Record (example) ids are checked for every corpus in test_invariants.py; entity and relation ids here."""
    records = [record for split in SPLITS for record in read(name, split)]
    ids = [e.id for record in records for e in getattr(record, "entities", ())]
    ids += [r.id for record in records for r in getattr(record, "relations", ())]
    assert len(ids) == len(set(ids)) and (name == "pubmedqa") == (not ids)
    assert all(record.id.startswith(f"{name}-") for record in records)
    if name in ("ncbi_disease", "bc5cdr_chem", "bc5cdr_disease"):
        assert read(name, "test")[123].id == f"{name}-test-00123"
    else:  # PMIDs: no document in two splits
        pmids = [{record.document_id for record in read(name, split)} for split in SPLITS]
        assert not (pmids[0] & pmids[1] or pmids[0] & pmids[2] or pmids[1] & pmids[2])


# -- the IOB sentences against the original releases -----------------------------------------------------
def test_bc5cdr_chem_and_disease_files_hold_the_same_sentences(read):
    for split in SPLITS:
        assert [d.text for d in read("bc5cdr_chem", split)] == [d.text for d in read("bc5cdr_disease", split)]


@pytest.mark.parametrize(
    ("sentences", "abstracts", "type_", "split"),
    [
        ("bc5cdr_chem", "bc5cdr_abstracts", "Chemical", "train"),
        ("bc5cdr_disease", "bc5cdr_abstracts", "Disease", "train"),
        ("bc5cdr_disease", "bc5cdr_abstracts", "Disease", "test"),
        ("ncbi_disease", "ncbi_disease_abstracts", "Disease", "validation"),
        ("ncbi_disease", "ncbi_disease_abstracts", "Disease", "test"),
    ],
)
def test_iob_mentions_equal_the_release_mentions(sentences, abstracts, type_, split, read):
    """Where the IOB conversion lost nothing, its mentions are the release's (spaces aside: tokenisation)."""
    iob = Counter(squeezed(e.text[0]) for doc in read(sentences, split) for e in doc.entities)
    release = Counter(squeezed(e.text[0]) for doc in read(abstracts, split) for e in doc.entities if e.type == type_)
    assert iob == release


def test_known_iob_differences_from_the_releases(read):
    def difference(sentences, abstracts, type_, split):
        iob = Counter(squeezed(e.text[0]) for doc in read(sentences, split) for e in doc.entities)
        release = Counter(squeezed(e.text[0]) for doc in read(abstracts, split) for e in doc.entities
                          if e.type == type_)
        return iob - release, release - iob

    # "St. Anthony's fire" (twice) split after "St." by the sentence splitter: 2 mentions more
    assert difference("bc5cdr_disease", "bc5cdr_abstracts", "Disease", "validation") == (
        {"St.": 2, "Anthony'sfire": 2}, {"St.Anthony'sfire": 2})
    # the duplicated abstract 8528200 once only, and two mentions extended to the whole token
    assert difference("ncbi_disease", "ncbi_disease_abstracts", "Disease", "train") == (
        {"autosomaldominantdisorder": 1, "absenceoftheseventhcomponentofcomplement": 1},
        {"MJD": 6, "Machado-Josephdisease": 2, "HD": 2, "Huntingtondisease": 1,
         "autosomaldominantdisorde": 1, "absenceoftheseventhcomponentofcomplemen": 1})


# -- metadata ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_metadata_is_complete(name, data_dir):
    corpus = get_corpus(name)
    assert corpus.role == "eval" and corpus.metric in METRICS and not corpus.restricted
    for text in (corpus.display_name, corpus.license, corpus.citation, corpus.description, corpus.access):
        assert text.strip()
    assert corpus.homepage.startswith("https://")
    # BLURB scores the IOB sentence files; BLUE scores BC5CDR on the release's offsets (bc5cdr_*_blue); the
    # abstract-level views are no benchmark's dataset
    assert corpus.benchmarks == (() if name.endswith("_abstracts") else ("blurb",))
    assert all((data_dir / corpus.folder / path).is_file() for files in corpus.files.values() for path in files)
    if name == "pubmedqa":
        assert (corpus.task_type, corpus.metric) == ("qa", "accuracy")
        assert corpus.license == "MIT"
    else:
        assert (corpus.task_type, corpus.metric) == ("ner", "entity_f1")
        assert [t for t, _ in corpus.entity_types] == list(MENTIONS[name])
        assert all(len(definition) > 20 for _, definition in corpus.entity_types)


def test_examples_carry_the_gold_answer(read, corpus_examples):
    (document, *_), (ner, *_) = read("ncbi_disease", "test"), corpus_examples("ncbi_disease", "test")
    assert ner.types == get_corpus("ncbi_disease").entity_types
    assert ner.answer == SpanAnswer((("Disease", tuple(e.text[0] for e in document.entities)),))
    assert ner.answer.spans[0][1]  # the first test sentence has a mention
    (record, *_), (qa, *_) = read("pubmedqa", "test"), corpus_examples("pubmedqa", "test")
    assert qa.options == ("yes", "no", "maybe") and qa.question == record.question
    assert qa.answer == ChoiceAnswer((qa.options.index(record.answer[0]),))


# -- missing and corrupted files -------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_missing_corpus_folder_says_what_to_obtain(name, tmp_path):
    corpus = get_corpus(name)
    with pytest.raises(MissingCorpusError) as caught:
        list(corpus.read("test", tmp_path))
    message = str(caught.value)
    assert f"missing {tmp_path / corpus.folder / corpus.files['test'][0]}" in message
    assert corpus.access in message and "https://" in message


def corrupted(data_dir: Path, tmp_path: Path, relative: str, edit) -> Path:
    """A data directory holding a copy of one real file, changed by ``edit(lines) -> lines``; returns it."""
    target = tmp_path / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = (data_dir / relative).read_text(encoding="utf-8").split("\n")
    target.write_text("\n".join(edit(lines)), encoding="utf-8")
    return tmp_path


def with_line(number: int, text: str):
    return lambda lines: lines[: number - 1] + [text] + lines[number:]


def read_all(name: str, split: str, data_dir: Path) -> None:
    for _ in get_corpus(name).read(split, data_dir):
        pass


def test_truncated_iob_file_names_file_and_line(data_dir, tmp_path):
    relative = "bc5cdr/blurb_iob/BC5CDR-chem-IOB/devel.tsv"
    root = corrupted(data_dir, tmp_path, relative, lambda lines: lines[:99] + [lines[99][:3]])
    with pytest.raises(CorpusFormatError, match=r"devel\.tsv: line 100: the file ends inside this line"):
        read_all("bc5cdr_chem", "validation", root)


def test_bad_tag_in_disease_file_names_file_and_line(data_dir, tmp_path):
    relative = "bc5cdr/blurb_iob/BC5CDR-disease-IOB/test.tsv"
    root = corrupted(data_dir, tmp_path, relative, with_line(7, "word\tB-"))
    with pytest.raises(CorpusFormatError, match=r"BC5CDR-disease-IOB/test\.tsv: line 7: not an IOB2 tag: 'B-'"):
        read_all("bc5cdr_disease", "test", root)


def test_ncbi_release_mention_errors_name_file_and_line(data_dir, tmp_path):
    relative = "ncbi_disease/original/NCBItestset_corpus.txt"
    lines = (data_dir / relative).read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines, start=1) if line.count("\t") == 5)
    pmid, start, end, mention, *rest = lines[number - 1].split("\t")
    past = f"{pmid}\t{start}\t99999\t{mention}\t" + "\t".join(rest)
    root = corrupted(data_dir, tmp_path, relative, with_line(number, past))
    with pytest.raises(CorpusFormatError, match=rf"NCBItestset_corpus\.txt: line {number}: offsets \[{start}, 99999\)"):
        read_all("ncbi_disease_abstracts", "test", root)
    wrong = f"{pmid}\t{start}\t{end}\t{mention.upper()}X\t" + "\t".join(rest)
    root = corrupted(data_dir, tmp_path, relative, with_line(number, wrong))
    claimed = re.escape(repr(mention.upper() + "X"))
    with pytest.raises(CorpusFormatError, match=rf"NCBItestset_corpus\.txt: line {number}: mention {claimed} differs"):
        read_all("ncbi_disease_abstracts", "test", root)


def test_bc5cdr_relation_to_an_unknown_concept_is_an_error(data_dir, tmp_path):
    relative = "bc5cdr/original/CDR_TestSet.PubTator.txt"
    lines = (data_dir / relative).read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines, start=1) if "\tCID\t" in line)
    pmid = lines[number - 1].split("\t")[0]
    root = corrupted(data_dir, tmp_path, relative, with_line(number, f"{pmid}\tCID\tD000000\tD003643"))
    with pytest.raises(CorpusFormatError, match=rf"CDR_TestSet\.PubTator\.txt: document {pmid} \(line \d+\): relation"):
        read_all("bc5cdr_abstracts", "test", root)


def test_pubmedqa_broken_and_inconsistent_files(data_dir, tmp_path):
    for name in ("ori_pqal.json", "test_ground_truth.json", "splits/pqal_splits.json"):
        (tmp_path / "pubmedqa" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data_dir / "pubmedqa" / name, tmp_path / "pubmedqa" / name)
    splits_path = tmp_path / "pubmedqa/splits/pqal_splits.json"
    splits = json.loads(splits_path.read_text(encoding="utf-8"))
    splits["fold0"]["dev"][0] = "99999999"
    splits_path.write_text(json.dumps(splits, indent=1), encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"pqal_splits\.json: PMID 99999999: not in ori_pqal\.json"):
        read_all("pubmedqa", "validation", tmp_path)
    splits["test"] = splits["test"][:-1]
    splits_path.write_text(json.dumps(splits, indent=1), encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"test_ground_truth\.json: keys: differ .* \(1 extra, 0 missing\)"):
        read_all("pubmedqa", "test", tmp_path)
    data_path = tmp_path / "pubmedqa/ori_pqal.json"
    text = data_path.read_text(encoding="utf-8")
    data_path.write_text(text[: len(text) // 2], encoding="utf-8")  # truncated
    line = text[: len(text) // 2].count("\n") + 1
    with pytest.raises(CorpusFormatError, match=rf"ori_pqal\.json: line {line}, column \d+: not valid JSON"):
        read_all("pubmedqa", "train", tmp_path)
