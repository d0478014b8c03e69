"""Templates as data: every template parses, sees only known variables, renders deterministically,
and renders the golden examples to the exact pinned text."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import jinja2
import pytest
from golden_examples import GOLDEN_EXAMPLES, golden_text
from jinja2 import meta

from mnlu_instruct.examples import ChoiceAnswer
from mnlu_instruct.parse import parse_answer
from mnlu_instruct.prompts import environment, render, render_prompt, template_context, template_info
from mnlu_instruct.resources import templates_dir

GOLDEN = Path(__file__).resolve().parent / "golden"
TEMPLATE_IDS = sorted(p.stem for p in templates_dir().glob("*.yaml"))


def test_one_template_per_task_type():
    assert TEMPLATE_IDS == ["dc", "ee", "ner", "nli", "qa", "re", "sts", "summ"]
    for template_id in TEMPLATE_IDS:
        info = template_info(template_id)
        assert info.task_type == template_id and info.version >= 1
        assert set(info.answer_shape) <= {"spans", "choice", "text"}


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_template_uses_only_context_variables(template_id):
    env = environment()
    source = (templates_dir() / f"{template_id}.jinja").read_text(encoding="utf-8")
    variables = meta.find_undeclared_variables(env.parse(source))
    for included in meta.find_referenced_templates(env.parse(source)):
        variables |= meta.find_undeclared_variables(env.parse((templates_dir() / included).read_text()))
    known = set(template_context(GOLDEN_EXAMPLES["qa"]))
    assert variables <= known, f"{template_id}.jinja uses unknown variables {variables - known}"
    assert "Medical text:" in source


@pytest.mark.parametrize("name", sorted(GOLDEN_EXAMPLES))
def test_golden_rendering(name):
    rendered = render(GOLDEN_EXAMPLES[name])
    expected = (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
    assert golden_text(rendered.prompt, rendered.target) == expected


@pytest.mark.parametrize("name", sorted(GOLDEN_EXAMPLES))
def test_rendering_is_well_formed(name):
    example = GOLDEN_EXAMPLES[name]
    rendered = render(example)
    assert rendered.prompt == rendered.prompt.strip()
    assert "\nMedical text: " in rendered.prompt
    assert rendered.messages == [
        {"role": "user", "content": rendered.prompt},
        {"role": "assistant", "content": rendered.target},
    ]
    assert parse_answer(rendered.target, example).answer == example.answer
    assert render(example) == rendered  # deterministic
    if isinstance(example.answer, ChoiceAnswer):
        for letter, option in zip("ABCDEFGHIJ", example.options):
            assert f"\n({letter}) {option}\n" in rendered.prompt


def test_strict_undefined_fails_loudly():
    with pytest.raises(jinja2.UndefinedError):
        environment().from_string("{{ no_such_variable }}").render({})


def test_shape_mismatch_is_an_error():
    spans = GOLDEN_EXAMPLES["ner_two_types"]
    with pytest.raises(ValueError, match="renders"):
        render_prompt(replace(spans, template="qa"))


def test_unknown_template_is_named():
    with pytest.raises(KeyError, match="known templates"):
        render(replace(GOLDEN_EXAMPLES["qa"], template="nope"))
