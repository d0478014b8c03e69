"""Template variants: discovery, the canonical declaration, the seeded choice per example, every variant on every
corpus of its task type, and lm-eval runs under a chosen template and under all of them (``mnlu eval --templates``)
that ``mnlu report`` shows with mean and spread."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import replace
from itertools import islice
from pathlib import Path

import lm_eval
import pytest
from golden_examples import GOLDEN, GOLDEN_EXAMPLES, golden_cases
from jinja2 import meta
from lm_eval.api.registry import register_model

from mnlu_instruct import eval_templates, prompts
from mnlu_instruct import lm_eval_bridge as bridge
from mnlu_instruct.cli import main as mnlu
from mnlu_instruct.corpora import registry
from mnlu_instruct.corpus import MissingCorpusError
from mnlu_instruct.examples import Example
from mnlu_instruct.parse import parse_answer
from mnlu_instruct.report import CANONICAL, load_runs, spreads, template_groups
from mnlu_instruct.resources import templates_dir

VARIANTS = [t for t in prompts.template_ids() if not prompts.template_info(t).canonical]
NER = GOLDEN_EXAMPLES["ner_two_types"]
CACHES = (
    prompts.environment, prompts.template_info, prompts._template, prompts.template_ids, prompts._catalogue,
)


def _present(task_type: str, data_dir: Path) -> list[str]:
    names = []
    for name, corpus in registry().items():
        if corpus.task_type != task_type:
            continue
        try:
            corpus.locate(data_dir)
        except MissingCorpusError:
            continue
        names.append(name)
    return names


@pytest.fixture
def templates(tmp_path, monkeypatch):
    """A copy of the templates folder that the renderer reads, caches cleared before and after."""
    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    for cached in CACHES:
        cached.cache_clear()
    monkeypatch.setattr(prompts, "templates_dir", lambda: folder)
    yield folder
    for cached in CACHES:
        cached.cache_clear()


def add_template(folder: Path, template_id: str, task_type: str, shapes: str, body: str, canonical: str = "") -> None:
    (folder / f"{template_id}.jinja").write_text(body, encoding="utf-8")
    (folder / f"{template_id}.yaml").write_text(
        f"id: {template_id}\nversion: 1\ntask_type: {task_type}\n{canonical}answer_shape: [{shapes}]\n"
        f"description: a test variant\nreference: written for this test\n",
        encoding="utf-8",
    )


QA_V2 = 'Question: {{ question }}\n{% include "_options.jinja" %}\n{% include "_choice_format.jinja" %}\n\n' \
    "Medical text: {{ text }}\n"


def test_adding_a_template_is_two_files_and_a_golden_file(templates):
    """A new ``.jinja`` and ``.yaml`` are discovered: the task type lists them, examples render with them, the
    golden files and ``mnlu eval --templates all`` ask for them."""
    add_template(templates, "qa_v2", "qa", "choice", QA_V2)
    assert [info.id for info in prompts.templates_of("qa")] == ["qa", "qa_v2"]
    example = GOLDEN_EXAMPLES["qa"]
    rendered = prompts.render(example, template="qa_v2")
    assert rendered.template_id == "qa_v2"
    assert rendered.prompt.startswith(f"Question: {example.question}\nOptions:\n(A) yes")
    assert rendered.target == prompts.render(example).target
    assert GOLDEN / "qa_v2" / "qa.txt" in golden_cases()
    assert not (GOLDEN / "qa_v2").exists()  # so test_prompts fails until the golden file is written
    assert eval_templates.variants(["mnlu_pubmedqa", "mnlu_gad"], "all") == [("mnlu_pubmedqa", "qa_v2")]


@pytest.mark.parametrize(
    ("canonical", "expected"),
    [("canonical: true\n", "exactly one .*found qa, qa_v2"), ("", None)],
    ids=["two", "one"],
)
def test_one_canonical_template_per_task_type(templates, canonical, expected):
    add_template(templates, "qa_v2", "qa", "choice", QA_V2, canonical)
    if expected:
        with pytest.raises(ValueError, match=expected):
            prompts.canonical_template("qa")
    else:
        assert prompts.canonical_template("qa").id == "qa"


def test_no_canonical_template_is_an_error(templates):
    path = templates / "qa.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("canonical: true\n", ""), encoding="utf-8")
    with pytest.raises(ValueError, match="'qa' needs exactly one template with `canonical: true`.*found none"):
        prompts.render(GOLDEN_EXAMPLES["qa"])


def test_sidecar_without_reference_names_the_file(templates):
    path = templates / "ner_v2.yaml"
    path.write_text("".join(line for line in path.read_text().splitlines(True) if not line.startswith("reference")))
    with pytest.raises(prompts.TemplateError, match=rf"^{path}: template: missing reference$"):
        prompts.render(NER, template="ner_v2")


def test_choice_is_deterministic_and_seeded():
    examples = [replace(NER, id=f"ncbi_disease-test-{i}") for i in range(2000)]
    first = [prompts.choose_template(e, 13, "all") for e in examples]
    assert first == [prompts.choose_template(e, 13, "all") for e in examples]
    counts = Counter(first)
    assert set(counts) == {"ner", "ner_v2"} and 900 < counts["ner"] < 1100
    other_seed = [prompts.choose_template(e, 14, "all") for e in examples]
    assert 800 < sum(a != b for a, b in zip(first, other_seed)) < 1200
    assert {prompts.choose_template(e, 13, "canonical") for e in examples} == {"ner"}
    assert {prompts.choose_template(e, 13, "ner_v2") for e in examples} == {"ner_v2"}
    assert {prompts.choose_template(e, 13, ["ner", "ner_v2"]) for e in examples} == {"ner", "ner_v2"}


def test_a_list_without_the_task_types_templates_leaves_the_canonical_one():
    assert prompts.choose_template(GOLDEN_EXAMPLES["qa"], 0, "ner_v2") == "qa"
    assert prompts.choose_template(GOLDEN_EXAMPLES["qa"], 0, "all") == "qa"


def test_unknown_template_in_a_choice_is_named():
    with pytest.raises(KeyError, match="canonical, all or ids among dc, ee, .*unknown: ner_v9"):
        prompts.choose_template(NER, 0, "ner_v2,ner_v9")


def test_variants_draw_only_templates_of_the_examples_shape(templates):
    """An event-extraction variant for spans only is never drawn for an attribute (multiple-choice) example."""
    add_template(templates, "ee_v2", "ee", "spans", (templates / "ee.jinja").read_text().replace("Extract", "Find"))
    attribute, spans = GOLDEN_EXAMPLES["ee_attribute"], GOLDEN_EXAMPLES["ee_spans"]
    assert {prompts.choose_template(replace(attribute, id=str(i)), 0, "all") for i in range(50)} == {"ee"}
    assert {prompts.choose_template(replace(spans, id=str(i)), 0, "all") for i in range(50)} == {"ee", "ee_v2"}
    with pytest.raises(ValueError, match="renders"):
        prompts.render(attribute, template="ee_v2")


def test_a_template_of_another_task_type_is_refused():
    dc = replace(GOLDEN_EXAMPLES["qa"], task_type="dc")
    with pytest.raises(ValueError, match="'qa' is a qa template, example golden-qa is dc \\(its templates: dc\\)"):
        prompts.render(dc, template="qa")


def _partials(template_id: str) -> set[str]:
    source = (templates_dir() / f"{template_id}.jinja").read_text(encoding="utf-8")
    return set(meta.find_referenced_templates(prompts.environment().parse(source)))


@pytest.mark.parametrize("template_id", VARIANTS)
def test_variants_keep_the_answer_format_of_their_canonical_template(template_id):
    """A variant rewords the instruction; the answer-format partials (the grammar ``parse.py`` reads) stay."""
    info = prompts.template_info(template_id)
    canonical = prompts.canonical_template(info.task_type)
    assert _partials(canonical.id) <= _partials(template_id)
    assert set(info.answer_shape) <= set(canonical.answer_shape)


def _variant_corpora() -> list[tuple[str, str]]:
    from conftest import find_data_dir

    data_dir = find_data_dir()
    return [
        (template_id, name)
        for template_id in VARIANTS
        for name in _present(prompts.template_info(template_id).task_type, data_dir)
    ]


VARIANT_CORPORA = _variant_corpora()


def test_every_variant_has_corpora_to_run_on():
    assert {template_id for template_id, _ in VARIANT_CORPORA} == set(VARIANTS)
    assert len([name for template_id, name in VARIANT_CORPORA if template_id == "ner_v2"]) >= 15


@pytest.mark.parametrize(("template_id", "name"), VARIANT_CORPORA)
def test_variant_renders_and_round_trips_on_every_corpus_of_its_task_type(template_id, name, data_dir):
    """The first examples of the corpus's first split: the variant renders, its prompt differs from the canonical
    one but holds the same text, types and options, and parse(target) == gold."""
    corpus = registry()[name]
    examples: list[Example] = list(islice(corpus.examples(corpus.splits[0], data_dir), 5))
    fitting = [e for e in examples if e.shape in prompts.template_info(template_id).answer_shape]
    assert fitting, f"{name}: no example of a shape {template_id} renders"
    for example in fitting:
        rendered = prompts.render(example, template=template_id)
        canonical = prompts.render(example)
        assert rendered.template_id == template_id and canonical.template_id != template_id
        assert rendered.prompt != canonical.prompt and rendered.target == canonical.target
        assert rendered.prompt.endswith(f"\nMedical text: {example.text}".rstrip())
        for type_, definition in example.types:
            assert f"\n- {type_}: {definition}\n" in rendered.prompt
        parsed = parse_answer(rendered.target, example)
        assert not parsed.failed and parsed.answer == example.answer, f"{name}/{example.id}"


# --- lm-eval ---------------------------------------------------------------------------------------------------


def test_task_metadata_selects_the_template(data_dir):
    canonical = bridge.load_docs("ncbi_disease", data_dir=str(data_dir))["test"]
    variant = bridge.load_docs("ncbi_disease", data_dir=str(data_dir), template="ner_v2")["test"]
    assert variant["id"] == canonical["id"] and variant["target"] == canonical["target"]
    intro = {"ner": "Extract the named entities", "ner_v2": "Read the medical text below"}
    assert all(prompt.startswith(intro["ner"]) for prompt in canonical["prompt"])
    assert all(prompt.startswith(intro["ner_v2"]) for prompt in variant["prompt"])
    split, shots = bridge.fewshot_docs("ncbi_disease", str(data_dir), "ner_v2")  # shots in the task's template
    assert split == "train" and shots and all(shot["prompt"].startswith(intro["ner_v2"]) for shot in shots)
    with pytest.raises(ValueError, match="mnlu_gad: template 'ner_v2' is not a re template; use re"):
        bridge.load_docs("gad", data_dir=str(data_dir), template="ner_v2")


def test_templates_option_is_taken_out_and_tasks_expanded():
    assert eval_templates.split_option(["--tasks", "a", "--templates", "all", "--limit", "3"]) == (
        "all", ["--tasks", "a", "--limit", "3"]
    )
    assert eval_templates.split_option(["--templates=ner,ner_v2"]) == ("ner,ner_v2", [])
    assert eval_templates.split_option(["--model", "x"]) == ("canonical", ["--model", "x"])
    with pytest.raises(ValueError, match="needs a value"):
        eval_templates.split_option(["--templates", "--model", "x"])
    leaves = eval_templates.leaf_tasks(["mnlu_blurb_open", "mnlu_ncbi_*", "hellaswag"])
    ner = ["mnlu_bc5cdr_chem", "mnlu_bc5cdr_disease", "mnlu_ncbi_disease", "mnlu_bc2gm", "mnlu_jnlpba"]
    assert leaves[:5] == ner and "mnlu_gad" in leaves and "hellaswag" not in leaves
    assert len(leaves) == len(set(leaves)) == 11
    assert eval_templates.variants(leaves, "all") == [(t, "ner_v2") for t in ner]
    assert eval_templates.variants(leaves, "ner") == []


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--tasks", "mnlu_ncbi_disease", "--metadata", '{"template": "ner"}'], "leave 'template' out of --metadata"),
        (["--tasks", "mnlu_gad"], "no other template for the task types of mnlu_gad"),
        (["--model", "mnlu-gold"], "needs the tasks"),
        (["--tasks", "mnlu_gad", "--templates=ner_v9"], "unknown: ner_v9"),
    ],
    ids=["metadata", "no-variant", "no-tasks", "unknown"],
)
def test_templates_option_refuses_conflicts(argv, expected):
    choice, rest = eval_templates.split_option([*argv, "--templates", "all"] if "--templates" not in argv[-1] else argv)
    with pytest.raises((ValueError, KeyError), match=expected), eval_templates.template_variants(rest, choice):
        pass


@register_model("mnlu-test-canonical-only")
class CanonicalOnlyLM(bridge.GoldLM):
    """Gold under the canonical NER wording, nothing under any other: a model as prompt-sensitive as can be."""

    def answer(self, doc: dict) -> str:
        return doc["target"] if doc["prompt"].startswith("Extract the named entities") else ""


NER_TASKS = ["mnlu_ncbi_disease", "mnlu_bc5cdr_chem"]


def eval_all_templates(model: str, out: Path, data_dir: Path, *extra: str) -> dict:
    assert mnlu([
        "eval", "--model", model, "--tasks", ",".join(NER_TASKS), "--templates", "all", "--limit", "4",
        "--metadata", json.dumps({"data_dir": str(data_dir)}), "--output_path", str(out), *extra,
    ]) == 0
    (results_file,) = out.rglob("results_*.json")
    return json.loads(results_file.read_text(encoding="utf-8"))


def test_gold_run_under_both_ner_templates_reports_mean_and_spread(data_dir, tmp_path, monkeypatch):
    """``mnlu eval --templates all`` with ``mnlu-gold``, offline: each NER task also runs as ``@ner_v2`` with that
    template's prompts; ``mnlu report`` makes one run per template and a template-sensitivity table."""
    monkeypatch.setattr(bridge, "_hub_examples", lambda *args: pytest.fail("the Hub was asked"))
    out = tmp_path / "gold"
    results = eval_all_templates("mnlu-gold", out, data_dir, "--log_samples")
    variants = [f"{task}@ner_v2" for task in NER_TASKS]
    assert sorted(results["results"]) == sorted(NER_TASKS + variants)
    for task in NER_TASKS + variants:
        assert results["results"][task]["score,none"] == 1.0 and results["n-samples"][task]["effective"] == 4
    for task in variants:
        assert results["configs"][task]["metadata"]["template"] == "ner_v2"
        (samples_file,) = out.rglob(f"samples_{task}_*.jsonl")
        prompts_seen = [json.loads(line)["doc"]["prompt"] for line in samples_file.read_text().splitlines()]
        assert len(prompts_seen) == 4 and all(p.startswith("Read the medical text below") for p in prompts_seen)
    runs = load_runs([out])
    assert [(run.template, [row.corpus for row in run.rows]) for run in runs] == [
        (CANONICAL, ["bc5cdr_chem", "ncbi_disease"]), ("ner_v2", ["bc5cdr_chem", "ncbi_disease"]),
    ]
    (group,) = template_groups(runs)
    by_name = {spread.name: spread for spread in spreads(group)}
    assert (by_name["ncbi_disease"].mean, by_name["ncbi_disease"].sd) == (100.0, 0.0)
    assert mnlu(["report", str(out), "--out", str(tmp_path / "report")]) == 0
    text = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "## Template sensitivity: mnlu-gold (R1, R2)" in text
    assert "| ncbi_disease | 2 | 100.00 | 0.00 | 100.00 | 100.00 | 100.00 | 100.00 |" in text


def test_prompt_sensitive_model_shows_the_spread(data_dir, tmp_path):
    """The variant tasks of ``--templates all`` through lm-eval's Python API, answered gold under one template and
    empty under the other: every NER dataset has mean 50 and sd 70.71 across templates."""
    with eval_templates.template_variants(["--tasks", ",".join(NER_TASKS)], "all") as argv:
        tasks = [task for arg in argv[1:] for task in arg.split(",")]
        assert tasks[:2] == NER_TASKS and sorted(tasks[2:]) == sorted(f"{task}@ner_v2" for task in NER_TASKS)
        tm = bridge.task_manager(metadata={"data_dir": str(data_dir)})
        results = lm_eval.simple_evaluate(
            model=CanonicalOnlyLM(), tasks=tasks, task_manager=tm, limit=4, bootstrap_iters=0
        )
    path = tmp_path / "results_x.json"
    path.write_text(json.dumps(results, default=str), encoding="utf-8")
    (group,) = template_groups(load_runs([path]))
    found = {s.name: (s.values, round(s.mean, 2), round(s.sd, 2)) for s in spreads(group)}
    for corpus in ("ncbi_disease", "bc5cdr_chem"):
        assert found[corpus] == (((CANONICAL, 100.0), ("ner_v2", 0.0)), 50.0, 70.71)


def test_metadata_template_run_is_reported_under_that_template(data_dir, tmp_path):
    """``--metadata '{"template": "ner_v2"}'``: lm-eval keeps it in the task config, the report labels the run."""
    tm = bridge.task_manager(metadata={"data_dir": str(data_dir), "template": "ner_v2"})
    results = lm_eval.simple_evaluate(
        model=CanonicalOnlyLM(), tasks=["mnlu_ncbi_disease"], task_manager=tm, limit=4, bootstrap_iters=0,
    )
    assert results["results"]["mnlu_ncbi_disease"]["score,none"] == 0.0  # the canonical wording was not shown
    path = tmp_path / "results_x.json"
    path.write_text(json.dumps(results, default=str), encoding="utf-8")
    (run,) = load_runs([path])
    assert run.template == "ner_v2" and run.rows[0].strict == 0.0
