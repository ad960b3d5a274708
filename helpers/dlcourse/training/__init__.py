"""Week 04 - training in practice: optimisers, schedules, deep networks, regularisation.

NumPy numerics (importing this package loads NumPy only):

* :mod:`.optimizers` - ``_sgd_step``, ``_momentum_step``, ``_rmsprop_step``, ``_adagrad_step``,
  ``_adam_step`` with one interface ``step(w, g, state, lr, **hyper) -> new w`` (``state``: a
  dict the step fills and updates in place); ``_iterate_minibatches(N, B, rng, shuffle)``;
* :mod:`.schedules` - ``_time_decay``, ``_step_decay``, ``_exp_decay``, the slide's compounding
  ``_slide_keras_scheduler`` and :func:`keras_lr_sequence`;
* :mod:`.surfaces` - 2-D test functions ``quadratic``, ``ravine``, ``rosenbrock`` and
  :func:`run_optimizer`;
* :mod:`.vanishing` - the lecture's 3-iteration gradient table, Glorot / He initialisers;
* :mod:`.batchnorm` - ``_batchnorm_forward``, ``_batchnorm_backward``, ``_bn_update_running``, ``_batchnorm_eval``;
* :mod:`.regularization` - L1/L2 penalties, inverted dropout (keep_prob), ``_EarlyStopping``,
  log-uniform sampling; :mod:`.augment` - ``_augment`` (scipy.ndimage).

torch modules (import them explicitly): :mod:`.deep` (``deep_mlp``, ``_layer_grad_norms``),
:mod:`.overfit` (the over-fitting lab's trainer), :mod:`.transfer` (a digits CNN pretrained on
0-4 for transfer to 5-9, and the notebook's transfer comparison). Figures (drawing helpers and the
notebooks' whole figures) in :mod:`.plots`; ipywidgets only in :mod:`.widgets`.
Graded pieces are private: the notebooks ask students to write them, and the widgets accept
the students' versions.
"""

from .schedules import keras_lr_sequence
from .surfaces import DIVERGENCE_BOUND, SURFACES, Surface, diverged_at, quadratic, ravine, rosenbrock, run_optimizer
from .vanishing import LECTURE_GRADIENT_TABLE, TABLE_COLUMNS

__all__ = ["keras_lr_sequence", "Surface", "SURFACES", "quadratic", "ravine", "rosenbrock", "run_optimizer",
           "diverged_at", "DIVERGENCE_BOUND", "LECTURE_GRADIENT_TABLE", "TABLE_COLUMNS"]
