"""Week 09 widgets on :mod:`dlcourse.widgetkit`.

* :mod:`.basics` - the attention calculator, the positional-encoding explorer, the masking playground
  and the attention-head viewer of the trained GPT (notebooks 1 and 2);
* :mod:`.scale` - attention's cost against the sequence length, measured live, and the ViT patch
  explorer (notebook 3).
"""

from .basics import attention_calculator, head_viewer, masking_playground, pe_explorer
from .scale import cost_explorer, patch_explorer

__all__ = ["attention_calculator", "pe_explorer", "masking_playground", "head_viewer", "cost_explorer",
           "patch_explorer"]
