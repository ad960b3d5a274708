"""Typical wrong (and equivalent right) answers for week06_project/01_review.ipynb (quiz items only)."""

import math

import numpy as np

from mistakes import quiz

CASES = [
    *quiz("q1", wrong={
        "the slide's value": 0.7378,
        "ln without the factor 1/2": math.log(19 / 3),
        "the ratio upside down (ε/(1 − ε))": 0.5 * math.log(3 / 19),
    }, right={
        "rounded to four digits": 0.9229,
        "a NumPy float": np.float64(0.922913),
    }, test="test_q1"),
    *quiz("q2", wrong={
        "padding forgotten": 31,
        "the number of filters (depth)": 16,
        "stride ignored": 63,
    }, right={
        "a float": 32.0,
        "a string": "32",
    }, test="test_q2"),
    *quiz("q3", wrong={
        "stepped up the gradient": 0.441083520,
        "learning rate forgotten": 0.40 - 0.082167041,
    }, right={
        "rounded to six digits": 0.358916,
    }, test="test_q3"),
    *quiz("q4", wrong={
        "time-based decay η0 / (1 + kt)": 0.005,
        "e^(-k) only (t forgotten)": 0.01 * math.exp(-0.1),
    }, right={
        "a fraction-free string": "0.0036788",
    }, test="test_q4"),
    *quiz("q5", wrong={
        "a vanilla RNN's count": 400,
        "torch's two biases": 1664,
        "W acting on h only (H·H)": 4 * (16 * 16 + 16),
    }, right={
        "a float": 1600.0,
    }, test="test_q5"),
    *quiz("q6", wrong={
        "biases forgotten": 36_000_000,
        "one channel only": 200 * 200 * 300 + 300,
    }, right={
        "a string with underscores stripped": "36000300",
    }, test="test_q6"),
    *quiz("q7", wrong={
        "multiplied by keep_prob": 1.8,
        "divided by the drop rate 0.4": 7.5,
    }, right={
        "a fraction string": "5/1",
    }, test="test_q7"),
    *quiz("q8", wrong={
        "unbiased variance (1/(m-1))": -1.161895,
        "divided by the variance, not the std": -1.2,
    }, right={
        "rounded": -1.3416,
    }, test="test_q8"),
    *quiz("q9", wrong={
        "skip connections add parameters": {"a", "b", "c", "d"},
        "over-fitting reading of the deep net": {"b", "d"},
    }, right={
        "upper-case list": ["A", "B", "D"],
        "a comma-separated string": "a, b, d",
    }, test="test_q9"),
    *quiz("q10", wrong={
        "the inverse ratio": 25 / 18,
        "one 3x3 layer only": 9 / 25,
    }, right={
        "a fraction string": "18/25",
    }, test="test_q10"),
    *quiz("q11", wrong={
        "clipping for vanishing gradients": {1: "d", 2: "c", 3: "a", 4: "b"},
        "attention for deep CNNs": {1: "c", 2: "d", 3: "b", 4: "a"},
    }, right={
        "upper-case letters in brackets": {1: "(C)", 2: "D", 3: "A", 4: "b"},
    }, test="test_q11"),
    *quiz("q12", wrong={
        "validation augmented too": "b",
        "everything augmented": "c",
    }, right={
        "upper case": "A",
    }, test="test_q12"),
]
