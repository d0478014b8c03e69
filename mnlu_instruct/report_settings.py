"""How an lm-eval run was made, as its results file records it: model, chat template, few-shot, limit, versions.

lm-eval writes ``config`` (model, model arguments, limit, seeds), ``n-shot`` and ``versions`` per task,
``lm_eval_version``, ``transformers_version``, ``pretty_env_info`` (torch), ``git_hash`` (the commit of the folder
it ran in), ``date``, and, through its ``EvaluationTracker``, ``chat_template`` (``null`` without
``--apply_chat_template``), ``chat_template_sha`` and ``fewshot_as_multiturn``. A key it did not write reads as
"not recorded".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Optional


@dataclass(frozen=True)
class Settings:
    """How a run was made, as its lm-eval results file records it (``None``: not recorded)."""

    model: str
    """The model's name: its ``pretrained`` (or ``peft``, ``model``, ``path``) argument, else the lm-eval model."""
    backend: str
    model_args: str
    chat_template: Optional[bool]
    chat_template_sha: Optional[str]
    fewshot_as_multiturn: Optional[bool]
    n_shot: tuple[int, ...]
    """The distinct few-shot counts of the run's mnlu tasks."""
    fewshot_seed: Optional[int]
    limit: Optional[float]
    mode: str
    lm_eval_version: Optional[str]
    transformers_version: Optional[str]
    torch_version: Optional[str]
    git_hash: Optional[str]
    task_versions: tuple[str, ...]
    date: Optional[str]

    @property
    def identity(self) -> tuple[Any, ...]:
        """What runs that may differ only by template share: model, chat template, few-shot, limit, mode."""
        return (
            self.backend, self.model_args, self.chat_template, self.chat_template_sha, self.fewshot_as_multiturn,
            self.n_shot, self.fewshot_seed if any(self.n_shot) else None, self.limit, self.mode,
        )

    def describe(self) -> dict[str, str]:
        """Each setting as a short text, in the order the report shows them."""
        chat = {None: "not recorded", True: "on", False: "off"}[self.chat_template]
        if self.chat_template and self.chat_template_sha:
            chat += f" (sha {self.chat_template_sha[:12]})"
        if self.chat_template and self.fewshot_as_multiturn is not None and any(self.n_shot):
            chat += ", shots as turns" if self.fewshot_as_multiturn else ", shots in one turn"
        shots = "/".join(str(k) for k in self.n_shot) + "-shot" if self.n_shot else "not recorded"
        if any(self.n_shot) and self.fewshot_seed is not None:
            shots += f" (seed {self.fewshot_seed})"
        versions = [
            f"{name} {value}" for name, value in (
                ("lm-eval", self.lm_eval_version), ("transformers", self.transformers_version),
                ("torch", self.torch_version), ("mnlu tasks", "/".join(self.task_versions) or None),
            ) if value
        ]
        described = {
            "model": self.model if self.model == self.backend else f"{self.model} (lm-eval model {self.backend})",
            "model_args": self.model_args or "–",
            "chat template": chat,
            "few-shot": shots,
            "limit": _limit(self.limit),
            "scoring mode": self.mode,
            "versions": ", ".join(versions) or "not recorded",
            "git commit": self.git_hash or "not recorded",
            "date": self.date or "not recorded",
        }
        return described

    def summary(self) -> str:
        """One line: chat template, few-shot, limit, mode and versions."""
        described = self.describe()
        return " · ".join([
            f"chat template {described['chat template'].split(' (')[0]}", described["few-shot"],
            f"limit {described['limit']}", described["scoring mode"], described["versions"],
        ])


def _limit(limit: Optional[float]) -> str:
    if limit is None:
        return "none (whole test sets)"
    if limit < 1:
        return f"{limit:g} of each test set"
    return f"{limit:g} documents per task"


MODEL_KEYS = ("peft", "delta", "pretrained", "model", "path", "engine")
"""The model arguments that name the model, in the order lm-eval reads them."""


def settings(results: Mapping[str, Any], mode: str = "strict") -> Settings:
    """The settings a results file records: ``config``, ``n-shot``, ``versions``, ``chat_template`` and the rest;
    ``mode`` is the scoring mode of its scores (``strict``, ``paper`` or ``strict and paper``)."""
    config = results.get("config") or {}
    backend = str(config.get("model") or "?")
    args = config.get("model_args") or {}
    if isinstance(args, str):
        args = dict(part.split("=", 1) for part in args.split(",") if "=" in part)
    model_args = ",".join(f"{key}={value}" for key, value in args.items())
    model = next((str(args[key]) for key in MODEL_KEYS if args.get(key)), backend)
    if "chat_template" in results:
        chat: Optional[bool] = results["chat_template"] is not None
    elif "apply_chat_template" in config:
        chat = bool(config["apply_chat_template"])
    else:
        chat = None
    mnlu = [key for key in results["results"] if key.startswith("mnlu_")]
    n_shot = sorted({int(results["n-shot"][key]) for key in mnlu if key in results.get("n-shot", {})})
    versions = sorted({str(results["versions"][key]) for key in mnlu if key in results.get("versions", {})})
    date = results.get("date")
    return Settings(
        model=model,
        backend=backend,
        model_args=model_args,
        chat_template=chat,
        chat_template_sha=results.get("chat_template_sha"),
        fewshot_as_multiturn=results.get("fewshot_as_multiturn"),
        n_shot=tuple(n_shot),
        fewshot_seed=config.get("fewshot_seed"),
        limit=None if config.get("limit") is None else float(config["limit"]),
        mode=mode,
        lm_eval_version=results.get("lm_eval_version"),
        transformers_version=results.get("transformers_version"),
        torch_version=_torch_version(results.get("pretty_env_info")),
        git_hash=results.get("git_hash"),
        task_versions=tuple(versions),
        date=_date(date),
    )


def _torch_version(env_info: Any) -> Optional[str]:
    for line in str(env_info or "").splitlines():
        if line.startswith("PyTorch version:"):
            return line.split(":", 1)[1].strip()
    return None


def _date(value: Any) -> Optional[str]:
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return str(value) if value else None
