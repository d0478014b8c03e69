"""The span training sources GENIA, tmVar, GNormPlus, NLM-Gene, DrugProt and PICO-data on the real files:
exclusions, tmVar's version choice, the skip lists of upstream offset mismatches, GENIA's flattening, golden
mentions. Counts, ids, round trip and scoring are checked for every corpus by ``test_invariants.py``; the
documents here come from the session cache (``corpus_records``)."""

from __future__ import annotations

import io
import json
import re
import tarfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from mnlu_instruct.corpora import drugprot, genia, get_corpus, gnormplus, nlm_gene, pico_data, registry, tmvar
from mnlu_instruct.formats.pubtator import read_pubtator
from mnlu_instruct.schema import CorpusFormatError, KBDocument

SOURCES = ("genia", "tmvar", "gnormplus", "nlm_gene", "drugprot", "pico_data")
_TITLE = re.compile(r"([^\t|]+)\|t\|")


@pytest.fixture(scope="module")
def documents(corpus_records) -> Callable[[str, str], dict[str, KBDocument]]:
    """``documents(name, split)``: the documents of one split by document id, from the session cache."""

    def by_id(name: str, split: str) -> dict[str, KBDocument]:
        return {doc.document_id: doc for doc in corpus_records(name, split)}

    return by_id


def pubtator_pmids(path: Path) -> list[str]:
    return [m.group(1) for line in path.read_text(encoding="utf-8").splitlines() if (m := _TITLE.match(line))]


def mismatches(path: Path) -> set[tuple[str, int, int]]:
    """Mention lines whose text is not the document text at their offsets, found without the shared parser."""
    found, texts = set(), {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if (m := re.match(r"([^\t|]+)\|([ta])\|(.*)", line)) is not None:
            texts[m.group(1)] = texts.get(m.group(1), "") + ("" if m.group(2) == "t" else " ") + m.group(3)
        elif line.strip():
            pmid, start, end, mention = line.split("\t")[:4]
            if texts[pmid][int(start):int(end)].rstrip(" ") != mention.rstrip(" "):
                found.add((pmid, int(start), int(end)))
    return found


def overlap_ids(data_dir: Path, folder: str, skip_keys: tuple[str, ...] = ()) -> set[str]:
    """Every document id OVERLAP_WITH_EVAL.json lists as shared with an evaluation corpus or a BC2GM sentence."""
    listed = json.loads((data_dir / folder / "OVERLAP_WITH_EVAL.json").read_text())
    return {uid.removeprefix("MEDLINE:") for section in ("overlaps", "bc2gm_sentence_matches")
            for key, ids in listed.get(section, {}).items() if key not in skip_keys for uid in ids}


# Metadata ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SOURCES)
def test_training_source_metadata(name):
    corpus = get_corpus(name)
    assert corpus.role == "train" and corpus.task_type == "ner" and corpus.benchmarks == ()
    assert not (corpus.share_alike or corpus.non_commercial or corpus.restricted)
    assert corpus.access and corpus.citation and corpus.homepage
    in_domain = {"genia": ("jnlpba", "jnlpba_typed"), "pico_data": ("ebm_pico",)}
    assert corpus.in_domain_for == in_domain.get(name, ())
    assert all(registry()[other].role == "eval" for other in corpus.in_domain_for)
    assert set(corpus.excluded_document_ids) <= set(corpus.splits)


def test_pico_data_asks_ebm_picos_participants():
    assert get_corpus("pico_data").entity_types == get_corpus("ebm_pico").entity_types[:1]


# Exclusions -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "files"),
    [("tmvar", {"train": "v3/tmVar3_Train.PubTator", "test": "v3/tmVar3_Test.PubTator"}),
     ("gnormplus", {"train": "GNormPlus_Train.PubTator", "test": "GNormPlus_Test.PubTator"}),
     ("nlm_gene", {"train": "NLMgene_Train.PubTator", "test": "NLMgene_Test.PubTator"})],
)
def test_pubtator_exclusions_are_the_listed_overlaps(name, files, data_dir, documents):
    corpus = get_corpus(name)
    shared = overlap_ids(data_dir, name)
    for split, file in files.items():
        pmids = pubtator_pmids(data_dir / name / file)
        expected = {pmid for pmid in pmids if pmid in shared}
        assert set(corpus.excluded_document_ids.get(split, ())) == expected
        assert set(documents(name, split)) == set(pmids) - expected
    assert len(shared) == {"tmvar": 1, "gnormplus": 23, "nlm_gene": 0}[name]


def test_drugprot_leaves_out_every_chemprot_abstract(data_dir, documents):
    chemprot = {line.split("\t", 1)[0] for path in (data_dir / "chemprot" / "original").glob("*/*abstracts*.tsv")
                for line in path.read_text(encoding="utf-8").splitlines()}
    pmids = pubtator_pmids(data_dir / "drugprot" / "DrugProt_Test.PubTator")
    excluded = set(drugprot.EXCLUDED["validation"])
    assert len(chemprot) == 2432 and len(pmids) == 750
    assert excluded == set(pmids) & chemprot and len(excluded) == 743
    assert overlap_ids(data_dir, "drugprot") <= excluded  # the HoC and BC2GM overlaps are ChemProt abstracts too
    kept = documents("drugprot", "validation")
    assert sorted(kept) == ["19372559", "23362135", "23411263", "23435942", "23519153", "23584358", "23606373"]


def test_genia_exclusions(data_dir, documents):
    shared = overlap_ids(data_dir, "genia", skip_keys=("genia/all x jnlpba/train",))
    assert set(genia.EXCLUDED["train"]) == shared and len(shared) == 91
    assert set(genia.JNLPBA_TEST) <= shared
    read = documents("genia", "train")
    assert not set(read) & shared and len(read) == 1999 - 91


def test_pico_data_exclusions_and_acl17_test(data_dir, documents):
    listed = json.loads((data_dir / "pico_data" / "OVERLAP_WITH_EVAL.json").read_text())
    (ebm_test,) = listed["overlaps_ebm_nlp"].values()
    acl17 = {json.loads(line)["docid"] for line in (
        data_dir / "pico_data" / "annotations" / "acl17-test" / "PICO-annos-crowdsourcing-agg.json"
    ).read_text().splitlines()}
    assert set(ebm_test) == acl17 and len(acl17) == 191
    shared = overlap_ids(data_dir, "pico_data")
    for split, folder in pico_data.SPLIT_FOLDERS.items():
        path = data_dir / "pico_data" / "annotations" / folder / pico_data.AGGREGATED
        pmids = {json.loads(line)["docid"] for line in path.read_text().splitlines()}
        assert set(pico_data.EXCLUDED[split]) == pmids & shared
        read = set(documents("pico_data", split))
        assert read == pmids - shared and not read & acl17


# tmVar versions ---------------------------------------------------------------------------------------------


def test_tmvar_v3_has_every_v1_and_v2_abstract(data_dir):
    """One version per PMID, v3 where present: v3 holds all of them, so v3 alone is read."""
    folder = data_dir / "tmvar"
    v1 = [pmid for name in ("train.PubTator.txt", "test.PubTator.txt") for pmid in pubtator_pmids(folder / "v1" / name)]
    v2 = pubtator_pmids(folder / "v2" / "tmVar.Normalization.txt")
    v3 = [pmid for file in tmvar.FILES.values() for pmid in pubtator_pmids(folder / file[0])]
    assert len(set(v1)) == len(v3) == len(set(v3)) == 500 and len(set(v2)) == 158
    assert set(v1) == set(v3) and set(v2) <= set(v3)
    assert set(pubtator_pmids(folder / "v3" / "tmVar3_Test.PubTator")) == set(v2)


def test_tmvar_reads_v3_annotation(documents):
    doc = documents("tmvar", "train")["22104738"]
    found = {(e.type, e.text[0], e.offsets[0]) for e in doc.entities}
    assert {("Gene", "MLYCD", (40, 45)), ("DNAMutation", "c.920T>G", (466, 474))} <= found  # v1 has no Gene
    types = Counter(e.type for split in ("train", "test") for d in documents("tmvar", split).values()
                    for e in d.entities)
    assert set(types) == {name for name, _ in tmvar.ENTITY_TYPES}


# Skip lists -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "folder", "sizes"),
    [(tmvar, "tmvar", {"v3/tmVar3_Train.PubTator": 21, "v3/tmVar3_Test.PubTator": 0}),
     (gnormplus, "gnormplus", {"GNormPlus_Train.PubTator": 35, "GNormPlus_Test.PubTator": 4}),
     (nlm_gene, "nlm_gene", {"NLMgene_Train.PubTator": 11, "NLMgene_Test.PubTator": 0})],
)
def test_skip_list_is_exactly_the_upstream_mismatches(module, folder, sizes, data_dir):
    for file, size in sizes.items():
        found = mismatches(data_dir / folder / file)
        assert module.SKIP.get(file, frozenset()) == found and len(found) == size


def test_skipped_mentions_are_left_out_and_the_rest_kept(documents):
    doc = documents("nlm_gene", "train")["19430421"]
    assert not {(e.offsets[0][0], e.offsets[0][1]) for e in doc.entities} & {
        (start, end) for pmid, start, end in nlm_gene.SKIP["NLMgene_Train.PubTator"] if pmid == "19430421"}
    assert len(documents("tmvar", "train")["21904390"].entities) == 40 - 21
    mention = documents("gnormplus", "train")["10064899"].entities
    assert ("Gene", "lysophospholipid-specific lysophospholipase", ((360, 403),)) in {
        (e.type, e.text[0], e.offsets) for e in mention}
    gene = documents("nlm_gene", "train")["20059956"].entities[0]
    assert (gene.type, gene.text, gene.offsets) == ("Gene", ("insulin-like peptide",), ((13, 33),))


_DOC = "1|t|Aspirin.\n1|a|Headache.\n1\t0\t7\tAspirin\tChemical\n1\t8\t16\tHeadachX\tDisease\n\n"


def test_pubtator_skip_list_is_strict(tmp_path):
    path = tmp_path / "x.PubTator"
    path.write_text(_DOC)
    with pytest.raises(CorpusFormatError, match="differs from the text"):
        list(read_pubtator(path))
    (doc,) = read_pubtator(path, {("1", 8, 16)})
    assert [(m.start, m.text) for m in doc.mentions] == [(0, "Aspirin")]
    with pytest.raises(CorpusFormatError, match="on the skip list but matches") as error:
        list(read_pubtator(path, {("1", 8, 16), ("1", 0, 7)}))
    assert error.value.where == "line 3"
    with pytest.raises(CorpusFormatError, match="1 skip-list mentions not in the file"):
        list(read_pubtator(path, {("1", 8, 16), ("2", 0, 7)}))


def test_pubtator_source_rejects_an_undeclared_type(tmp_path):
    (tmp_path / "drugprot").mkdir()
    text = _DOC.replace("8\t16\tHeadachX\tDisease", "9\t17\tHeadache\tOrgan")
    (tmp_path / "drugprot" / "DrugProt_Test.PubTator").write_text(text)
    with pytest.raises(CorpusFormatError, match="unknown entity type 'Organ'") as error:
        list(get_corpus("drugprot").read("validation", tmp_path))
    assert error.value.where == "line 4"


# GENIA flattening -------------------------------------------------------------------------------------------


def test_genia_outermost_terms_of_the_five_classes(documents):
    doc = documents("genia", "train")["95369245"]
    mentions = [(e.type, e.text[0]) for e in doc.entities]
    assert mentions[:5] == [("DNA", "IL-2 gene"), ("protein", "NF-kappa B"), ("protein", "CD28"),
                            ("protein", "5-lipoxygenase"), ("protein", "CD28 surface receptor")]
    start = doc.text.index("CD28 surface receptor")
    assert [e.text[0] for e in doc.entities if e.offsets[0][0] == start] == ["CD28 surface receptor"]
    assert not any(e.text[0] == "IL-2 gene expression" for e in doc.entities)  # other_name: not a mention


def test_genia_coordinations(documents):
    doc = documents("genia", "train")["95280913"]
    start = doc.text.index("alpha- and beta-globin")
    assert [(e.type, e.text[0]) for e in doc.entities if start <= e.offsets[0][0] < start + 22] == [
        ("DNA", "alpha- and beta-globin")]
    assert genia.entity_class("(AND G#DNA_domain_or_region G#DNA_domain_or_region)") == "DNA"
    assert genia.entity_class("(AND G#cell_line (OR G#cell_line G#cell_line))") == "cell_line"
    assert genia.entity_class("(AND G#protein_molecule G#DNA_molecule)") is None
    assert genia.entity_class("(AND G#protein_molecule G#protein_N/A)") is None
    assert genia.entity_class("G#DNA_substructure") is None and genia.entity_class("G#other_name") is None
    with pytest.raises(ValueError, match="names no G# type"):
        genia.entity_class("protein")


def test_genia_matches_jnlpbas_training_annotation(data_dir, documents):
    """JNLPBA's training file is GENIA flattened to five classes: every abstract but the repeated UID agrees."""
    jnlpba: dict[str, Counter] = {}
    uid, current = "", None
    lines = (data_dir / "jnlpba" / "original" / "Genia4ERtask2.iob2").read_text(encoding="utf-8").splitlines()
    for line in [*lines, ""]:
        tag = line.split("\t")[-1]
        if current and not tag.startswith("I-"):
            jnlpba[uid][current[0], "".join(current[1:])] += 1
            current = None
        if line.startswith("###MEDLINE:"):
            uid = line.split(":")[1]
            jnlpba.setdefault(uid, Counter())
        elif tag.startswith("B-"):
            current = [tag[2:], line.split("\t")[0]]
        elif tag.startswith("I-") and current:
            current.append(line.split("\t")[0])
    read = documents("genia", "train")
    differ = []
    for uid, doc in read.items():
        ours = Counter((e.type, e.text[0].replace(" ", "")) for e in doc.entities)
        theirs = Counter({(t, s.replace("``", '"').replace("''", '"')): n for (t, s), n in jnlpba[uid].items()})
        if ours != theirs:
            differ.append(uid)
    assert differ == ["97218353"]  # JNLPBA holds both copies of it
    assert len(read["97218353"].entities) == 17  # the later, more complete copy


# PICO-data --------------------------------------------------------------------------------------------------


def test_pico_data_hmmcrowd_spans_trimmed(documents):
    doc = documents("pico_data", "train")["24070810"]
    assert [e.offsets[0] for e in doc.entities] == [(49, 88), (353, 424), (716, 748), (793, 881), (1996, 2020),
                                                    (2160, 2183)]  # HMMCrowd's, 425 and 882 trimmed
    assert doc.entities[1].text == ("Eighteen subjects (mean age, 29.5±11.0 years) allergic to grass pollen.",)
    for split in pico_data.SPLIT_FOLDERS:
        for record in documents("pico_data", split).values():
            assert "\n" not in record.text
            assert all(e.text[0] == e.text[0].strip() and e.text[0] for e in record.entities)


@pytest.mark.parametrize(("member", "content", "message"), [
    ("other.xml", b"<set/>", "missing from the archive"),
    (genia.MEMBER, b"<set><article>\n<title></set>", "line 2"),
    (genia.MEMBER, b"<set><article><articleinfo><bibliomisc>PMID:1</bibliomisc></articleinfo></article></set>",
     "expected <bibliomisc>MEDLINE:<UID>"),
])
def test_genia_archive_errors_name_the_place(tmp_path, member, content, message):
    (tmp_path / "genia").mkdir()
    with tarfile.open(tmp_path / "genia" / genia.ARCHIVE, "w:gz") as archive:
        info = tarfile.TarInfo(member)
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    with pytest.raises(CorpusFormatError, match=re.escape(message)) as error:
        list(get_corpus("genia").read("train", tmp_path))
    assert error.value.path == str(tmp_path / "genia" / genia.ARCHIVE)
