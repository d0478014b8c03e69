"""``mnlu train``: recipes, clear errors, a tiny model that learns, answer-only masking, LoRA, resume (CPU)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from mnlu_instruct.cli import main as mnlu
from mnlu_instruct.tiny_model import build_tiny_model
from mnlu_instruct.train import build_trainer, load_recipe, sft_config, train

# Small, fast settings for the tiny model on CPU; everything else comes from the shipped recipe.
CPU_SETTINGS = [
    "training.max_steps=24", "training.learning_rate=1e-2", "training.warmup_steps=0",
    "training.per_device_train_batch_size=4", "training.max_length=256", "training.logging_steps=1",
    "training.report_to=none", "training.save_strategy=steps", "training.save_steps=24",
    "training.activation_checkpointing=false", "training.dataset_num_proc=null",
]

NER_PROMPT = (
    "Extract the named entities of the following types from the medical text.\n- Chemical: a drug or chemical\n"
    "- Disease: a disease or symptom\nAnswer with one line per type, in the order listed, written as "
    "\"Type: span1 ... span2\". Write \"Type: None\" when the text has no span of that type.\n\nMedical text: {text}"
)
RE_PROMPT = (
    "What is the relation between the chemical and the disease?\nThe two entities are marked in the medical text "
    "as <e1>...</e1> and <e2>...</e2>.\nOptions:\n(A) the chemical induces the disease\n(B) none of the above\n"
    "Answer with the one correct option, written as \"(X) option text\".\n\nMedical text: {text}"
)
SENTENCES = [
    ("The patient was treated with aspirin and developed gastric bleeding.", "aspirin", "gastric bleeding", True),
    ("Cisplatin caused renal toxicity in mice.", "Cisplatin", "renal toxicity", True),
    ("Lithium was stopped before the tremor resolved.", "Lithium", "tremor", False),
    ("Haloperidol given for agitation led to dystonia.", "Haloperidol", "dystonia", True),
    ("Metformin was continued and no lactic acidosis occurred.", "Metformin", "lactic acidosis", False),
    ("Heparin induced thrombocytopenia in two women.", "Heparin", "thrombocytopenia", True),
]


def mnlu_rows(copies: int) -> list[dict]:
    """MNLU-Instruct rows (NER and RE) in the builder's columns."""
    rows = []
    for copy in range(copies):
        for number, (text, chemical, disease, related) in enumerate(SENTENCES):
            document = f"doc{copy}-{number}"
            target = f"Chemical: {chemical}\nDisease: {disease}"
            rows.append(_row(NER_PROMPT.format(text=text), target, "fixture_ner", "ner", document))
            marked = text.replace(chemical, f"<e1>{chemical}</e1>").replace(disease, f"<e2>{disease}</e2>")
            target = "(A) the chemical induces the disease" if related else "(B) none of the above"
            rows.append(_row(RE_PROMPT.format(text=marked), target, "fixture_re", "re", document))
    return rows


def _row(prompt: str, target: str, source: str, task_type: str, document: str) -> dict:
    return {"messages": [{"role": "user", "content": prompt}, {"role": "assistant", "content": target}],
            "target": target, "source": source, "task_type": task_type, "document_id": document,
            "template_id": task_type, "template_version": 1}


def write_mnlu_folder(path: Path, splits: dict[str, list[dict]], config: str = "all") -> Path:
    """A Hub-ready folder as ``mnlu build`` writes it: ``data/<config>/<split>-*.parquet`` and a card."""
    from datasets import Dataset

    for split, rows in splits.items():
        target = path / "data" / config / f"{split}-00000-of-00001.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        Dataset.from_list(rows).to_parquet(str(target))
    card = {"license": ["cc-by-4.0", "mit"], "configs": [{"config_name": config, "data_files": [
        {"split": split, "path": f"data/{config}/{split}-*"} for split in splits]}]}
    (path / "README.md").write_text(f"---\n{yaml.safe_dump(card, sort_keys=False)}---\n# fixture\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mnlu") / "MNLU-Instruct"
    return write_mnlu_folder(folder, {"train": mnlu_rows(4), "validation": mnlu_rows(1)})


def cpu_recipe(name: str, tiny: Path, dataset: Path, output_dir: Path, *extra: str):
    values = {"model": str(tiny), "dataset": str(dataset), "device": "cpu", "training.output_dir": str(output_dir)}
    return load_recipe(name, [*CPU_SETTINGS, *extra], values)


@pytest.fixture(scope="module")
def trained(tiny, dataset, tmp_path_factory):
    """The paper's recipe, shrunk for CPU, run on the tiny model for 24 steps."""
    return train(cpu_recipe("biomistral_nlu_full", tiny, dataset, tmp_path_factory.mktemp("run") / "full"))


def test_the_paper_recipe_has_the_papers_hyperparameters():
    recipe = load_recipe("biomistral_nlu_full")
    t = recipe.training
    assert (t["learning_rate"], t["lr_scheduler_type"], t["warmup_steps"]) == (2e-5, "cosine", 0.1)
    assert (t["num_train_epochs"], t["per_device_train_batch_size"], t["max_length"]) == (2, 16, 2048)
    assert (t["bf16"], t["packing"], t["seed"]) == (True, True, 42)
    assert recipe.loss == "all" and recipe.lora is None and recipe.device == "cuda"
    config = sft_config(load_recipe("biomistral_nlu_full", values={"device": "cpu"}))
    assert config.learning_rate == 2e-5 and config.warmup_steps == 0.1 and config.packing
    assert config.completion_only_loss is False and config.assistant_only_loss is False
    assert load_recipe("lora", ["training.save_strategy=no"]).training["save_strategy"] == "no"  # not YAML 1.1 False
    lora = load_recipe("lora", ["lora.r=8", "loss=answer"])
    assert lora.lora["r"] == 8 and lora.loss == "answer" and lora.merge_adapter
    assert sft_config(load_recipe("lora", ["loss=answer"], {"device": "cpu"})).completion_only_loss is True


@pytest.mark.parametrize(("args", "message"), [
    (["--config", "nope"], "recipe 'nope' not found"),
    (["--config", "lora", "--set", "training.learnig_rate=1"], "did you mean learning_rate"),
    (["--config", "lora", "--set", "optimizer=adam"], "unknown recipe key(s) optimizer"),
    (["--config", "lora", "--set", "loss=prompt"], "loss must be one of"),
    (["--config", "lora", "--set", "training.completion_only_loss=true"], "through the recipe's `loss` key"),
    (["--config", "lora", "--set", "noequals"], "--set expects key=value"),
    (["--config", "lora", "--dataset", "x/y"], "sees none"),  # the GPU check comes first
    (["--config", "lora", "--device", "cpu"], "no dataset"),
    (["--config", "lora", "--device", "cpu", "--dataset", "./missing"], "dataset folder ./missing does not exist"),
    (["--config", "lora", "--device", "cpu", "--dataset", "{dataset}", "--dataset-config", "ner"], "no config 'ner'"),
    (["--config", "lora", "--device", "cpu", "--dataset", "{dataset}", "--model", "./no_model"],
     "model folder ./no_model does not exist"),
    (["--config", "lora", "--device", "cpu", "--dataset", "{dataset}", "--set", "model=null"], "no model"),
    (["--config", "lora", "--device", "cpu", "--dataset", "{dataset}", "--model", "{tiny}",
      "--output-dir", "{tmp}", "--resume"], "no checkpoint-N folder"),
])
def test_clear_errors(args, message, dataset, tiny, tmp_path, capsys):
    args = [a.format(dataset=dataset, tiny=tiny, tmp=tmp_path) for a in args]
    assert mnlu(["train", *args, "--set", "training.report_to=none"]) == 2
    err = capsys.readouterr().err
    assert f"mnlu train: error: {message}" in err or ("mnlu train: error: " in err and message in err), err


def test_tensorboard_missing_is_a_clear_error(dataset, tiny, tmp_path, capsys, monkeypatch):
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name.startswith("tensorboard") else find_spec(name, *a))
    args = ["--config", "lora", "--device", "cpu", "--dataset", str(dataset), "--model", str(tiny)]
    assert mnlu(["train", *args]) == 2
    assert "--set training.report_to=none" in capsys.readouterr().err


def test_loss_goes_down(trained):
    losses = [entry["loss"] for entry in trained.log_history if "loss" in entry]
    assert len(losses) == 24
    first, last = sum(losses[:4]) / 4, sum(losses[-4:]) / 4
    assert last < 0.6 * first, losses


def test_saved_model_reloads_and_generates(trained):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(trained.model_dir)
    tokenizer = AutoTokenizer.from_pretrained(trained.model_dir)
    assert tokenizer.chat_template == load_recipe("biomistral_nlu_full").chat_template
    messages = [{"role": "user", "content": NER_PROMPT.format(text=SENTENCES[0][0])}]
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    with torch.no_grad():
        output = model.generate(**inputs, max_new_tokens=12, do_sample=False)
    new = output[0, inputs["input_ids"].shape[1]:]
    assert 0 < len(new) <= 12
    assert tokenizer.decode(new, skip_special_tokens=True).strip()


def test_training_card_and_recipe(trained, dataset, tiny):
    card = (trained.output_dir / "README.md").read_text(encoding="utf-8")
    header = yaml.safe_load(card.split("---")[1])
    assert header["base_model"] == str(tiny) and header["library_name"] == "transformers"
    assert f"dataset: `{dataset}`, config `all`" in card
    assert "splits used: train 48, validation 12" in card
    assert "data licences (dataset card): cc-by-4.0, mit" in card
    assert "| ner | 24 |" in card and "| fixture_re | 24 |" in card
    assert "learning_rate: 0.01" in card and "| train_loss |" in card
    assert "- mnlu-instruct 0.1.0, commit `" in card and "- trl " in card
    saved = yaml.safe_load((trained.output_dir / "recipe.yaml").read_text(encoding="utf-8"))
    assert saved == load_recipe(str(trained.output_dir / "recipe.yaml")).to_dict()
    assert saved["training"]["max_steps"] == 24


def _prompt_ids(tokenizer, messages):
    rendered = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True)
    return rendered["input_ids"]


def test_answer_only_loss_masks_every_prompt_token(tiny, dataset, tmp_path):
    recipe = cpu_recipe("biomistral_nlu_full", tiny, dataset, tmp_path, "loss=answer", "training.packing=false")
    trainer, data = build_trainer(recipe)
    tokenizer = trainer.processing_class
    for index in (0, 1):  # an NER and an RE example
        row = trainer.train_dataset[index]
        messages = [{"role": "system", "content": ""}, *data["train"][index]["messages"]]
        prompt = _prompt_ids(tokenizer, messages[:-1])
        ids, labels = row["input_ids"], row["labels"]
        assert ids[:len(prompt)] == prompt
        assert set(labels[:len(prompt)]) == {-100}
        assert labels[len(prompt):] == ids[len(prompt):]
        assert tokenizer.decode(labels[len(prompt):]) == data["train"][index]["target"] + "</s>\n"


def test_answer_only_masking_survives_packing(tiny, dataset, tmp_path):
    recipe = cpu_recipe("biomistral_nlu_full", tiny, dataset, tmp_path, "loss=answer", "training.max_length=1024")
    trainer, data = build_trainer(recipe)
    tokenizer = trainer.processing_class
    answer_tokens = 0
    for example in data["train"]:
        messages = [{"role": "system", "content": ""}, *example["messages"]]
        full = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True)["input_ids"]
        answer_tokens += len(full) - len(_prompt_ids(tokenizer, messages[:-1]))
    packed = trainer.train_dataset
    assert len(packed) < len(data["train"])  # several examples per 1024-token row
    assert sum(sum(label != -100 for label in row["labels"]) for row in packed) == answer_tokens
    batch = next(iter(trainer.get_train_dataloader()))  # padding-free: one row, positions restart per example
    assert "attention_mask" not in batch and (batch["position_ids"][0] == 0).sum() > 1


def test_packed_examples_do_not_attend_to_each_other(tiny, dataset, tmp_path):
    """A packed row (no attention mask, positions restarting per example) gives each example the logits it has
    alone: transformers builds a block-diagonal mask from the position ids, also with sdpa on CPU."""
    import torch

    trainer, _ = build_trainer(cpu_recipe("biomistral_nlu_full", tiny, dataset, tmp_path))
    batch = next(iter(trainer.get_train_dataloader()))
    model = trainer.model.eval()
    with torch.no_grad():
        packed = model(**{k: v for k, v in batch.items() if k != "labels"}).logits[0]
        starts = [*(batch["position_ids"][0] == 0).nonzero().flatten().tolist(), batch["input_ids"].shape[1]]
        assert len(starts) > 2
        for start, end in zip(starts, starts[1:]):
            alone = model(input_ids=batch["input_ids"][:, start:end]).logits[0]
            torch.testing.assert_close(packed[start:end], alone, rtol=1e-4, atol=1e-5)


def test_all_token_loss_labels_every_token(tiny, dataset, tmp_path):
    recipe = cpu_recipe("biomistral_nlu_full", tiny, dataset, tmp_path, "training.packing=false")
    trainer, _ = build_trainer(recipe)
    row = trainer.train_dataset[0]
    assert row["labels"] == row["input_ids"]
    assert trainer.processing_class.decode(row["input_ids"]).startswith("<|system|>\n</s>\n<|user|>\nExtract")


def test_resume_continues_from_the_last_checkpoint(trained, tiny, dataset, tmp_path):
    copy = shutil.copytree(trained.output_dir, tmp_path / "full")
    assert (copy / "checkpoint-24").is_dir()
    recipe = cpu_recipe("biomistral_nlu_full", tiny, dataset, copy, "training.max_steps=26")
    resumed = train(recipe, resume=True)
    steps = [entry["step"] for entry in resumed.log_history if "loss" in entry]
    assert steps == list(range(1, 27))
    assert resumed.log_history[:24] == [e for e in trained.log_history if "loss" in e]


@pytest.mark.slow
def test_lora_recipe_saves_the_adapter_and_the_merged_model(tiny, dataset, tmp_path, capsys):
    import torch
    from transformers import AutoModelForCausalLM

    args = ["--config", "lora", "--device", "cpu", "--dataset", str(dataset), "--model", str(tiny),
            "--output-dir", str(tmp_path / "lora"), "--set", "training.max_steps=3", "--set", "lora.r=4"]
    for item in CPU_SETTINGS[1:]:
        args += ["--set", item]
    assert mnlu(["train", *args]) == 0
    assert f"model and tokenizer: {tmp_path / 'lora' / 'merged'}" in capsys.readouterr().out
    adapter = json.loads((tmp_path / "lora" / "adapter_config.json").read_text())
    assert adapter["r"] == 4 and adapter["peft_type"] == "LORA"
    assert yaml.safe_load((tmp_path / "lora" / "README.md").read_text().split("---")[1])["library_name"] == "peft"
    merged = AutoModelForCausalLM.from_pretrained(tmp_path / "lora" / "merged")
    base = AutoModelForCausalLM.from_pretrained(tiny)
    changed = [name for name, p in merged.state_dict().items() if not torch.equal(p, base.state_dict()[name])]
    assert changed and all("proj" in name for name in changed)  # LoRA touched the linear layers only


@pytest.fixture(scope="module")
def built(data_dir, tmp_path_factory) -> Path:
    """MNLU-Instruct built by `mnlu build` from two small real training sources of two task types (NER, RE)."""
    out = tmp_path_factory.mktemp("build") / "MNLU-Instruct"
    assert mnlu(["build", "--data-dir", str(data_dir), "--out", str(out), "--corpora", "biored,euadr", "--quiet"]) == 0
    return out


@pytest.fixture
def mnlu_tasks_only(monkeypatch):
    """lm-eval's task index without lm-eval's own thousands of task files (the slowest part of `mnlu eval`);
    the mnlu tasks are still added by `mnlu eval` itself, as for any user."""
    from lm_eval.tasks.manager import TaskManager

    original = TaskManager.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **{**kwargs, "include_defaults": False})

    monkeypatch.setattr(TaskManager, "__init__", __init__)


@pytest.mark.slow
def test_build_train_and_evaluate_end_to_end(built, tiny, data_dir, tmp_path, capsys, mnlu_tasks_only):
    """`mnlu build` -> `mnlu train` (the paper's recipe, shrunk) -> `mnlu eval` of the trained model (--limit 3)."""
    from datasets import load_dataset

    run = tmp_path / "run"
    recipe = cpu_recipe("biomistral_nlu_full", tiny, built, run, "training.max_steps=10", "training.save_strategy=no",
                        "train_examples=200")
    result = train(recipe)
    losses = [entry["loss"] for entry in result.log_history if "loss" in entry]
    assert len(losses) == 10 and sum(losses[-3:]) < sum(losses[:3]), losses
    card = (run / "README.md").read_text(encoding="utf-8")
    built_data = load_dataset(str(built), "all")
    assert f"splits used: train 200, validation {len(built_data['validation']):,} (the first 200 training" in card
    sources = Counter(built_data["train"].select(range(200))["source"])
    assert set(sources) == {"biored", "euadr"}
    assert all(f"| {source} | {count:,} |" in card for source, count in sources.items())

    capsys.readouterr()
    assert mnlu(["eval", "--model", "hf", "--model_args", f"pretrained={result.model_dir}", "--tasks", "mnlu_gad",
                 "--limit", "3", "--device", "cpu", "--apply_chat_template", "--log_samples",
                 "--metadata", json.dumps({"data_dir": str(data_dir)}), "--output_path", str(tmp_path / "eval")]) == 0
    (results_file,) = (tmp_path / "eval").rglob("results_*.json")
    results = json.loads(results_file.read_text(encoding="utf-8"))
    assert results["n-samples"]["mnlu_gad"]["effective"] == 3 and "score,none" in results["results"]["mnlu_gad"]
    (samples_file,) = (tmp_path / "eval").rglob("samples_mnlu_gad_*.jsonl")
    prompts = [json.loads(line)["arguments"]["gen_args_0"]["arg_0"] for line in samples_file.read_text().splitlines()]
    assert len(prompts) == 3
    assert all(p.startswith("<|user|>\n") and p.endswith("</s>\n<|assistant|>\n") for p in prompts), prompts[0]


def test_python_module_entry_point():
    result = subprocess.run([sys.executable, "-m", "mnlu_instruct.train", "--help"], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0 and "--config RECIPE" in result.stdout and "--resume" in result.stdout
