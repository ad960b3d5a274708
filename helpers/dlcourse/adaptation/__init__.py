"""Week 11 - domain adaptation: measuring shift, DANN with gradient reversal, TrAdaBoost.

* :mod:`.dann` (torch) - the gradient reversal layer, the lambda schedule of Ganin & Lempitsky,
  the DANN model (feature extractor, label head, domain head), one joint training step, the
  training loops for source-only, DANN and the target oracle, and feature extraction;
* :mod:`.shift` - measuring shift with a domain classifier and the proxy A-distance;
* :mod:`.tradaboost` (NumPy + scikit-learn) - TrAdaBoost's weighted error, its weight update
  in the lecture's and the paper's form, the classifier, and the synthetic "old vs new" data.

Figures in :mod:`.plots`; ipywidgets only in :mod:`.widgets`. Graded pieces are private (a
leading underscore): the notebook asks students to write them; other modules and the tests
reach them through :mod:`.reference` (``ref.grad_reverse``). Importing this package loads
NumPy only.
"""

__all__: list[str] = []
