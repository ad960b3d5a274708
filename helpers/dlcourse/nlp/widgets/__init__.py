"""Week 10 widgets: BPE stepper, TF-IDF explorer, co-occurrence/SVD explorer, noise
distribution against its exponent, embedding explorer.

The course pattern: ``compute_*(...) -> state`` (a small frozen dataclass, no drawing),
``render_*(state, fig)`` draws it, and a builder binds them with
:class:`~dlcourse.widgetkit.Explorer`. Builders take the students' functions (default: the
private references) and precompute what is slow, so a control change stays well under 50 ms.

* :mod:`.tokens` - the BPE stepper and the TF-IDF explorer (notebook 1);
* :mod:`.vectors` - the co-occurrence/SVD, noise-distribution and embedding explorers (notebook 2).
"""

from .tokens import bpe_stepper, tfidf_explorer
from .vectors import cooccurrence_explorer, embedding_explorer, noise_explorer

__all__ = ["bpe_stepper", "tfidf_explorer", "cooccurrence_explorer", "noise_explorer", "embedding_explorer"]
