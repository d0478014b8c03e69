"""``mnlu report``: benchmark scores as each benchmark defines them, published references, run settings,
unreadable-answer rates, several runs compared, template spread, the figure, Markdown and PNG."""

from __future__ import annotations

import json
import os
from importlib.metadata import version
from statistics import fmean, stdev

import lm_eval
import pytest
import transformers
from lm_eval.api.registry import register_model
from lm_eval.loggers import EvaluationTracker

from mnlu_instruct import lm_eval_bridge as bridge
from mnlu_instruct.cli import main as mnlu
from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.report import (
    BLUE_DATASETS,
    BLURB_TYPES,
    CANONICAL,
    GPT4_ZERO_SHOT,
    PUBMEDBERT,
    blue_score,
    blurb_score,
    dataset_results,
    leaderboard,
    load_results,
    load_runs,
    results_files,
    spreads,
    template_groups,
    write_report,
)
from mnlu_instruct.report_figure import figure, figure_data, save
from mnlu_instruct.report_settings import settings

# Hand-picked per-dataset scores: the type means are 0.7, 0.4, 0.6, 0.5, 0.8, 0.3, so BLURB = 0.55,
# while the flat mean over the 13 datasets is 7.6 / 13.
BLURB_VALUES = {
    "bc5cdr_chem": 0.9, "bc5cdr_disease": 0.8, "ncbi_disease": 0.7, "bc2gm": 0.6, "jnlpba": 0.5,
    "ebm_pico": 0.4, "chemprot": 0.3, "ddi": 0.6, "gad": 0.9, "biosses": 0.5, "hoc": 0.8,
    "pubmedqa": 0.2, "bioasq": 0.4,
}
BLUE_VALUES = {
    "clinicalsts": 0.1, "biosses": 0.5, "bc5cdr_disease_blue": 0.8, "bc5cdr_chem_blue": 0.9, "share_clefe": 0.2,
    "ddi_blue": 0.6, "chemprot": 0.3, "i2b2_2010": 0.4, "hoc_blue": 0.7, "mednli": 0.5,
}


def results_file(
    values: dict[str, float], paper: dict[str, float] | None = None, failures: int = 1, n: int = 10,
    template: str | None = None, **config,
) -> dict:
    """A results dict shaped as lm-eval writes it (only the fields the report reads)."""
    results, configs = {}, {}
    for name, value in values.items():
        row = {"alias": f"mnlu_{name}", "score,none": value, "score_stderr,none": "N/A",
               "parse_failures,none": float(failures)}
        if paper is not None:
            row["score_paper,none"] = paper[name]
        results[f"mnlu_{name}"] = row
        configs[f"mnlu_{name}"] = {"metadata": {"version": 1.1, **({"template": template} if template else {})}}
    return {
        "results": results,
        "groups": {"mnlu_blurb": {"alias": "mnlu_blurb", "score,none": fmean(values.values())}},
        "configs": configs,
        "n-shot": {f"mnlu_{name}": 0 for name in values},
        "versions": {f"mnlu_{name}": 1.1 for name in values},
        "n-samples": {f"mnlu_{name}": {"original": 100, "effective": n} for name in values},
        "config": {"model": "hf", "model_args": "pretrained=org/test-model", "limit": None, **config},
        "chat_template": None,
        "lm_eval_version": "0.4.13",
    }


def _write(path, payload):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def test_blurb_score_is_the_mean_of_task_type_means():
    rows = dataset_results(results_file(BLURB_VALUES))
    score = blurb_score(rows)
    assert score.complete and score.strict == pytest.approx(55.0) and score.paper is None
    assert fmean(BLURB_VALUES.values()) * 100 == pytest.approx(7.6 / 13 * 100)
    assert sorted(d for ds in BLURB_TYPES.values() for d in ds) == sorted(BLURB_VALUES)


def test_benchmark_tables_follow_the_benchmark_registry():
    """BLURB's six task types come from the corpora's task types (PICO from its metric), in BLURB's order."""
    assert BLURB_TYPES == {
        "NER": ("bc5cdr_chem", "bc5cdr_disease", "ncbi_disease", "bc2gm", "jnlpba"),
        "PICO": ("ebm_pico",),
        "relation extraction": ("chemprot", "ddi", "gad"),
        "sentence similarity": ("biosses",),
        "document classification": ("hoc",),
        "question answering": ("pubmedqa", "bioasq"),
    }
    assert BLUE_DATASETS == (
        "clinicalsts", "biosses", "bc5cdr_disease_blue", "bc5cdr_chem_blue", "share_clefe", "ddi_blue", "chemprot",
        "i2b2_2010", "hoc_blue", "mednli",
    )
    rows = {row.corpus: row for row in dataset_results(results_file({**BLURB_VALUES, **BLUE_VALUES}))}
    assert (rows["ddi"].metric, rows["ddi"].benchmarks) == ("relation_micro_f1", ("blurb",))
    assert (rows["ddi_blue"].metric, rows["ddi_blue"].benchmarks) == ("relation_macro_f1", ("blue",))
    assert rows["chemprot"].benchmarks == ("blurb", "blue") and rows["bc5cdr_chem"].benchmarks == ("blurb",)


def test_partial_blurb_is_flagged_and_averages_the_types_present():
    open_values = {k: v for k, v in BLURB_VALUES.items() if k not in ("bioasq", "ebm_pico")}
    score = blurb_score(dataset_results(results_file(open_values)))
    assert not score.complete and set(score.missing) == {"bioasq", "ebm_pico"}
    # NER 0.7, RE 0.6, STS 0.5, DC 0.8, QA 0.2 (PubMedQA alone); no PICO
    assert score.strict == pytest.approx(fmean([70.0, 60.0, 50.0, 80.0, 20.0]))


def test_blue_score_is_the_mean_of_datasets_in_both_modes(tmp_path):
    paper = {name: value / 2 for name, value in BLUE_VALUES.items()}
    (run,) = load_runs_from(results_file(BLUE_VALUES, paper), tmp=tmp_path)
    assert run.settings.mode == "strict and paper"
    score = blue_score(dataset_results(results_file(BLUE_VALUES, paper)))
    assert set(BLUE_VALUES) == set(BLUE_DATASETS)
    assert score.complete
    assert score.strict == pytest.approx(100 * fmean(BLUE_VALUES.values()))
    assert score.paper == pytest.approx(50 * fmean(BLUE_VALUES.values()))


def test_markdown_names_references_sources_caveats_and_failure_rates(tmp_path):
    path = _write(tmp_path / "results_2026.json", results_file(BLURB_VALUES, limit=5, failures=2))
    text = write_report(path)
    assert "| BLURB | 13/13 | 55.00 | – | 81.16 (PubMedBERT (fine-tuned)) | mnlu_blurb: 58.46 |" in text
    assert "`--limit 5`" in text and f"- results file: `{path}`" in text
    ncbi, chemprot = get_corpus("ncbi_disease").display_name, get_corpus("chemprot").display_name
    assert f"| {ncbi} (`mnlu_ncbi_disease`) | BLURB | entity_f1 | 10 | 2/10 (20.0%) | 70.00 | – | 87.82 | – | " \
           "56.73 |" in text
    assert f"| {chemprot} (`mnlu_chemprot`) | BLURB, BLUE | relation_micro_f1 | 10 | 2/10 (20.0%) | 30.00 | – | " \
           "77.24 | 69.20 | 66.18 (macro-F1) |" in text
    assert "- unreadable answers over all tasks: 26/130 (20.0%)" in text
    order = [line.split("`")[1] for line in text.splitlines() if line.startswith("| ") and "(`mnlu_" in line]
    assert order == [f"mnlu_{d}" for ds in BLURB_TYPES.values() for d in ds]
    for reference in (PUBMEDBERT, GPT4_ZERO_SHOT):
        assert reference.source in text
    assert "200 test examples" in text


def test_failure_rates_per_task_and_overall(tmp_path):
    """The overall rate weighs each task by its documents: (1 + 6) / (10 + 40), not the mean of 10% and 15%."""
    results = results_file({"gad": 0.5, "hoc": 0.5})
    results["results"]["mnlu_hoc"]["parse_failures,none"] = 6.0
    results["n-samples"]["mnlu_hoc"]["effective"] = 40
    (run,) = load_runs_from(results, tmp=tmp_path)
    assert [(row.corpus, row.failure_rate) for row in run.rows] == [("gad", 0.1), ("hoc", 0.15)]
    assert (run.parse_failures, run.failure_rate) == (7, pytest.approx(7 / 50))
    assert leaderboard([run])[0][6] == "7/50 (14.0%)"


def load_runs_from(*payloads, tmp):
    """Runs of results dicts written to the folder ``tmp``, one file each."""
    folder = tmp
    paths = [_write(folder / f"run{i}" / f"results_{i}.json", payload) for i, payload in enumerate(payloads)]
    return load_runs(paths)


def test_two_run_report_leaderboard_names_files_and_ranks(tmp_path, capsys):
    weak = _write(tmp_path / "a" / "results_a.json", results_file({"gad": 0.2, "biosses": 0.4, "hoc": 0.0}))
    few_shot = results_file({"gad": 0.9, "biosses": 0.7}, failures=0, model_args="pretrained=org/strong", limit=20,
                            fewshot_seed=1234)
    few_shot["n-shot"] = {task: 5 for task in few_shot["n-shot"]}
    strong = _write(tmp_path / "b" / "results_b.json", few_shot)
    assert mnlu(["report", str(weak), str(strong)]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"mnlu report: R1 org/test-model: {weak}", f"mnlu report: R2 org/strong: {strong}"]
    lines = captured.out.splitlines()
    assert lines[0] == "# MNLU evaluation report: 2 runs compared"
    runs = [line for line in lines if line.startswith("| R")]
    assert runs[0].startswith(f"| R1 | org/test-model | {CANONICAL} | `{weak}` | off | 0-shot | none (whole test sets)")
    assert runs[1].startswith(
        f"| R2 | org/strong | {CANONICAL} | `{strong}` | off | 5-shot (seed 1234) | 20 documents per task")
    board = lines[lines.index("## Leaderboard") + 2:]
    assert board[0] == "| rank | run | model | template | BLURB | BLUE | unreadable (rate) | gad | biosses | hoc |"
    # BLURB of R2: RE 90, STS 70 -> 80 (partial); R1: RE 20, STS 40, DC 0 -> 20
    assert board[2] == "| 1 | R2 | org/strong | canonical | 80.00* | 70.00* | 0/20 (0.0%) | 90.00 | 70.00 | – |"
    assert board[3] == "| 2 | R1 | org/test-model | canonical | 20.00* | 40.00* | 3/30 (10.0%) | 20.00 | 40.00 | 0.00 |"
    rates = lines[lines.index("## Unreadable answers per dataset") + 2:]
    assert rates[2:5] == ["| gad | 1/10 (10.0%) | 0/10 (0.0%) |", "| biosses | 1/10 (10.0%) | 0/10 (0.0%) |",
                          "| hoc | 1/10 (10.0%) | – |"]
    assert "Template sensitivity" not in captured.out


def test_folder_with_several_runs_is_refused_unless_a_flag_chooses(tmp_path, capsys):
    older = _write(tmp_path / "run" / "model" / "results_2026-01-01.json", results_file({"gad": 0.1}))
    newer = _write(tmp_path / "run" / "model" / "results_2026-01-02.json", results_file(BLUE_VALUES))
    os.utime(older, (1_000_000, 1_000_000))
    assert mnlu(["report", str(tmp_path / "run")]) == 2
    error = capsys.readouterr().err
    assert "2 lm-eval runs in this folder" in error and older.name in error and newer.name in error
    assert "--newest" in error and "--all" in error
    assert results_files(tmp_path / "run", "newest") == [newer]
    assert results_files(tmp_path / "run", "all") == [older, newer]
    out = tmp_path / "report"
    assert mnlu(["report", str(tmp_path / "run"), "--newest", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"mnlu report: R1 org/test-model: {newer}\n"
    assert captured.out == (out / "report.md").read_text(encoding="utf-8")
    assert "| BLUE | 10/10 |" in captured.out and "![scores](report.png)" in captured.out
    assert (out / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in out.iterdir()) == ["report.md", "report.png"]
    assert mnlu(["report", str(tmp_path / "run"), "--all"]) == 0
    assert "2 runs compared" in capsys.readouterr().out
    single = tmp_path / "single"
    only = _write(single / "m" / "results_x.json", results_file({"gad": 0.3}))
    assert results_files(single) == [only]


def test_template_runs_give_mean_and_spread(tmp_path):
    """Two files of one model that differ only in the template of their task metadata, and a third with other
    settings (a limit): one template group of two runs; a file with ``@`` variants gives one run per template."""
    first = results_file({"gad": 0.6, "biosses": 0.5, "hoc": 0.9})
    second = results_file({"gad": 0.8, "biosses": 0.4}, template="ner_v2")
    other = results_file({"gad": 0.1}, template="ner_v3", limit=5)
    runs = load_runs_from(first, second, other, tmp=tmp_path)
    assert [run.template for run in runs] == [CANONICAL, "ner_v2", "ner_v3"]
    (group,) = template_groups(runs)
    assert [run.label for run in group] == ["R1", "R2"]
    found = {spread.name: spread for spread in spreads(group)}
    assert set(found) == {"BLURB (2/13, partial)", "BLUE (1/10, partial)", "gad", "biosses"}  # hoc: one run only
    assert found["gad"].values == (("canonical", pytest.approx(60.0)), ("ner_v2", pytest.approx(80.0)))
    assert found["gad"].mean == pytest.approx(70.0) and found["gad"].sd == pytest.approx(stdev([60.0, 80.0]))
    # BLURB over the datasets both runs have (GAD, BIOSSES): 55 and 60; HoC of the first run left out
    blurb = found["BLURB (2/13, partial)"]
    assert blurb.values == (("canonical", pytest.approx(55.0)), ("ner_v2", pytest.approx(60.0)))
    assert (found["biosses"].low, found["biosses"].high) == (pytest.approx(40.0), pytest.approx(50.0))
    text = write_report([run.source for run in runs])
    assert "## Template sensitivity: org/test-model (R1, R2)" in text
    assert "| gad | 2 | 70.00 | 14.14 | 60.00 | 80.00 | 60.00 | 80.00 |" in text

    variants = results_file({"ncbi_disease": 0.5})
    variants["results"]["mnlu_ncbi_disease@ner_v2"] = {**variants["results"]["mnlu_ncbi_disease"], "score,none": 0.7}
    variants["n-samples"]["mnlu_ncbi_disease@ner_v2"] = {"original": 100, "effective": 10}
    runs = load_runs_from(variants, tmp=tmp_path / "variants")
    assert [(run.label, run.template, run.rows[0].strict) for run in runs] == [
        ("R1", CANONICAL, pytest.approx(50.0)), ("R2", "ner_v2", pytest.approx(70.0))]
    assert [spread.mean for spread in spreads(template_groups(runs)[0]) if spread.name == "ncbi_disease"] == [
        pytest.approx(60.0)]


def test_figure_has_title_benchmark_bars_value_labels_and_a_visible_zero(tmp_path):
    good = results_file({**BLURB_VALUES, **BLUE_VALUES}, chat_template=None)
    zero = results_file({name: 0.0 for name in ("gad", "biosses")}, model_args="pretrained=org/zero")
    runs = load_runs_from(good, zero, tmp=tmp_path)
    data = figure_data(runs[:1])
    assert data.title == "MNLU evaluation: org/test-model"
    assert "chat template off · 0-shot · limit none (whole test sets) · strict · lm-eval 0.4.13" in data.subtitle
    assert data.categories[:3] == ("BLURB score", "BLUE score", get_corpus("bc5cdr_chem").display_name)
    assert data.benchmarks == 2
    this_run = data.series[0]
    assert this_run.label == "this run (strict)" and this_run.values[:2] == (pytest.approx(55.0), pytest.approx(50.0))
    assert this_run.labels[:3] == ("55.0", "50.0", "90.0")
    assert [s.label for s in data.series[1:]] == ["PubMedBERT (fine-tuned)", "NCBI BERT (fine-tuned)",
                                                  "GPT-4 (zero-shot)"]
    assert data.series[1].values[0] == pytest.approx(81.16) and not data.series[1].labels

    both = figure(runs)
    axes = both.axes[0]
    assert both.get_suptitle() == "MNLU evaluation: org/test-model, org/zero (2 runs)"
    assert axes.get_title(loc="left").splitlines()[0].startswith("R1: chat template off")
    ticks = [label.get_text() for label in axes.get_yticklabels()]
    assert ticks[:2] == ["BLURB score", "BLUE score"] and len(ticks) == len(set(BLURB_VALUES) | set(BLUE_VALUES)) + 2
    texts = [text.get_text() for text in axes.texts]
    assert texts.count("0.0*") == 2 and texts.count("0.0") == 2 and "55.0" in texts  # zero run: BLURB, BLUE, 2 sets
    markers = [line for line in axes.lines if line.get_marker() == "|"]
    assert len(markers) == 1 and list(markers[0].get_xdata()) == [0.0] * 4
    hatched = [patch for patch in axes.patches if patch.get_hatch() == "//"]
    assert len(hatched) == 4  # BLURB and BLUE of each run
    legend = [text.get_text() for text in both.legends[0].get_texts()]
    assert legend == ["R1: org/test-model", "R2: org/zero"]
    first, second = save(both, tmp_path / "a.png"), save(figure(runs), tmp_path / "b.png")
    assert first.read_bytes() == second.read_bytes()  # deterministic


def test_bad_input_names_the_file(tmp_path, capsys):
    path = _write(tmp_path / "not_results.json", {"accuracy": 1})
    assert mnlu(["report", str(path)]) == 2
    assert str(path) in capsys.readouterr().err
    with pytest.raises(ValueError, match="no mnlu_"):
        write_report(_write(tmp_path / "other.json", {"results": {"hellaswag": {"acc,none": 0.5}}}))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no lm-eval results"):
        results_files(empty)
    with pytest.raises(ValueError, match="no such file"):
        results_files(tmp_path / "no_such_file.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.json: not JSON"):
        load_results(broken)


@register_model("mnlu-test-chat-gold")
class ChatGoldLM(bridge.GoldLM):
    """The gold model behind a chat template (lm-eval records the template in the results file)."""

    TEMPLATE = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}<|assistant|>"

    @property
    def tokenizer_name(self) -> str:
        return "mnlu-test-chat"

    def chat_template(self, chat_template: bool | str = False) -> str:
        return self.TEMPLATE

    def apply_chat_template(self, chat_history: list[dict[str, str]], add_generation_prompt: bool = True) -> str:
        return "".join(f"<|{m['role']}|>{m['content']}" for m in chat_history) + "<|assistant|>"


@pytest.fixture(scope="module")
def real_runs(data_dir, tmp_path_factory):
    """Two lm-eval results files (offline, local data, 3 documents per task) written as ``lm_eval``/``mnlu eval``
    write them (lm-eval's ``EvaluationTracker``): the gold model behind a chat template, the empty model without."""
    out = tmp_path_factory.mktemp("runs")
    manager = bridge.task_manager(metadata={"data_dir": str(data_dir)})
    for model, chat in (("mnlu-test-chat-gold", True), ("mnlu-empty", False)):
        tracker = EvaluationTracker(output_path=str(out / model))
        results = lm_eval.simple_evaluate(
            model=model, tasks=["mnlu_gad", "mnlu_biosses"], task_manager=manager, limit=3, bootstrap_iters=0,
            apply_chat_template=chat, evaluation_tracker=tracker,
        )
        tracker.save_results_aggregated(results=results, samples=None)
    return [results_files(out / model) for model in ("mnlu-test-chat-gold", "mnlu-empty")]


def test_settings_from_real_lm_eval_results(real_runs):
    (gold,), (empty,) = real_runs
    chat, plain = load_results(gold), load_results(empty)
    on, off = settings(chat), settings(plain)
    assert (on.model, on.chat_template) == ("mnlu-test-chat-gold", True)
    assert (off.model, off.chat_template) == ("mnlu-empty", False)
    assert on.chat_template_sha and on.chat_template_sha == chat["chat_template_sha"]
    assert on.limit == off.limit == 3.0 and on.n_shot == off.n_shot == (0,)
    assert on.lm_eval_version == version("lm_eval") and on.transformers_version == transformers.__version__
    assert on.torch_version and on.torch_version.startswith(version("torch").split("+")[0])
    assert on.task_versions == (str(chat["versions"]["mnlu_gad"]),)
    assert load_runs([gold])[0].settings == on and on.mode == "strict"
    described = on.describe()
    assert described["chat template"] == f"on (sha {on.chat_template_sha[:12]})"
    assert described["limit"] == "3 documents per task" and described["few-shot"] == "0-shot"


def test_two_real_runs_compared(real_runs, tmp_path, capsys):
    (gold,), (empty,) = real_runs
    out = tmp_path / "report"
    assert mnlu(["report", str(gold.parent.parent), str(empty), "--out", str(out)]) == 0
    text = (out / "report.md").read_text(encoding="utf-8")
    assert capsys.readouterr().err.splitlines() == [
        f"mnlu report: R1 mnlu-test-chat-gold: {gold}", f"mnlu report: R2 mnlu-empty: {empty}"]
    assert f"| R1 | mnlu-test-chat-gold | canonical | `{gold}` | on (sha " in text
    assert f"| R2 | mnlu-empty | canonical | `{empty}` | off | 0-shot | 3 documents per task | strict |" in text
    # gold: GAD 100, BIOSSES the Pearson r of the rounded gold options on 3 pairs; empty: 0, every answer unreadable
    pearson = 100 * load_results(gold)["results"]["mnlu_biosses"]["score,none"]
    assert 90 < pearson < 100
    board = [line for line in text.splitlines() if line.startswith(("| 1 |", "| 2 |"))]
    assert board == [
        f"| 1 | R1 | mnlu-test-chat-gold | canonical | {(100 + pearson) / 2:.2f}* | {pearson:.2f}* | 0/6 (0.0%) | "
        f"100.00 | {pearson:.2f} |",
        "| 2 | R2 | mnlu-empty | canonical | 0.00* | 0.00* | 6/6 (100.0%) | 0.00 | 0.00 |",
    ]
    assert "| gad | 0/3 (0.0%) | 3/3 (100.0%) |" in text
    data = figure_data(load_runs([gold, empty]))
    assert [series.labels[2] for series in data.series] == ["100.0", "0.0"]  # GAD
