"""Hand-written examples, one or more per task type, whose exact renderings under every template of their task
type are pinned in ``tests/golden/<template id>/<case>.txt``."""

from __future__ import annotations

from pathlib import Path

from mnlu_instruct.examples import ChoiceAnswer, Example, SpanAnswer, TextAnswer
from mnlu_instruct.prompts import render, template_ids, template_info

GOLDEN = Path(__file__).resolve().parent / "golden"

GOLDEN_EXAMPLES: dict[str, Example] = {
    "ner_two_types": Example(
        id="golden-ner",
        source="golden",
        task_type="ner",
        document_id="227508",
        text="Naloxone reverses the antihypertensive effect of clonidine in [3H]-naloxone ... binding: None.",
        answer=SpanAnswer(
            (
                ("Chemical", ("Naloxone", "clonidine", "[3H]-naloxone ... binding")),
                ("Disease", ()),
            )
        ),
        types=(
            ("Chemical", "a chemical compound or drug"),
            ("Disease", "a disease, disorder or symptom"),
        ),
    ),
    "ee_spans": Example(
        id="golden-ee-spans",
        source="golden",
        task_type="ee",
        document_id="phee-1",
        text="Lithium toxicity developed after the addition of ibuprofen.",
        answer=SpanAnswer(
            (("Trigger", ("developed",)), ("Treatment", ("Lithium", "ibuprofen")), ("Effect", ("toxicity",)))
        ),
        types=(
            ("Trigger", "the word that signals the adverse event"),
            ("Treatment", "the drug or therapy involved"),
            ("Effect", "the adverse or therapeutic effect"),
        ),
    ),
    "ee_attribute": Example(
        id="golden-ee-attribute",
        source="golden",
        task_type="ee",
        document_id="phee-1",
        text="Lithium toxicity developed after the addition of ibuprofen.",
        answer=ChoiceAnswer((0,)),
        options=("Adverse event", "Potential therapeutic event"),
        question="What kind of event does the trigger 'developed' describe?",
    ),
    "re_chemprot": Example(
        id="golden-re",
        source="golden",
        task_type="re",
        document_id="10064839",
        text="<e1>Tamoxifen</e1> inhibits <e2>estrogen receptor</e2> signalling.",
        answer=ChoiceAnswer((2,)),
        options=("Upregulator or activator", "Downregulator or inhibitor", "Antagonist", "No relation"),
        negative_options=(3,),
        question=(
            "What is the relation between the chemical <e1>Tamoxifen</e1> and the gene <e2>estrogen receptor</e2>?"
        ),
    ),
    "dc_multilabel": Example(
        id="golden-dc",
        source="golden",
        task_type="dc",
        document_id="12345",
        text="Tumour cells evade apoptosis and sustain proliferative signalling.",
        answer=ChoiceAnswer((0, 2)),
        options=(
            "Sustaining proliferative signaling",
            "Inducing angiogenesis",
            "Resisting cell death",
            "None of the above",
        ),
        multi_label=True,
        negative_options=(3,),
        question="Which hallmarks of cancer does the abstract discuss?",
    ),
    "nli": Example(
        id="golden-nli",
        source="golden",
        task_type="nli",
        document_id="pair-1",
        text="The patient denies chest pain.",
        text_2="The patient has chest pain.",
        answer=ChoiceAnswer((1,)),
        options=("entailment", "contradiction", "neutral"),
        question="Does the premise entail the hypothesis, contradict it, or neither?",
    ),
    "sts": Example(
        id="golden-sts",
        source="golden",
        task_type="sts",
        document_id="pair-2",
        text="Mutations in BRAF drive melanoma.",
        text_2="BRAF mutations are drivers of melanoma.",
        answer=ChoiceAnswer((4,)),
        options=("0", "1", "2", "3", "4"),
        question="How similar in meaning are the two sentences, from 0 (no overlap) to 4 (equivalent)?",
        gold_score=3.8,
    ),
    "qa": Example(
        id="golden-qa",
        source="golden",
        task_type="qa",
        document_id="21645374",
        text="BACKGROUND: Programmed cell death remodels lace plant leaves. RESULTS: Mitochondria change early.",
        answer=ChoiceAnswer((0,)),
        options=("yes", "no", "maybe"),
        question="Do mitochondria play a role in remodelling lace plant leaves during programmed cell death?",
    ),
    "summ": Example(
        id="golden-summ",
        source="golden",
        task_type="summ",
        document_id="D2N000",
        text="[doctor] what brings you in today ?\n[patient] my knee hurts when i climb stairs .\n"
        "[doctor] any swelling ?\n[patient] no , none .",
        answer=TextAnswer("CHIEF COMPLAINT\n\nKnee pain.\n\nHISTORY OF PRESENT ILLNESS\n\n"
                          "The patient reports knee pain on climbing stairs, without swelling."),
        question="Write the clinical visit note for the doctor-patient conversation in the medical text.",
    ),
}


def golden_text(prompt: str, target: str) -> str:
    """The golden file's content: the prompt and the target, under fixed headers."""
    return f"=== prompt ===\n{prompt}\n=== target ===\n{target}\n"


def golden_cases() -> dict[Path, str]:
    """Every golden file (``<template id>/<case>.txt`` under ``tests/golden/``) and the text it must hold: each
    template renders each golden example of its task type whose answer shape it renders."""
    files = {}
    for template_id in template_ids():
        info = template_info(template_id)
        for name, example in GOLDEN_EXAMPLES.items():
            if example.task_type == info.task_type and example.shape in info.answer_shape:
                rendered = render(example, template=template_id)
                files[GOLDEN / template_id / f"{name}.txt"] = golden_text(rendered.prompt, rendered.target)
    return files
