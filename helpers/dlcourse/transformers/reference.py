"""Week 09's graded reference implementations, by exercise name: ``ref.sinusoidal_pe`` is
``positional._sinusoidal_pe``. For the package and the tests; notebooks never import this module
(CONTRIBUTING.md, "Graded reference implementations"). Importing it imports nothing.
"""

from .._lazy import private_table

WHERE = {                                   # exercise name -> the module that defines it as _<name>
    "scaled_dot_product_attention": "attention",
    "causal_mask": "attention",
    "MultiHeadAttention": "attention",
    "attention_cost": "attention",
    "sinusoidal_pe": "positional",
    "TransformerBlock": "gpt",
    "gpt_param_count": "gpt",
    "patchify": "vit",
    "vit_param_count": "vit",
    "DecoderBlock": "translator",
}
__getattr__, __dir__ = private_table(__name__, WHERE)
