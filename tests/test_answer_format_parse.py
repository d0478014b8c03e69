"""The answer grammar (``answer_format``) and its parser (``parse``): exact target text, round trips
with adversarial mentions, tolerance of chat-style outputs, choice-reading precedence, and fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnlu_instruct.answer_format import format_answer, format_mention, option_letter
from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.examples import ChoiceAnswer, Example, SpanAnswer
from mnlu_instruct.parse import ParsedAnswer, parse_answer

# Prefix pairs ("Treatment" / "Treatment_Disorder", "Gene" / "Gene product") as in PHEE and JNLPBA-like sets.
TYPES = (
    ("Treatment", "a treatment"),
    ("Treatment_Disorder", "what the treatment treats"),
    ("Gene", "a gene"),
    ("Gene product", "a protein"),
)
OPTIONS = ("Up-regulation", "Down-regulation", "Agonist.", "None of the above")


def spans(*groups: tuple[str, ...]) -> Example:
    answer = SpanAnswer(tuple((name, tuple(group)) for (name, _), group in zip(TYPES, groups)))
    return Example(id="s1", source="test", task_type="ner", document_id="d", text="", answer=answer, types=TYPES)


def choice(*selected: int, multi_label: bool = False, options: tuple[str, ...] = OPTIONS) -> Example:
    return Example(
        id="c1",
        source="test",
        task_type="dc" if multi_label else "re",
        document_id="d",
        text="",
        answer=ChoiceAnswer(selected),
        options=options,
        multi_label=multi_label,
        negative_options=(3,),
    )


EMPTY = spans((), (), (), ())


# --- the target text -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mention", "written"),
    [
        ("[3H]-naloxone", "[3H]-naloxone"),
        ("5-HT(1A): agonist", "5-HT(1A): agonist"),
        ("IL-2, IL-4", "IL-2, IL-4"),
        ("None of the above", "None of the above"),
        ("Gene: x", "Gene: x"),
        ('said "no"', 'said "no"'),
        ("naïve T cell", "naïve T cell"),
        ("None", '"None"'),
        ("none.", '"none."'),
        ("NONE .", '"NONE ."'),
        ("a ... b", '"a ... b"'),
        ("x...y", '"x...y"'),
        ('"quoted"', '"\\"quoted\\""'),
        ("line\nbreak", '"line\\nbreak"'),
        (" padded", '" padded"'),
        ("", '""'),
    ],
)
def test_mentions_are_quoted_only_when_plain_writing_is_ambiguous(mention, written):
    assert format_mention(mention) == written


def test_span_target_lists_every_asked_type_in_order():
    example = spans(("aspirin", "None"), (), ("BRCA1", "a ... b"), ())
    assert format_answer(example) == (
        'Treatment: aspirin ... "None"\nTreatment_Disorder: None\nGene: BRCA1 ... "a ... b"\nGene product: None'
    )


def test_choice_target_and_option_list():
    assert format_answer(choice(1)) == "(B) Down-regulation"
    assert format_answer(choice(3, 0, multi_label=True)) == "(A) Up-regulation\n(D) None of the above"
    assert [option_letter(i) for i in (0, 1, 25)] == ["A", "B", "Z"]


@pytest.mark.parametrize(
    "example",
    [
        choice(4),  # past the last option
        choice(multi_label=True),  # nothing selected
        choice(0, options=tuple(str(i) for i in range(27))),  # no letter for a 27th option
    ],
)
def test_unwritable_choice_answers_are_errors(example):
    with pytest.raises(ValueError, match="example c1"):
        format_answer(example)
    with pytest.raises(ValueError):
        option_letter(26)


# --- round trips --------------------------------------------------------------------------------------------------

ADVERSARIAL = st.sampled_from(
    [
        "None",
        "none.",
        "None of the above",
        "...",
        "a ... b",
        "x...y",
        "…",
        '"',
        '"quoted" ... "twice"',
        'ends with "',
        "Gene: BRCA1",
        "Treatment_Disorder: x",
        "(A) Up-regulation",
        "- bullet",
        "1. numbered",
        "[3H]-naloxone",
        "{json: [1]}",
        "a\nb",
        "\r\n",
        "\u2028",
        "tab\t",
        "  ",
        "",
        "naïve ß 鼠",
        "🧬",
        "\\",
        "\\n",
    ]
)
MENTIONS = st.lists(st.one_of(ADVERSARIAL, st.text(max_size=12)), max_size=4)


@settings(max_examples=300, deadline=None)
@given(MENTIONS, MENTIONS, MENTIONS, MENTIONS)
def test_spans_round_trip_for_any_mentions(a, b, c, d):
    example = spans(tuple(a), tuple(b), tuple(c), tuple(d))
    parsed = parse_answer(format_answer(example), example)
    assert parsed == ParsedAnswer(example.answer, False, ())


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=1, max_size=4, unique=True), st.booleans())
def test_choices_round_trip(selected, multi_label):
    example = choice(*(sorted(selected) if multi_label else selected[:1]), multi_label=multi_label)
    assert parse_answer(format_answer(example), example) == ParsedAnswer(example.answer, False, ())


def test_real_targets_with_brackets_and_prefix_types_round_trip(data_dir):
    """BC5CDR chemicals carry brackets, commas and colons; PHEE asks types that prefix each other."""
    checked = 0
    for name in ("bc5cdr_chem", "phee"):
        for example in get_corpus(name).examples("test", data_dir):
            parsed = parse_answer(format_answer(example), example)
            assert parsed == ParsedAnswer(example.answer, False, ()), example.id
            checked += 1
    assert checked > 9000


# --- forgiving in form, strict in meaning ------------------------------------------------------------------------


def test_chat_output_with_bullets_case_and_chatter():
    expected = spans(("aspirin", "ibuprofen"), (), ("BRCA1",), ())
    output = (
        "Sure! Here are the entities:\n\n"
        "- treatment:   aspirin ...ibuprofen\n"
        "* TREATMENT_DISORDER: none.\n"
        "• gene : BRCA1\n"
        "1. Gene product: NONE\n"
        "\nLet me know if you need anything else."
    )
    assert parse_answer(output, expected) == ParsedAnswer(expected.answer, False, ())


def test_missing_types_are_empty_and_repeated_types_merge():
    expected = spans(("a", "b", "c"), (), (), ())
    assert parse_answer("Treatment: a ... b\nTreatment: c", expected).answer == expected.answer
    assert parse_answer("Treatment: a ... b ... c", expected).answer == expected.answer


def test_json_quoted_and_plain_mentions_mix():
    expected = spans(("a ... b", "c", "None"), (), (), ())
    assert parse_answer('Treatment: "a ... b" ... c ... "None"', expected).answer == expected.answer
    unneeded = spans(("aspirin",), (), (), ())
    assert parse_answer('Treatment: "aspirin"', unneeded).answer == unneeded.answer
    broken = spans(('"aspirin',), (), (), ())  # an unterminated quote is read as plain text
    assert parse_answer('Treatment: "aspirin', broken).answer == broken.answer


def test_unknown_types_are_reported_not_kept():
    expected = spans(("aspirin",), (), (), ())
    parsed = parse_answer("Treatment: aspirin\nDrug: aspirin\nDrug: ibuprofen\nDosage: 5 mg", expected)
    assert parsed == ParsedAnswer(expected.answer, False, ("Drug", "Dosage"))


@pytest.mark.parametrize(
    "output",
    ["", "  \n\t", "I could not find any entity.", "Here are the entities:", "Treatments: aspirin", "Drug: aspirin"],
)
def test_outputs_without_a_type_line_fail(output):
    parsed = parse_answer(output, EMPTY)
    assert parsed.failed and parsed.answer is None


@pytest.mark.parametrize(
    ("output", "selected", "unknown"),
    [
        ("(B) Down-regulation", (1,), ()),
        ("  - b) down-regulation", (1,), ()),
        ("B)", (1,), ()),
        ("The answer is (C).", (2,), ()),
        ("Agonist", (2,), ()),  # an option's text, its trailing period optional
        ("down-regulation.", (1,), ()),
        ("(B) Down-regulation\n(B)", (1,), ()),  # the same option repeated
        ("(A) Up-regulation.\nI chose (A) because (B) does not fit.", (0,), ()),  # only the first stage decides
        ("Down-regulation\n(A) Up-regulation", (0,), ()),  # a letter at a line start beats a text match
        ("I think (B) fits.\nUp-regulation", (1,), ()),  # a letter anywhere beats a text match
        ("(F) Something else\n(A) Up-regulation", (0,), ("(F)",)),
    ],
)
def test_single_choice_reading(output, selected, unknown):
    assert parse_answer(output, choice(0)) == ParsedAnswer(ChoiceAnswer(selected), False, unknown)


@pytest.mark.parametrize(
    ("output", "unknown"), [("(F) Something else", ("(F)",)), ("I am not sure.", ()), ("Up or down?", ())]
)
def test_unreadable_choices_fail(output, unknown):
    assert parse_answer(output, choice(0)) == ParsedAnswer(None, True, unknown)


@pytest.mark.parametrize(
    "output",
    [
        "(A) Up-regulation\n(B) Down-regulation\n(C) Agonist.\n(D) None of the above",  # the option list echoed
        "(A) Up-regulation\n(B) Down-regulation",
        "- a) up\n- B) down\n- (A) up",
        "Either (A) or (B).",
        "Up-regulation\nDown-regulation",
    ],
)
def test_single_choice_naming_several_options_fails(output):
    assert parse_answer(output, choice(0)) == ParsedAnswer(None, True, ())
    assert not parse_answer(output, choice(0, 1, multi_label=True)).failed  # multi-label keeps every option


def test_multi_label_collects_every_option():
    example = choice(0, 3, multi_label=True)
    output = "- (D) None of the above\n- (A) Up-regulation\n(A)\n(Z) Made up"
    assert parse_answer(output, example) == ParsedAnswer(ChoiceAnswer((0, 3)), False, ("(Z)",))
    assert parse_answer("Up-regulation\nagonist.", example).answer == ChoiceAnswer((0, 2))


# --- never raises ----------------------------------------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    ["Treatment", "Gene", ":", " ... ", "...", '"', "\\", "None", "\n", "- ", "(A)", "(z)", "B)", "{", "\u2028", " "]
)
GRAMMAR_LIKE = st.lists(st.one_of(FRAGMENTS, st.text(max_size=5)), max_size=25).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), GRAMMAR_LIKE))
def test_parser_never_raises(text):
    for example in (EMPTY, choice(0), choice(0, 1, multi_label=True)):
        parsed = parse_answer(text, example)
        assert parsed.failed == (parsed.answer is None)
        assert all(isinstance(item, str) for item in parsed.unknown)
        if isinstance(parsed.answer, SpanAnswer):
            assert [name for name, _ in parsed.answer.spans] == [name for name, _ in TYPES]
        elif parsed.answer is not None:
            assert parsed.answer.selected and all(0 <= i < len(OPTIONS) for i in parsed.answer.selected)


def test_non_text_output_is_a_failure():
    assert parse_answer(None, EMPTY) == ParsedAnswer(None, True, ())  # type: ignore[arg-type]


@pytest.mark.parametrize("opening", ["[", "{", "(", '"', '["'])
def test_deeply_nested_brackets_are_read_without_error(opening):
    text = "Treatment: " + opening * 200_000
    assert parse_answer(text, EMPTY).answer == SpanAnswer(
        (("Treatment", (opening * 200_000,)), ("Treatment_Disorder", ()), ("Gene", ()), ("Gene product", ()))
    )
    assert parse_answer(opening * 200_000, choice(0)).failed


def test_long_outputs_of_quoted_and_plain_mentions_read_every_mention():
    """The inputs that once took quadratic time: many quoted mentions, and plain ones before a single final ``…``."""
    n = 50_000
    quoted = parse_answer("Gene: " + " ... ".join(f'"g{i}"' for i in range(n)), EMPTY).answer
    assert quoted.spans[2] == ("Gene", tuple(f"g{i}" for i in range(n)))
    plain = parse_answer("Gene: " + " ... ".join(f"g{i}" for i in range(n)) + " … last", EMPTY).answer
    assert plain.spans[2] == ("Gene", (*(f"g{i}" for i in range(n)), "last"))
