"""The order of the stages, and what a re-run does: skip a finished stage whose inputs are unchanged, run the
others from the first changed or failed one, and stop at the first failure with its one-line error.

Layout of ``RUN``: ``build/ train/ merge/ eval/ report/`` (one mixture), or ``<mixture>/build ... <mixture>/eval``
per mixture with ``--mixtures``, ``baseline/`` (the base model's evaluation, with ``--baseline``), ``logs/``
and ``pipeline.json`` (what the last run did with each stage).
"""

from __future__ import annotations

import shutil
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .config import PipelineConfig
from .manifest import StageFolder, read_manifest, value_digest, write_json
from .stages import BuildStage, Context, EvalStage, MergeStage, ReportStage, Stage, TrainStage

STATUS = "pipeline.json"


class PipelineError(RuntimeError):
    """A stage failed: ``stage`` names it; the message is one line."""

    def __init__(self, stage: str, message: str):
        super().__init__(f"stage {stage} failed: {message}")
        self.stage = stage


@dataclass(frozen=True)
class Outcome:
    stage: str
    status: str  # "skipped", "done" or "failed"
    seconds: float
    error: str = ""


def plan(context: Context, mixtures: Sequence[str], baseline: Optional[Path | bool]) -> list[Stage]:
    """The stages in order: per mixture build, train, merge (when configured), eval; then the base model's
    evaluation (``baseline`` True) and the report (``baseline`` a path: an earlier results file of the base)."""
    stages: list[Stage] = []
    evals: dict[str, EvalStage] = {}
    for mixture in mixtures:
        prefix = f"{mixture}/" if len(mixtures) > 1 else ""
        build = BuildStage(context, f"{prefix}build", mixture)
        train = TrainStage(context, f"{prefix}train", build.name)
        model: TrainStage | MergeStage = train
        stages += [build, train]
        if context.config.merge is not None:
            model = MergeStage(context, f"{prefix}merge", train, context.config.merge)
            stages.append(model)
        evals[mixture] = EvalStage(context, f"{prefix}eval", model)
        stages.append(evals[mixture])
    if baseline is True:
        evals["base model"] = EvalStage(context, "baseline", None)
        stages.append(evals["base model"])
    stages.append(ReportStage(context, "report", evals, baseline if isinstance(baseline, Path) else None))
    return stages


def run_pipeline(config: PipelineConfig, model: Path, data_dir: Path, run: Path, mixtures: Sequence[str],
                 baseline: Optional[Path | bool] = None, echo: bool = False,
                 say: Callable[[str], object] = print) -> list[Outcome]:
    """Run (or skip) every stage in order; raise :class:`PipelineError` at the first failure."""
    run.mkdir(parents=True, exist_ok=True)
    context = Context(config=config, model=model, data_dir=data_dir, run=run, echo=echo)
    outcomes: list[Outcome] = []
    for stage in plan(context, mixtures, baseline):
        started = time.time()
        try:
            outcome = _run_stage(stage, say)
        except Exception as error:  # any stage's failure stops the pipeline with one line; the traceback is logged
            text = str(error.args[0] if isinstance(error, KeyError) and error.args else error).strip()
            message = text.splitlines()[0] if text else type(error).__name__
            _log_traceback(run, stage.name)
            outcomes.append(Outcome(stage.name, "failed", round(time.time() - started, 2), message))
            _write_status(run, outcomes)
            raise PipelineError(stage.name, message) from error
        outcomes.append(outcome)
        _write_status(run, outcomes)
    return outcomes


def _run_stage(stage: Stage, say: Callable[[str], object]) -> Outcome:
    inputs = stage.inputs()
    digest = value_digest(inputs)
    folder = StageFolder(stage.context.run, stage.name)
    previous = read_manifest(folder.final)
    if previous is not None and previous.get("inputs_digest") == digest:
        stage.context.manifests[stage.name] = previous
        say(f"{stage.name}: skipped (inputs unchanged since {previous.get('finished', '?')})")
        return Outcome(stage.name, "skipped", 0.0)
    resume = stage.keep_partial(digest)
    say(f"{stage.name}: running" + (" (resuming from the last checkpoint)" if resume else ""))
    partial = folder.start(keep=resume)
    (partial / ".inputs_digest").write_text(digest + "\n", encoding="utf-8")
    try:
        stage.execute(partial)
    except BaseException:
        if stage.kind != "train":  # training keeps its checkpoints for the next run to resume from
            shutil.rmtree(partial, ignore_errors=True)
        raise
    manifest = folder.finish(stage.manifest(inputs, digest))
    stage.context.manifests[stage.name] = manifest
    say(f"{stage.name}: done in {manifest['seconds']:.1f} s -> {folder.final}")
    return Outcome(stage.name, "done", manifest["seconds"])


def _write_status(run: Path, outcomes: Sequence[Outcome]) -> None:
    write_json(run / STATUS, {"stages": [o.__dict__ for o in outcomes],
                              "failed": next((o.stage for o in outcomes if o.status == "failed"), None)})


def _log_traceback(run: Path, stage: str) -> None:
    log = run / "logs" / f"{stage.replace('/', '-')}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a", encoding="utf-8") as out:
        out.write(traceback.format_exc())
