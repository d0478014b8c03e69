"""Relation-extraction corpora (ChemProt, DDI 2013, GAD) on the real files, the sentence splitter,
and clear errors on broken copies of the official files.

Example counts, unique ids, offsets (``validate_kb`` in every reader), round trip and scores are checked for every
corpus in test_invariants.py; the records and examples here come from the session cache.
"""

from __future__ import annotations

import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from mnlu_instruct.corpora import chemprot, ddi, gad, get_corpus
from mnlu_instruct.corpora.ddi import parse_offsets
from mnlu_instruct.formats.sentences import merge_spans, split_sentences
from mnlu_instruct.schema import CorpusFormatError
from mnlu_instruct.views import ARG1_TAGS, ARG2_TAGS

NAMES = ("chemprot", "ddi", "gad")
SPLITS = ("train", "validation", "test")

# Official positive relations per split and class (ChemProt: the gold-standard files; DDI: the XML
# of BLURB's document split; GAD: the BLURB files), and BLURB's published candidate counts.
POSITIVES = {
    "chemprot": {
        "train": {"CPR:3": 768, "CPR:4": 2254, "CPR:5": 173, "CPR:6": 235, "CPR:9": 727},
        "validation": {"CPR:3": 550, "CPR:4": 1094, "CPR:5": 116, "CPR:6": 199, "CPR:9": 457},
        "test": {"CPR:3": 665, "CPR:4": 1661, "CPR:5": 195, "CPR:6": 293, "CPR:9": 644},
    },
    "ddi": {
        "train": {"mechanism": 1163, "effect": 1486, "advise": 725, "int": 178},
        "validation": {"mechanism": 156, "effect": 201, "advise": 101, "int": 11},
        "test": {"mechanism": 302, "effect": 360, "advise": 221, "int": 96},
    },
    "gad": {
        "train": {"association": 2227},
        "validation": {"association": 293},
        "test": {"association": 281},
    },
}
OFFICIAL_TOTALS = {"chemprot": (4157, 2416, 3458), "ddi": (None, None, 979)}
BLURB_CANDIDATES = {
    "chemprot": (18035, 11268, 15745),
    "ddi": (25296, 2496, 5716),
    "gad": (4261, 535, 534),
}



def _label(corpus, example) -> str:
    return corpus.labels[example.answer.selected[0]][0]


@pytest.mark.parametrize("name", NAMES)
def test_positive_counts_per_class_equal_the_official_ones(name, examples):
    corpus = get_corpus(name)
    for index, split in enumerate(SPLITS):
        counts = Counter(_label(corpus, e) for e in examples(name, split))
        positives = {label: n for label, n in counts.items() if label not in corpus.negative_labels}
        assert positives == POSITIVES[name][split], f"{name}/{split}"
        official = OFFICIAL_TOTALS.get(name, (None,) * 3)[index]
        if official is not None:
            assert sum(positives.values()) == official


@pytest.mark.parametrize("name", NAMES)
def test_candidate_counts_are_within_two_percent_of_blurb(name):
    """The files hold ``split_sizes`` candidates (test_invariants.py); those are within 2% of BLURB's."""
    corpus = get_corpus(name)
    for split, blurb in zip(SPLITS, BLURB_CANDIDATES[name], strict=True):
        count = corpus.split_sizes[split]
        assert abs(count - blurb) <= 0.02 * blurb, f"{name}/{split}: {count} vs BLURB {blurb}"


def test_ddi_candidates_are_exactly_blurbs():
    assert tuple(get_corpus("ddi").split_sizes[split] for split in SPLITS) == BLURB_CANDIDATES["ddi"]


@pytest.mark.parametrize("name", NAMES)
def test_every_example_marks_each_argument_once(name, records, examples):
    corpus = get_corpus(name)
    texts = {doc.id: doc.text for split in SPLITS for doc in records(name, split)}
    for split in SPLITS:
        for example in examples(name, split):
            for tag in ARG1_TAGS + ARG2_TAGS:
                assert example.text.count(tag) == 1, f"{example.id}: {tag} in {example.text!r}"
                assert example.question.count(tag) == 1, example.id
            plain = example.text
            for tag in ARG1_TAGS + ARG2_TAGS:
                plain = plain.replace(tag, "")
            assert plain == texts[example.id.split("/")[0]]
            assert example.options == tuple(text for _, text in corpus.labels)
            assert [example.options[i] for i in example.negative_options] == [corpus.labels[-1][1]]


@pytest.mark.parametrize("name", NAMES)
def test_metadata_is_complete(name):
    corpus = get_corpus(name)
    assert corpus.task_type == "re" and corpus.metric == "relation_micro_f1" and corpus.role == "eval"
    for field in ("display_name", "license", "citation", "homepage", "description", "access", "question"):
        assert getattr(corpus, field), f"{name}: {field}"
    assert "{arg1}" in corpus.question and "{arg2}" in corpus.question
    assert corpus.negative_labels == (corpus.labels[-1][0],)
    assert len({text for _, text in corpus.labels}) == len(corpus.labels)
    assert corpus.entity_types and set(corpus.benchmarks) <= {"blue", "blurb"}
    assert corpus.non_commercial == (name == "ddi") and not corpus.share_alike and not corpus.restricted


def test_chemprot_pairs_are_chemical_then_gene_and_double_labelled_pairs_repeat(records):
    for split, doubled in zip(SPLITS, (10, 4, 14), strict=True):
        pairs = Counter()
        for doc in records("chemprot", split):
            types = {e.id: e.type for e in doc.entities}
            for relation in doc.relations:
                assert types[relation.arg1_id] == "CHEMICAL" and types[relation.arg2_id] in ("GENE-Y", "GENE-N")
                pairs[relation.arg1_id, relation.arg2_id] += 1
        assert sum(n - 1 for n in pairs.values()) == doubled and max(pairs.values()) == 2


def test_ddi_discontiguous_mentions_and_the_offset_fix(records):
    docs = {doc.id: doc for doc in records("ddi", "train")}
    fixed = docs["ddi-train-DDI-DrugBank.d216.s16"]
    mention = next(e for e in fixed.entities if e.id == "DDI-DrugBank.d216.s16.e2")
    assert mention.text == ("(R)-", "warfarin") and len(mention.offsets) == 2
    untyped = next(r for r in docs["ddi-train-DDI-DrugBank.d236.s29"].relations if r.id.endswith(".p0"))
    assert untyped.type == "int"
    assert sum(len(e.offsets) > 1 for doc in docs.values() for e in doc.entities) > 10


# The sentence splitter


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Infection by H. pylori was rare. It was treated.", ["Infection by H. pylori was rare.", "It was treated."]),
        ("It rose (e.g. TNF and IL-6). Then it fell.", ["It rose (e.g. TNF and IL-6).", "Then it fell."]),
        ("It was provoked by i.v. CCK-8 in dogs. Lorglumide blocked it.",
         ["It was provoked by i.v. CCK-8 in dogs.", "Lorglumide blocked it."]),
        ("Levels rose. cAMP fell. mRNA was stable.", ["Levels rose.", "cAMP fell.", "mRNA was stable."]),
        ("It was weak. beta-Blockers helped. α-Tocopherol did not.",
         ["It was weak.", "beta-Blockers helped.", "α-Tocopherol did not."]),
        ("It binds ligands. 1. The first site. 2. The second site.",
         ["It binds ligands.", "1. The first site.", "2. The second site."]),
        ("Smith et al. Reported it. Cells (n = 5) died.", ["Smith et al. Reported it.", "Cells (n = 5) died."]),
        ("See Fig. 2 for details. (+)-Catechin was tested.", ["See Fig. 2 for details.", "(+)-Catechin was tested."]),
        ("The pH was 7.4 at 37 degrees C. It was kept.", ["The pH was 7.4 at 37 degrees C.", "It was kept."]),
    ],
)
def test_sentence_splitter(text, sentences):
    assert [text[lo:hi] for lo, hi in split_sentences(text)] == sentences


def test_split_sentences_within_a_range_and_merge_spans():
    text = "A title. First one. Second one. Third one."
    spans = split_sentences(text, 9)
    assert [text[lo:hi] for lo, hi in spans] == ["First one.", "Second one.", "Third one."]
    merged = merge_spans(spans, [(text.index("one"), text.index("Second") + 3)])
    assert [text[lo:hi] for lo, hi in merged] == ["First one. Second one.", "Third one."]
    assert merge_spans(spans, [(9, 12)]) == spans


def test_parse_offsets():
    assert parse_offsets("70-84") == ((70, 85),)
    assert parse_offsets("95-98;107-114") == ((95, 99), (107, 115))
    with pytest.raises(ValueError):
        parse_offsets("70:84")


# Bad input: errors name the file and the record


def _copy_chemprot_test(data_dir: Path, target: Path, abstracts: int = 3) -> Path:
    source = data_dir / "chemprot" / "original"
    folder = target / "chemprot"
    (folder / "chemprot_test_gs").mkdir(parents=True)
    kept = []
    for name in chemprot.FILES["test"]:
        lines = (source / name).read_text(encoding="utf-8").splitlines(keepends=True)
        if not kept:
            kept = [line.split("\t", 1)[0] for line in lines[:abstracts]]
        (folder / name).write_text("".join(x for x in lines if x.split("\t", 1)[0] in kept), encoding="utf-8")
    return folder


def test_chemprot_copy_reads(data_dir, tmp_path):
    folder = _copy_chemprot_test(data_dir, tmp_path)
    pmids = {line.split("\t", 1)[0] for line in (folder / chemprot.FILES["test"][0]).open(encoding="utf-8")}
    gold_lines = (folder / chemprot.FILES["test"][2]).read_text(encoding="utf-8").splitlines()
    docs = list(chemprot.read(folder, "test"))
    assert docs and {doc.document_id for doc in docs} <= pmids
    assert sum(r.type != "false" for doc in docs for r in doc.relations) == len(gold_lines) > 0


def test_chemprot_gold_pair_across_sentences_gets_one_unit_spanning_them(tmp_path):
    folder = tmp_path / "chemprot"
    (folder / "chemprot_test_gs").mkdir(parents=True)
    title, abstract = "A title.", "Aspirin was given. It blocked COX-2 strongly. Nothing else."
    text = f"{title} {abstract}"
    lo, hi = text.index("COX-2"), text.index("COX-2") + 5
    contents = (
        f"1\t{title}\t{abstract}\n",
        f"1\tT1\tCHEMICAL\t9\t16\tAspirin\n1\tT2\tGENE-Y\t{lo}\t{hi}\tCOX-2\n",
        "1\tCPR:4\tArg1:T1\tArg2:T2\n",
    )
    for name, content in zip(chemprot.FILES["test"], contents, strict=True):
        (folder / name).write_text(content, encoding="utf-8")
    (doc,) = chemprot.read(folder, "test")
    assert doc.text == "Aspirin was given. It blocked COX-2 strongly."
    assert [(r.type, r.arg1_id, r.arg2_id) for r in doc.relations] == [("CPR:4", "1.T1", "1.T2")]


def _rewrite_line(path: Path, number: int, edit) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = edit(lines[number - 1])
    path.write_text("".join(lines), encoding="utf-8")


def test_chemprot_offset_past_the_end_names_file_and_line(data_dir, tmp_path):
    folder = _copy_chemprot_test(data_dir, tmp_path)
    entities = folder / chemprot.FILES["test"][1]

    def push_past_end(line: str) -> str:
        cells = line.rstrip("\n").split("\t")
        cells[3], cells[4] = "100000", "100009"
        return "\t".join(cells) + "\n"

    _rewrite_line(entities, 2, push_past_end)
    with pytest.raises(CorpusFormatError, match=r"chemprot_test_entities_gs\.tsv: line 2 .*outside the text"):
        list(chemprot.read(folder, "test"))


def test_chemprot_wrong_column_count_names_file_and_line(data_dir, tmp_path):
    folder = _copy_chemprot_test(data_dir, tmp_path)
    gold = folder / chemprot.FILES["test"][2]
    _rewrite_line(gold, 1, lambda line: line.replace("\tArg2:", "\textra\tArg2:"))
    with pytest.raises(CorpusFormatError, match=r"chemprot_test_gold_standard\.tsv: line 1: expected 4 .*found 5"):
        list(chemprot.read(folder, "test"))


def test_chemprot_unknown_gold_argument_names_file_and_line(data_dir, tmp_path):
    folder = _copy_chemprot_test(data_dir, tmp_path)
    gold = folder / chemprot.FILES["test"][2]
    _rewrite_line(gold, 1, lambda line: line.replace("Arg2:T", "Arg2:T99"))
    with pytest.raises(CorpusFormatError, match=r"gold_standard\.tsv: line 1 \(PMID \d+\): Arg2 'Arg2:T99"):
        list(chemprot.read(folder, "test"))


def _ddi_copy(data_dir: Path, target: Path, members: dict[str, bytes]) -> Path:
    """A DDI folder whose zip holds ``members`` and whose test split lists them."""
    folder = target / "ddi"
    (folder / "original").mkdir(parents=True)
    (folder / "blurb_split").mkdir()
    with zipfile.ZipFile(folder / ddi.ARCHIVE, "w") as bundle:
        for member, content in members.items():
            bundle.writestr(member, content)
    listing = "".join(f"test_dataset/{m.split('task/', 1)[1]}\n" for m in members)
    for split_file in ddi.SPLIT_FILES.values():
        (folder / split_file).write_text(listing, encoding="utf-8")
    return folder


DDI_TEST = "DDICorpus/Test/Test for DDI Extraction task/"


def _ddi_members(data_dir: Path, count: int = 2) -> dict[str, bytes]:
    with zipfile.ZipFile(data_dir / "ddi" / ddi.ARCHIVE) as bundle:
        members = [m for m in bundle.namelist() if m.startswith(DDI_TEST + "MedLine/") and m.endswith(".xml")]
        return {m: bundle.read(m) for m in sorted(members)[:count]}


def test_ddi_small_copy_reads(data_dir, tmp_path):
    members = _ddi_members(data_dir)
    docs = list(ddi.read(_ddi_copy(data_dir, tmp_path, members), "test"))
    assert docs and {doc.document_id for doc in docs} <= {Path(m).stem for m in members}


def test_ddi_xml_that_does_not_parse_names_the_member(data_dir, tmp_path):
    members = _ddi_members(data_dir)
    broken = sorted(members)[1]
    members[broken] = members[broken].replace(b"</sentence>", b"</sentnce>", 1)
    folder = _ddi_copy(data_dir, tmp_path, members)
    with pytest.raises(CorpusFormatError, match=rf"DDICorpus-2013\.zip: member {broken}, line \d+.*does not parse"):
        list(ddi.read(folder, "test"))


def test_ddi_offset_past_the_end_names_member_and_entity(data_dir, tmp_path):
    members = _ddi_members(data_dir)
    first = sorted(members)[0]
    text = members[first].decode("utf-8")
    start = text.index('charOffset="') + len('charOffset="')
    members[first] = (text[:start] + "5000-5009" + text[text.index('"', start) :]).encode("utf-8")
    folder = _ddi_copy(data_dir, tmp_path, members)
    with pytest.raises(CorpusFormatError, match=rf"member {first}, sentence \S+, entity \S+: .*outside the sentence"):
        list(ddi.read(folder, "test"))


def test_ddi_mention_text_mismatch_names_member_and_entity(data_dir, tmp_path):
    members = _ddi_members(data_dir)
    first = sorted(members)[0]
    text = members[first].decode("utf-8")
    start = text.index('charOffset="') + len('charOffset="')
    lo, hi = text[start : text.index('"', start)].split(";")[0].split("-")
    shifted = f"{int(lo) + 1}-{int(hi) + 1}"
    members[first] = (text[:start] + shifted + text[text.index('"', start) :]).encode("utf-8")
    folder = _ddi_copy(data_dir, tmp_path, members)
    with pytest.raises(CorpusFormatError, match=rf"member {first}, sentence \S+, entity \S+: text"):
        list(ddi.read(folder, "test"))


def test_ddi_listed_member_missing_from_the_zip(data_dir, tmp_path):
    folder = _ddi_copy(data_dir, tmp_path, _ddi_members(data_dir, 1))
    listing = folder / ddi.SPLIT_FILES["test"]
    listing.write_text(listing.read_text(encoding="utf-8") + "test_dataset/MedLine/0.xml\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"member .*MedLine/0\.xml: listed in"):
        list(ddi.read(folder, "test"))


def _gad_copy(data_dir: Path, target: Path) -> Path:
    folder = target / "gad"
    (folder / "blurb").mkdir(parents=True)
    shutil.copy(data_dir / "gad" / "blurb" / "dev.tsv", folder / "blurb" / "dev.tsv")
    return folder


def test_gad_wrong_column_count_names_file_and_line(data_dir, tmp_path):
    folder = _gad_copy(data_dir, tmp_path)
    _rewrite_line(folder / "blurb" / "dev.tsv", 5, lambda line: line.rsplit("\t", 1)[0] + "\n")
    with pytest.raises(CorpusFormatError, match=r"dev\.tsv: line 5: expected 3 tab-separated columns, found 2"):
        list(gad.read(folder, "validation"))


def test_gad_missing_mask_and_bad_label_name_file_and_line(data_dir, tmp_path):
    folder = _gad_copy(data_dir, tmp_path)
    path = folder / "blurb" / "dev.tsv"
    _rewrite_line(path, 3, lambda line: line.replace("@GENE$", "BRCA1"))
    with pytest.raises(CorpusFormatError, match=r"dev\.tsv: line 3 \(index 1\): expected exactly one @GENE\$"):
        list(gad.read(folder, "validation"))
    shutil.copy(data_dir / "gad" / "blurb" / "dev.tsv", path)
    _rewrite_line(path, 4, lambda line: line.rsplit("\t", 1)[0] + "\tyes\n")
    with pytest.raises(CorpusFormatError, match=r"dev\.tsv: line 4 \(index 2\): label must be 0 or 1"):
        list(gad.read(folder, "validation"))
