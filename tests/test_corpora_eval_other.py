"""BC2GM, JNLPBA (merged and typed), HoC (BLURB and BLUE) and BIOSSES on the real files; BioASQ and EBM PICO
on synthetic files in the official layouts (BioASQ also on BLURB's real question-id lists).

Documented split sizes and mention counts, offsets, checks against the sources the readers do not use (official
typed files, the corpus authors' label files, the annotators' scores), BIOSSES's score ceiling, and clear errors on
bad input. Example counts, unique ids, round trip and scores of the real corpora are checked in test_invariants.py;
their records and examples come from the session cache.
"""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from mnlu_instruct.answer_format import format_answer
from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.corpus import Corpus, MissingCorpusError
from mnlu_instruct.formats.conll import read_conll, sentence_to_document
from mnlu_instruct.parse import parse_answer
from mnlu_instruct.schema import CorpusFormatError
from mnlu_instruct.scoring import score_examples
from mnlu_instruct.views import sts_option

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_corpus(name: str) -> Corpus:
    """The corpus without its documented split sizes: the fixtures hold a few records of each split."""
    return replace(get_corpus(name), split_sizes={})
DOCUMENTED = {  # examples per split (train, validation, test), as BLURB / BLUE document them
    "bc2gm": (12574, 2519, 5038),
    "jnlpba": (16807, 1739, 3856),
    "jnlpba_typed": (16807, 1739, 3856),
    "hoc": (1295, 186, 371),
    "hoc_blue": (1108, 157, 315),
    "biosses": (64, 16, 20),
    "bioasq": (670, 75, 140),
    "ebm_pico": (3842, 960, 191),
}
SPLITS = ("train", "validation", "test")
HALLMARKS = {
    "activating invasion and metastasis", "avoiding immune destruction", "cellular energetics",
    "enabling replicative immortality", "evading growth suppressors", "genomic instability and mutation",
    "inducing angiogenesis", "resisting cell death", "sustaining proliferative signaling",
    "tumor promoting inflammation",
}  # fmt: skip


@pytest.fixture(scope="module")
def cache(corpus_cache):
    """Records (``cache.records``) and examples (``cache.examples``) of the real corpora, from the session cache."""
    return corpus_cache


# --- metadata ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_metadata(name):
    corpus = get_corpus(name)
    assert tuple(corpus.split_sizes[s] for s in SPLITS) == DOCUMENTED[name] and corpus.splits == SPLITS
    assert corpus.role == "eval"
    # JNLPBA with its five types is an evaluation view of the corpus, not a benchmark dataset (BLURB merges them)
    assert corpus.benchmarks == (() if name == "jnlpba_typed" else ("blue", "blurb") if name == "biosses" else
                                 ("blue",) if name == "hoc_blue" else ("blurb",))
    assert corpus.display_name and corpus.license and corpus.citation and corpus.homepage and corpus.description
    assert corpus.access
    assert corpus.share_alike == (name in ("hoc", "hoc_blue", "biosses"))
    assert corpus.restricted == (name == "bioasq") and not corpus.non_commercial
    if corpus.task_type == "ner":
        assert corpus.entity_types and all(definition for _, definition in corpus.entity_types)


def test_label_sets():
    hoc = get_corpus("hoc")
    assert {name for name, _ in hoc.labels} == HALLMARKS | {"none"} and hoc.negative_labels == ("none",)
    assert "hallmarks of cancer" in hoc.question and get_corpus("hoc_blue").labels == hoc.labels
    assert get_corpus("biosses").labels == tuple((str(i), str(i)) for i in range(5))
    assert [name for name, _ in get_corpus("jnlpba_typed").entity_types] == [
        "protein", "DNA", "RNA", "cell_line", "cell_type"
    ]  # fmt: skip
    assert [name for name, _ in get_corpus("ebm_pico").entity_types] == ["Participants", "Interventions", "Outcomes"]


# --- real corpora: counts, offsets, sources --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("bc2gm", (15197, 3061, 6325)), ("jnlpba", (46750, 4551, 8662)), ("jnlpba_typed", (46750, 4551, 8662))],
)
def test_mention_counts_and_offsets(name, expected, cache):
    counts = []
    for split in SPLITS:
        records = cache.records(name, split)
        counts.append(sum(len(doc.entities) for doc in records))
        for doc in records:
            for entity in doc.entities:
                ((start, end),) = entity.offsets
                assert doc.text[start:end] == entity.text[0] == entity.text[0].strip()
                assert (start == 0 or doc.text[start - 1] == " ") and (end == len(doc.text) or doc.text[end] == " ")
    assert tuple(counts) == expected


def test_jnlpba_typed_is_blurbs_split_with_the_official_types(cache, data_dir):
    for split in SPLITS:
        typed, merged = cache.records("jnlpba_typed", split), cache.records("jnlpba", split)
        assert [(d.document_id, d.text) for d in typed] == [(d.document_id, d.text) for d in merged]
        assert [[e.offsets for e in d.entities] for d in typed] == [[e.offsets for e in d.entities] for d in merged]
    # BLURB's development set is MTL's typed devel.tsv, and starts at line 465,498 of the official file.
    mtl = [sentence_to_document(s, doc_id="x") for s in read_conll(data_dir / "jnlpba/mtl/devel.tsv")]
    typed = cache.records("jnlpba_typed", "validation")
    assert [[(e.type, e.offsets) for e in d.entities] for d in typed] == [
        [(e.type, e.offsets) for e in d.entities] for d in mtl
    ]
    assert typed[0].document_id == "91075236"
    counts = {
        split: Counter(e.type for d in cache.records("jnlpba_typed", split) for e in d.entities) for split in SPLITS
    }
    # SOURCE.md: official training file 30,269 / 9,533 / 6,718 / 3,830 / 951; test 5,067 / 1,921 / 1,056 / 500 / 118
    assert counts["train"] + counts["validation"] == Counter(
        protein=30269, DNA=9533, cell_type=6718, cell_line=3830, RNA=951
    )
    assert counts["validation"] == Counter(protein=2466, DNA=1052, cell_type=526, cell_line=400, RNA=107)
    assert counts["test"] == Counter(protein=5067, cell_type=1921, DNA=1056, cell_line=500, RNA=118)


def _original_hoc(data_dir: Path) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Sentences and abstract-level hallmarks from the corpus authors' files (top-level names, lower-cased)."""
    texts, labels = {}, {}
    for path in (data_dir / "hoc/original/text").glob("*.txt"):
        texts[path.stem] = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        groups = (data_dir / "hoc/original/labels" / path.name).read_text(encoding="utf-8").split("<")[1:]
        assert len(groups) == len(texts[path.stem])
        items = {item.strip() for group in groups for item in group.split("AND")} - {"", "NULL"}
        labels[path.stem] = {item.split("--")[0].strip().lower() for item in items}
    return texts, labels


def test_hoc_abstracts_labels_and_text_match_the_benchmarks(cache, data_dir):
    texts, labels = _original_hoc(data_dir)
    assert len(texts) == 1852 and set().union(*labels.values()) == HALLMARKS
    blurb = {split: cache.records("hoc", split) for split in SPLITS}
    blue = {split: cache.records("hoc_blue", split) for split in SPLITS}
    for split, file in zip(SPLITS, ("train", "dev", "test")):
        listed = (data_dir / f"hoc/blurb_split/{file}_pmid.tsv").read_text().strip().split(",")
        assert [r.document_id for r in blurb[split]] == [name.removesuffix(".txt") for name in listed]
        rows = (data_dir / f"hoc/blurb/{file}.tsv").read_text(encoding="utf-8").rstrip("\n").split("\n")[1:]
        sentences = [row.split("\t")[1] for row in rows]
        assert " ".join(r.text for r in blurb[split]) == " ".join(sentences)  # BLURB's own sentences
    for record in [r for split in SPLITS for r in blurb[split] + blue[split]]:
        assert record.text == " ".join(texts[record.document_id])
        assert set(record.labels) <= HALLMARKS and len(set(record.labels)) == len(record.labels)
    assert all(set(r.labels) == labels[r.document_id] for split in SPLITS for r in blurb[split])
    # BLUE: the 1,580 abstracts with a hallmark; its labels differ from the current files in 2 abstracts.
    blue_ids = [r.document_id for split in SPLITS for r in blue[split]]
    assert sorted(blue_ids) == sorted(pmid for pmid, found in labels.items() if found)
    changed = {r.document_id for split in SPLITS for r in blue[split] if set(r.labels) != labels[r.document_id]}
    assert changed == {"20525204", "20720310"}
    assert [sum(not r.labels for r in blurb[split]) for split in SPLITS] == [197, 22, 53]
    for version in (blurb, blue):
        for split in SPLITS:
            per_label = Counter(label for r in version[split] for label in r.labels)
            assert set(per_label) == HALLMARKS  # every hallmark occurs in every split


def test_biosses_gold_is_the_annotators_mean(cache, data_dir):
    with open(data_dir / "biosses/annotation_pairs_scores.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    means = {row["sentence_id"]: sum(float(row[f"annotator_{x}"]) for x in "abcde") / 5 for row in rows}
    pairs = [pair for split in SPLITS for pair in cache.records("biosses", split)]
    assert sorted(p.document_id for p in pairs) == sorted(means) and len(means) == 100
    assert all(p.label == pytest.approx(means[p.document_id], abs=1e-9) for p in pairs)
    for example in [e for split in SPLITS for e in cache.examples("biosses", split)]:
        assert example.answer.selected == (int(example.gold_score + 0.5),) == (sts_option(example.gold_score, 5),)


@pytest.mark.parametrize("split", SPLITS)
def test_biosses_rounded_gold_stays_just_under_a_perfect_pearson(split, corpus_examples, corpus_targets):
    """test_invariants.py checks that gold scores the rounding's ceiling; on BIOSSES that ceiling is above 0.97."""
    gold = score_examples(list(corpus_examples("biosses", split)), list(corpus_targets("biosses", split)), "pearson")
    assert 0.97 < gold["score"] < 1 and gold["unknown_labels"] == 0


# --- real corpora: bad input ---------------------------------------------------------------------------


def _copy(data_dir: Path, tmp_path: Path, corpus: str, *names: str) -> Path:
    for name in names:
        source, target = data_dir / corpus / name, tmp_path / corpus / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, target)
    return tmp_path / corpus


def _edit_line(path: Path, number: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = text
    path.write_text("\n".join(lines), encoding="utf-8")


def test_iob_errors_name_file_and_line(data_dir, tmp_path):
    folder = _copy(data_dir, tmp_path, "bc2gm", "blurb_iob/devel.tsv")
    _edit_line(folder / "blurb_iob/devel.tsv", 7, "gene\tB-GENE\tO")
    with pytest.raises(CorpusFormatError, match=r"devel.tsv: line 7: expected 2 tab-separated columns, found 3"):
        list(get_corpus("bc2gm").read("validation", tmp_path))
    folder = _copy(data_dir, tmp_path, "jnlpba", "original/Genia4EReval2.iob2")
    _edit_line(folder / "original/Genia4EReval2.iob2", 4, "IL-2\tB_protein")
    with pytest.raises(CorpusFormatError, match=r"Genia4EReval2.iob2: line 4: not an IOB2 tag: 'B_protein'"):
        list(get_corpus("jnlpba_typed").read("test", tmp_path))


def test_hoc_errors_name_file_and_line(data_dir, tmp_path):
    folder = _copy(data_dir, tmp_path, "hoc", "blurb/test.tsv", "blue/test.tsv", "original/text")
    path = folder / "blurb/test.tsv"
    original = path.read_text(encoding="utf-8")
    first = original.split("\n")[1].split("\t")  # labels, sentence, index of the first sentence
    cases = [
        ("\t".join(first[:2]), r"line 2: expected 3 tab-separated columns, found 2"),
        ("\t".join(["0_0,1_0,2_0,3_0,4_0,5_0,6_0,7_0,8_0,9_2", *first[1:]]), r"line 2: labels must be 0_v,...,9_v"),
        ("\t".join([first[0], first[1], first[2].replace("_s0", "_s1")]), r"line 2: abstract \d+: sentence 1 where 0"),
        ("\t".join([first[0], first[1] + " extra", first[2]]), r"line 2: sentence 0 of abstract \d+ differs from"),
        ("\t".join([first[0], first[1], "x" + first[2]]), r"line 2: index must be <PMID>_s<n>"),
    ]
    for line, message in cases:
        path.write_text(original, encoding="utf-8")
        _edit_line(path, 2, line)
        with pytest.raises(CorpusFormatError, match=rf"blurb/test.tsv: {message}"):
            list(get_corpus("hoc").read("test", tmp_path))
    path.write_text(original, encoding="utf-8")
    pmid = first[2].split("_")[0]
    text = folder / f"original/text/{pmid}.txt"
    text.unlink()
    with pytest.raises(CorpusFormatError, match=rf"text/{pmid}.txt: file: missing"):
        list(get_corpus("hoc").read("test", tmp_path))
    shutil.copyfile(data_dir / f"hoc/original/text/{pmid}.txt", text)
    blue = folder / "blue/test.tsv"
    cells = blue.read_text(encoding="utf-8").split("\n")[1].split("\t")
    _edit_line(blue, 2, "\t".join([cells[0], "Another sentence .", cells[2]]))
    with pytest.raises(CorpusFormatError, match=r"blue/test.tsv: line 2: sentence 0 of abstract \d+ differs"):
        list(get_corpus("hoc_blue").read("test", tmp_path))


def test_biosses_errors_name_file_and_line(data_dir, tmp_path):
    folder = _copy(data_dir, tmp_path, "biosses", "blurb/test.tsv", "annotation_pairs_scores.tsv")
    path = folder / "blurb/test.tsv"
    original = path.read_text(encoding="utf-8")
    pair, first, second, _ = original.split("\n")[1].split("\t")
    cases = [
        (f"{pair}\t{first}\t{second}", r"line 2: expected 4 tab-separated columns, found 3"),
        (f"{pair}\t{first}\t{second}\thigh", r"line 2: score is not a number: 'high'"),
        (f"{pair}\t{first}\t{second}\t4.4", rf"line 2: score 4.4 is not the annotators' mean [\d.]+ of pair {pair}"),
        (f"999\t{first}\t{second}\t1.0", r"line 2: pair '999' is not in annotation_pairs_scores.tsv"),
    ]
    for line, message in cases:
        path.write_text(original, encoding="utf-8")
        _edit_line(path, 2, line)
        with pytest.raises(CorpusFormatError, match=rf"blurb/test.tsv: {message}"):
            list(get_corpus("biosses").read("test", tmp_path))


def test_missing_public_files_are_named(tmp_path):
    with pytest.raises(MissingCorpusError, match=r"missing .*hoc/blue/dev.tsv, .*hoc/original/text"):
        list(get_corpus("hoc_blue").read("validation", tmp_path))


# --- BioASQ: synthetic files in the official format ------------------------------------------------------


def _zip_folder(source: Path, archive: Path) -> None:
    """``source`` zipped as BioASQ distributes it: the folder itself is the archive's top-level member."""
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(source.rglob("*.json")):
            bundle.write(path, f"{source.name}/{path.relative_to(source)}")


def _bioasq_downloads(folder: Path, training: Path, golden: Path) -> None:
    _zip_folder(training, folder / "BioASQ-training7b.zip")
    _zip_folder(golden, folder / "Task7BGoldenEnriched.zip")


@pytest.fixture()
def bioasq_fixture(tmp_path: Path) -> Path:
    folder = tmp_path / "bioasq"
    shutil.copytree(FIXTURES / "bioasq/blurb_split", folder / "blurb_split")
    _bioasq_downloads(folder, FIXTURES / "bioasq/BioASQ-training7b", FIXTURES / "bioasq/Task7BGoldenEnriched")
    return tmp_path


def test_bioasq_records_are_built_as_blurb_builds_them(bioasq_fixture):
    corpus = fixture_corpus("bioasq")
    train = list(corpus.read("train", bioasq_fixture))
    assert [qa.document_id for qa in train] == ["5f00000000000000000000a3", "5f00000000000000000000a1"]
    assert train[0].answer == ("no",) and train[0].choices == ("yes", "no")  # "No" in the file
    assert train[1].question == "Is protein XQZ1 expressed in hepatocytes?"
    assert train[1].context == (
        "XQZ1 was detected in hepatocytes of all samples. Expression was strongest near the portal vein."
    )
    (dev,) = corpus.read("validation", bioasq_fixture)
    assert dev.context == "" and dev.answer == ("yes",)
    test = list(corpus.read("test", bioasq_fixture))
    assert [(qa.document_id, qa.answer) for qa in test] == [
        ("5f00000000000000000000b3", ("no",)),
        ("5f00000000000000000000b1", ("yes",)),
    ]
    assert test[1].context == "KLP2 cleaved type I collagen in vitro. Cleavage required calcium."


def _synthetic_question(qid: str, number: int) -> dict:
    return {
        "id": qid,
        "type": "yesno",
        "body": f"Is synthetic protein P{number} found in the liver?",
        "exact_answer": "yes" if number % 3 else "no",
        "snippets": [{"text": f"P{number} was found in hepatocytes.", "document": "http://x/1"}],
        "ideal_answer": ["Synthetic."],
    }


def test_bioasq_reads_blurbs_real_id_split(data_dir, tmp_path):
    folder = tmp_path / "bioasq"
    shutil.copytree(data_dir / "bioasq/blurb_split", folder / "blurb_split")
    ids = {s: (folder / f"blurb_split/{s}_id.tsv").read_text().strip().split(",") for s in ("train", "dev", "test")}
    training, golden = tmp_path / "src/BioASQ-training7b", tmp_path / "src/Task7BGoldenEnriched"
    training.mkdir(parents=True)
    golden.mkdir(parents=True)
    listed = [_synthetic_question(q, n) for n, q in enumerate(ids["train"] + ids["dev"])]
    (training / "trainining7b.json").write_text(json.dumps({"questions": listed[::-1]}))
    for batch in range(5):
        chunk = ids["test"][batch * 28 : (batch + 1) * 28]
        content = {"questions": [_synthetic_question(q, n) for n, q in enumerate(chunk)]}
        (golden / f"7B{batch + 1}_golden.json").write_text(json.dumps(content))
    _bioasq_downloads(folder, training, golden)
    corpus = get_corpus("bioasq")
    for split, file in zip(SPLITS, ("train", "dev", "test")):
        examples = list(corpus.examples(split, tmp_path))
        assert [e.document_id for e in examples] == ids[file] and len(examples) == corpus.split_sizes[split]
        targets = [format_answer(e) for e in examples]
        assert all(parse_answer(t, e).answer == e.answer for t, e in zip(targets, examples))
        assert score_examples(examples, targets, "accuracy")["score"] == 1.0
        assert score_examples(examples, [""] * len(examples), "accuracy")["score"] == 0.0


def test_bioasq_missing_archives_say_what_to_get_and_where(tmp_path):
    shutil.copytree(FIXTURES / "bioasq/blurb_split", tmp_path / "bioasq/blurb_split")
    for split, archive in (("train", "BioASQ-training7b.zip"), ("test", "Task7BGoldenEnriched.zip")):
        with pytest.raises(MissingCorpusError) as error:
            list(get_corpus("bioasq").read(split, tmp_path))
        message = str(error.value)
        assert f"missing {tmp_path / 'bioasq' / archive}" in message
        assert "participants-area.bioasq.org/accounts/register/" in message
        assert "BioASQ-training7b.zip" in message and "Task7BGoldenEnriched.zip" in message
        assert "<data dir>/bioasq/" in message


def _rewrite(path: Path, edit) -> None:
    content = json.loads(path.read_text(encoding="utf-8"))
    edit(content["questions"])
    path.write_text(json.dumps(content), encoding="utf-8")


def test_bioasq_bad_input_names_file_and_question(tmp_path):
    folder = tmp_path / "bioasq"
    shutil.copytree(FIXTURES / "bioasq", tmp_path / "src")
    shutil.copytree(FIXTURES / "bioasq/blurb_split", folder / "blurb_split")
    training, golden = tmp_path / "src/BioASQ-training7b", tmp_path / "src/Task7BGoldenEnriched"
    corpus = fixture_corpus("bioasq")

    def fails(split: str, message: str) -> None:
        _bioasq_downloads(folder, training, golden)
        with pytest.raises(CorpusFormatError, match=message):
            list(corpus.read(split, tmp_path))

    _rewrite(training / "trainining7b.json", lambda qs: qs[2].update(exact_answer="maybe"))
    fails("train", r"trainining7b.json: question 2 \(id 5f0+a3\): BLURB lists it as a yes/no question, but")
    _rewrite(training / "trainining7b.json", lambda qs: qs[2].update(exact_answer="no", type="factoid"))
    fails("train", r"trainining7b.json: question 2 \(id 5f0+a3\): .* type 'factoid'")
    _rewrite(training / "trainining7b.json", lambda qs: qs[2].update(type="yesno", snippets=[{"document": "x"}]))
    fails("train", r"question 2 \(id 5f0+a3\): every snippet must be an object with a string \"text\"")
    _rewrite(training / "trainining7b.json", lambda qs: qs.pop(2))
    fails("train", r"blurb_split/train_id.tsv: line 1: 1 of its 2 question ids are not in BioASQ-training7b.zip")
    _rewrite(training / "trainining7b.json", lambda qs: qs.append(dict(qs[3])))
    fails("validation", r"trainining7b.json: question 4: question id 5f0+a5 appears a second time")
    (golden / "7B2_golden.json").write_text('{"questions": [\n  {"id": "x",,\n', encoding="utf-8")
    fails("test", r"Task7BGoldenEnriched.zip:Task7BGoldenEnriched/7B2_golden.json: line 2, column \d+: not valid JSON")
    (golden / "7B2_golden.json").write_text('[{"id": "x"}]', encoding="utf-8")
    fails("test", r"7B2_golden.json: top level: expected \{\"questions\": \[...\]\}")
    (folder / "blurb_split/dev_id.tsv").write_text("5f00000000000000000000a5,5f00000000000000000000a5")
    fails("validation", r"dev_id.tsv: line 1: question id\(s\) listed twice: 5f0+a5")
    (folder / "Task7BGoldenEnriched.zip").write_text("not a zip")
    with pytest.raises(CorpusFormatError, match=r"Task7BGoldenEnriched.zip: file: not a zip archive"):
        list(corpus.read("test", tmp_path))


# --- EBM PICO: synthetic files in the EBM-NLP 2.00 layout ------------------------------------------------


def test_ebm_pico_splits_spans_and_scores():
    corpus = fixture_corpus("ebm_pico")
    examples = {split: list(corpus.examples(split, FIXTURES)) for split in SPLITS}
    # every fifth training abstract in PMID order is held out for development
    assert [[e.document_id for e in examples[s]] for s in SPLITS] == [
        ["9000001", "9000002", "9000003", "9000004"],
        ["9000005"],
        ["9000101"],
    ]
    first, second, third = examples["train"][:3]
    assert first.text == "Sixty adults with asthma received oral prednisolone or placebo . Lung function improved ."
    assert first.answer.as_dict() == {
        "Participants": ["Sixty adults with asthma"],
        "Interventions": ["oral prednisolone", "placebo"],
        "Outcomes": ["Lung function"],
    }
    assert second.answer.as_dict()["Outcomes"] == []  # no outcomes file for this abstract
    assert third.answer.as_dict()["Interventions"] == ["ice therapy ( 0.5 µg )", "usual care"]
    (test,) = examples["test"]  # the elements are independent: "placebo" is an intervention and in an outcome
    assert test.answer.as_dict() == {
        "Participants": ["40 women with migraine"],
        "Interventions": ["topiramate", "placebo"],
        "Outcomes": ["headache frequency compared with placebo"],
    }
    assert ("Outcomes", 47, 87) in test.gold_offsets and test.text[47:87] == "headache frequency compared with placebo"
    everything = [e for split in SPLITS for e in examples[split]]
    targets = [format_answer(e) for e in everything]
    assert all(parse_answer(t, e).answer == e.answer for t, e in zip(targets, everything))
    assert score_examples(everything, targets, "pico_word_f1")["score"] == 1.0
    assert score_examples(everything, [""] * len(everything), "pico_word_f1")["score"] == 0.0
    # Participants of the test abstract: 4 gold words, "women with migraine" finds 3 -> P 1, R 3/4.
    partial = score_examples([test], ["Participants: women with migraine"], "pico_word_f1")
    assert partial["per_type"]["Participants"]["f1"] == pytest.approx(2 * 0.75 / 1.75)


def _ebm_copy(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "ebm_pico", tmp_path / "ebm_pico")
    return tmp_path / "ebm_pico/ebm_nlp_2_00"


def test_ebm_pico_bad_input_names_file_and_line(tmp_path):
    corpus, root = fixture_corpus("ebm_pico"), _ebm_copy(tmp_path)
    ann = root / "annotations/aggregated/starting_spans/outcomes/test/gold/9000101.AGGREGATED.ann"
    original = ann.read_text()
    _edit_line(ann, 3, "2")
    with pytest.raises(CorpusFormatError, match=r"9000101.AGGREGATED.ann: line 3: label '2' is not 0 or 1"):
        list(corpus.read("test", tmp_path))
    ann.write_text(original + "0\n")
    with pytest.raises(CorpusFormatError, match=r"9000101.AGGREGATED.ann: whole file: expected 14 labels .*found 15"):
        list(corpus.read("test", tmp_path))
    ann.write_text(original)
    tokens = root / "documents/9000101.tokens"
    _edit_line(tokens, 2, "")
    with pytest.raises(CorpusFormatError, match=r"9000101.tokens: line 2: empty token"):
        list(corpus.read("test", tmp_path))
    tokens.unlink()
    with pytest.raises(CorpusFormatError, match=r"9000101.tokens: file: missing"):
        list(corpus.read("test", tmp_path))
    shutil.rmtree(root / "annotations/aggregated/starting_spans/participants/test")
    for element in ("interventions", "outcomes"):
        shutil.rmtree(root / f"annotations/aggregated/starting_spans/{element}/test")
    with pytest.raises(CorpusFormatError, match=r"starting_spans: test/gold: no <PMID>.AGGREGATED.ann files"):
        list(corpus.read("test", tmp_path))


def test_ebm_pico_missing_release_says_what_to_get_and_where(tmp_path):
    with pytest.raises(MissingCorpusError) as error:
        list(get_corpus("ebm_pico").read("test", tmp_path))
    message = str(error.value)
    assert f"missing {tmp_path / 'ebm_pico/ebm_nlp_2_00/documents'}" in message
    assert "https://github.com/bepnye/EBM-NLP/raw/master/ebm_nlp_2_00.tar.gz" in message
    assert "unpack it into <data dir>/ebm_pico/" in message
