"""Offline datasets: every loader works without network and every random one is seeded.

Modules by kind: :mod:`.tables` (the lectures' worked-example tables as data),
:mod:`.toy` (small synthetic 2-D / 1-D sets), :mod:`.images` (bundled image sets),
:mod:`.shapes` (the lecture's X/O images and a coloured-shapes detection set), :mod:`.text`
(character vocabularies, "hello", the Zen of Python, the Python help topics, date-translation pairs), :mod:`.canvas`
(digits on a 16x16 canvas with an optional corner tag: the planted shortcut of Week 08), :mod:`.language`
(the NLP week's lecture examples, stop words, a lemma table, a corpus with known word relations, the
Python documentation topics; import it as ``dlcourse.data.language``), :mod:`.generative` (the
8-Gaussian ring, a 1-D mixture, digits upsampled to 16x16).
"""

from .canvas import CANVAS_SIZE, TAG_SIZE, add_tag, digit_canvas
from .generative import (MIXTURE_1D, digits_16, gaussian_ring, mixture_1d, mixture_1d_density,
                         ring_centers)
from .images import PHOTOS, digits, lfw_faces, photo
from .shapes import SHAPE_CLASSES, XO_FILTERS, shapes_dataset, xo_images
from .text import (DATE_FORMATS, HELLO_VOCAB, CharVocab, date_pairs, date_train_test, hello_sequences, python_docs_text,
                   zen_text)
from .tables import (ADABOOST_TOY_MISTAKES, BACKPROP_222, ML2_GRADES, adaboost_toy, backprop_222,
                     ml2_grades)
from .toy import noisy_sine, spirals, toy_2d, two_moons, xor

__all__ = [
    "adaboost_toy", "ADABOOST_TOY_MISTAKES", "ml2_grades", "ML2_GRADES", "backprop_222", "BACKPROP_222",
    "two_moons", "noisy_sine", "xor", "spirals", "toy_2d", "lfw_faces", "digits", "photo", "PHOTOS",
    "xo_images", "XO_FILTERS", "SHAPE_CLASSES", "shapes_dataset",
    "CharVocab", "HELLO_VOCAB", "hello_sequences", "zen_text", "python_docs_text", "date_pairs", "DATE_FORMATS",
    "date_train_test",
    "digit_canvas", "add_tag", "TAG_SIZE", "CANVAS_SIZE",
    "ring_centers", "gaussian_ring", "MIXTURE_1D", "mixture_1d", "mixture_1d_density", "digits_16",
]
