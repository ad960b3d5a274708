"""Week 09 - transformers, from the attention layer up.

Shapes: a batch of sequences is ``x (N, T, C)`` (batch first, as in nanoGPT and
``batch_first=True`` modules); attention weights are ``(N, nh, T, S)`` with T queries and S keys;
``nh`` heads of size ``hs = C / nh``. Boolean masks say **True = may attend** (as
``F.scaled_dot_product_attention``; ``nn.MultiheadAttention``'s ``attn_mask`` means the opposite).

* :mod:`.attention` - scaled dot-product attention, causal and padding masks, multi-head
  attention, the lecture's "Thinking Machines" numbers, the O(N^2) cost formulas;
* :mod:`.positional` - the sinusoidal positional encoding and the two naive options with the
  lecture's four criteria;
* :mod:`.gpt` - a small decoder-only GPT built from a pluggable block, its training loop on
  character text and sampling with temperature; parameter counts by formula;
* :mod:`.vit` - patches of an image (the ViT tokeniser) and the ViT parameter count;
* :mod:`.translator` - week 05's date translator as an encoder-decoder transformer (pluggable decoder block);
* :mod:`.induction` - a 2-layer attention-only model on repeated random sequences (induction heads).

Figures in :mod:`.plots`; ipywidgets only in :mod:`.widgets` (a subpackage). Graded pieces are private (a
leading underscore): the notebooks ask students to write them, and the widgets accept the
students' versions; the package and the tests reach them through :mod:`.reference`, by exercise
name. Importing this package loads NumPy only.
"""

__all__: list[str] = []
