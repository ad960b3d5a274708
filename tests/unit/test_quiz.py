"""dlcourse.quiz: format checks give nothing away; graders accept equivalent forms and explain."""

from fractions import Fraction

import numpy as np
import pytest

from dlcourse.checks import CheckFailed
from dlcourse.quiz import (check_choice_format, check_choices_format, check_matching_format, check_number_format,
                           grade_choice, grade_choices, grade_matching, grade_number)


def message(fn, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as info:
        fn(*args, **kwargs)
    return str(info.value)


@pytest.mark.parametrize("answer", ["b", "B", " (b) ", "(B)"])
def test_choice_accepts_equivalent_forms(answer, capsys):
    check_choice_format(answer, "abcd", "q1")
    assert "right form" in capsys.readouterr().out
    grade_choice(answer, "b", "q1", why="because")


@pytest.mark.parametrize("answer", [None, "", "e", "ab", 2, ["b"]])
def test_choice_format_rejects_what_is_not_one_option(answer):
    assert "ONE of 'a', 'b', 'c', 'd'" in message(check_choice_format, answer, "abcd", "q1")


def test_choice_format_gives_nothing_away_and_grader_explains():
    check_choice_format("c", "abcd", "q1")                      # a wrong answer of the right form passes
    msg = message(grade_choice, "c", "B", "q1", why="AdaBoost reweights the samples.")
    assert msg.startswith("q1: the answer is (b), you chose 'c'.") and "reweights" in msg


@pytest.mark.parametrize("answer", [{"a", "c"}, ["C", "a"], ("a", "c"), "a, c", "a c", "ac", frozenset("ca")])
def test_select_all_accepts_sets_lists_and_strings(answer):
    check_choices_format(answer, "abcd", "q2")
    grade_choices(answer, "ac", "q2", why="why")


def test_select_all_rejects_missing_extra_and_foreign_letters():
    for wrong in ({"a"}, {"a", "b", "c"}, set()):
        assert "the right set is ['a', 'c']" in message(grade_choices, wrong, "ac", "q2", why="why")
    assert "among 'a', 'b'" in message(check_choices_format, {"a", "z"}, "ab", "q2")
    assert "among" in message(check_choices_format, 3, "ab", "q2")
    check_choices_format(set(), "ab", "q2")                     # "none applies" is a valid form


@pytest.mark.parametrize("answer", [0.5, "1/2", " 1 / 2 ", np.float32(0.5), Fraction(1, 2), "0.5", 1 / 2])
def test_number_accepts_equivalent_forms(answer):
    check_number_format(answer, "q3")
    grade_number(answer, 0.5, "q3", why="why")


@pytest.mark.parametrize("answer", [None, True, "half", "1/0", float("nan"), float("inf"), [0.5]])
def test_number_format_rejects_non_numbers(answer):
    assert "finite number" in message(check_number_format, answer, "q3")


def test_number_grader_uses_relative_and_absolute_tolerance():
    grade_number(0.14286, 1 / 7, "q4", why="why")               # 5 significant digits
    assert "the answer is 0.142857, you gave 0.15" in message(grade_number, 0.15, 1 / 7, "q4", why="w = 1/7")
    grade_number(1e-7, 0.0, "q5", why="why")
    assert "you gave 0.001" in message(grade_number, 0.001, 0.0, "q5", why="why")
    assert "you gave 'x'" in message(grade_number, "x", 2.0, "q5", why="why")


def test_matching_checks_keys_and_letters_then_names_wrong_items():
    keys = ["hinge", "log", "exp"]
    check_matching_format({"hinge": "a", "log": "B", "exp": "(c)"}, keys, "abc", "q6")
    msg = message(check_matching_format, {"hinge": "a", "exp": "d", "sq": "a"}, keys, "abc", "q6")
    assert "missing items ['log']" in msg and "unknown items ['sq']" in msg and "'exp': 'd'" in msg
    assert "dict" in message(check_matching_format, ["a", "b", "c"], keys, "abc", "q6")
    grade_matching({"hinge": "A", "log": "b", "exp": "c"}, {"hinge": "a", "log": "b", "exp": "c"}, "q6", why="w")
    msg = message(grade_matching, {"hinge": "b", "log": "a", "exp": "c"}, {"hinge": "a", "log": "b", "exp": "c"},
                  "q6", why="see the table")
    assert "2 of 3 items are wrong: 'hinge' → (a), 'log' → (b). see the table" in msg
    msg = message(grade_matching, {"hinge": "a", "log": "b", "exp": "a"}, {"hinge": "a", "log": "b", "exp": "c"},
                  "q6", why="w")
    assert msg.startswith("q6: 1 of 3 items is wrong: 'exp' → (c). w"), msg
