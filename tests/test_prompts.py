"""Templates as data: every template parses, sees only known variables, renders deterministically,
and renders the golden examples of its task type to the exact pinned text (``tests/golden/<id>/<case>.txt``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import jinja2
import pytest
from golden_examples import GOLDEN, GOLDEN_EXAMPLES, golden_cases, golden_text
from jinja2 import meta

from mnlu_instruct.examples import ChoiceAnswer
from mnlu_instruct.parse import parse_answer
from mnlu_instruct.prompts import (
    canonical_template,
    environment,
    render,
    render_prompt,
    template_context,
    template_ids,
    template_info,
    templates_of,
)
from mnlu_instruct.resources import templates_dir

TEMPLATE_IDS = list(template_ids())
TASK_TYPES = ["dc", "ee", "ner", "nli", "qa", "re", "sts", "summ"]
GOLDEN_FILES = golden_cases()


def test_every_task_type_has_one_canonical_template():
    """The canonical templates keep the task type's name; variants are extra ids of the same task type."""
    assert sorted({template_info(t).task_type for t in TEMPLATE_IDS}) == TASK_TYPES
    for task_type in TASK_TYPES:
        infos = templates_of(task_type)
        assert [info.id for info in infos if info.canonical] == [task_type] == [canonical_template(task_type).id]
    for template_id in TEMPLATE_IDS:
        info = template_info(template_id)
        assert info.id == template_id and info.version >= 1 and info.description and info.reference
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


@pytest.mark.parametrize("path", sorted(GOLDEN_FILES), ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_golden_rendering(path: Path):
    assert path.exists(), f"{path} missing: run python tests/golden/regenerate.py and review it"
    assert path.read_text(encoding="utf-8") == GOLDEN_FILES[path]


def test_no_stray_golden_file():
    assert sorted(GOLDEN.glob("*/*.txt")) == sorted(GOLDEN_FILES)
    assert {path.parent.name for path in GOLDEN_FILES} == set(TEMPLATE_IDS), "a template without a golden file"


def test_canonical_rendering_is_the_default():
    for name, example in GOLDEN_EXAMPLES.items():
        expected = (GOLDEN / example.task_type / f"{name}.txt").read_text(encoding="utf-8")
        rendered = render(example)
        assert rendered.template_id == example.task_type and rendered.template_version >= 1
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
