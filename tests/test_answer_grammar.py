"""The answer grammar: targets round-trip through the parser for any mention text, the parser never
raises, and it is forgiving in form but strict in meaning."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mnlu_instruct.answer_format import format_answer
from mnlu_instruct.examples import ChoiceAnswer, Example, SpanAnswer
from mnlu_instruct.parse import parse_answer

TYPES = (("Chemical", "a chemical"), ("Disease", "a disease"), ("Disease modifier", "a modifier"))


def span_example(*groups: tuple[str, ...]) -> Example:
    answer = SpanAnswer(tuple((name, group) for (name, _), group in zip(TYPES, groups)))
    return Example(id="x", source="t", task_type="ner", document_id="d", text="", answer=answer, types=TYPES)


def choice_example(selected: tuple[int, ...], multi_label: bool = False) -> Example:
    options = ("Upregulator", "Downregulator", "None of the above")
    return Example(
        id="x",
        source="t",
        task_type="re",
        document_id="d",
        text="",
        answer=ChoiceAnswer(selected),
        options=options,
        multi_label=multi_label,
    )


ADVERSARIAL = st.sampled_from(
    [
        "None",
        "none.",
        " None ",
        "a ... b",
        "x...y",
        "…",
        '"quoted"',
        '"',
        "Disease: x",
        "(A) y",
        "[3H]-naloxone",
        "IL-2, IL-4",
        "a\nb",
        "tab\there",
        "\u2028",
        "trailing ",
        "5:1",
        "...",
        "",
        "None of the above",
    ]
)
MENTION = st.one_of(ADVERSARIAL, st.text(min_size=0, max_size=15))


@settings(max_examples=400, deadline=None)
@given(st.lists(MENTION, max_size=4), st.lists(MENTION, max_size=3), st.lists(MENTION, max_size=2))
def test_spans_round_trip(chemicals, diseases, modifiers):
    example = span_example(tuple(chemicals), tuple(diseases), tuple(modifiers))
    parsed = parse_answer(format_answer(example), example)
    assert not parsed.failed and parsed.answer == example.answer


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_parser_never_raises(text):
    for example in (span_example((), (), ()), choice_example((0,)), choice_example((0, 1), multi_label=True)):
        parsed = parse_answer(text, example)
        assert parsed.failed == (parsed.answer is None)


def test_target_shapes():
    example = span_example(("naloxone", "a ... b"), (), ("None",))
    assert format_answer(example) == 'Chemical: naloxone ... "a ... b"\nDisease: None\nDisease modifier: "None"'
    assert format_answer(choice_example((1,))) == "(B) Downregulator"
    assert format_answer(choice_example((0, 1), multi_label=True)) == "(A) Upregulator\n(B) Downregulator"


def test_spans_are_forgiving_in_form():
    example = span_example(("naloxone", "clonidine"), (), ("x",))
    chatty = (
        "Sure! Here are the entities:\n- chemical:  naloxone ...clonidine\n* DISEASE: none.\n1. Disease modifier: x\n"
    )
    parsed = parse_answer(chatty, example)
    assert parsed.answer == example.answer and not parsed.failed
    assert parsed.unknown == ()  # chatter is not an unknown type


def test_longest_type_wins_and_unknown_types_are_reported():
    example = span_example((), ("asthma",), ("chronic",))
    parsed = parse_answer("Disease: asthma\nDisease modifier: chronic\nGene: BRCA1", example)
    assert parsed.answer == example.answer and parsed.unknown == ("Gene",)


def test_missing_types_are_empty_and_no_type_line_is_a_failure():
    example = span_example(("a",), (), ())
    assert parse_answer("Chemical: a", example).answer == example.answer
    for text in ("", "   ", "I cannot find any entity.", "Chemicals are absent"):
        parsed = parse_answer(text, example)
        assert parsed.failed and parsed.answer is None


def test_choices():
    single = choice_example((1,))
    assert parse_answer("(B) Downregulator", single).answer == ChoiceAnswer((1,))
    assert parse_answer("b) downregulator", single).answer == ChoiceAnswer((1,))
    assert parse_answer("The answer is (B).", single).answer == ChoiceAnswer((1,))
    assert parse_answer("downregulator.", single).answer == ChoiceAnswer((1,))
    assert parse_answer("(A) Upregulator\n(B) Downregulator", single).answer == ChoiceAnswer((0,))
    unknown = parse_answer("(F) Something else", single)
    assert unknown.failed and unknown.unknown == ("(F)",)
    assert parse_answer("I am not sure.", single).failed
    multi = choice_example((0, 2), multi_label=True)
    assert parse_answer("- (C) None of the above\n- (A) Upregulator\n(A)", multi).answer == ChoiceAnswer((0, 2))
