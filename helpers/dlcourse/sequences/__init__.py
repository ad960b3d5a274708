"""Week 05 - sequences: RNNs, backpropagation through time, LSTM/GRU, attention seq2seq.

NumPy numerics (time first: a batch of sequences is ``X (T, N, M)``, one step ``x_t (N, M)``,
hidden state ``h (N, H)``; weights in torch's (out, in) layout):

* :mod:`.rnn` - the vanilla RNN step in both notations, the forward pass, BPTT, clipping by
  global norm, the "hello" character model;
* :mod:`.lstm` - LSTM steps in the lecture's notation and GRU steps in the Coursera DLS form (four / three matrices acting
  on ``[h_prev, x_t]``), parameter counts, conversion to and from ``torch.nn.LSTMCell``;
* :mod:`.decoding` - greedy and beam search with length normalisation; :mod:`.bleu` - BLEU.
* :mod:`.probes` - the notebook's gradient spot check and last-step gradient probe (they run
  the student's functions); :mod:`.translation` - batched greedy translation, exact match and
  printing, shared by both date translators (week 09's transformer too).

torch (import them explicitly): :mod:`.attention` (dot / general / concat / additive scores,
softmax weights, context and attention vectors in NumPy, the lecture's worked example, and the
batched torch attention modules), :mod:`.gradflow` (gradient norms through time, RNN vs LSTM),
:mod:`.charmodel` (a character LSTM of the Zen of Python), :mod:`.seq2seq` (the date
translator with a pluggable attention module). Figures in :mod:`.plots`; ipywidgets only in
:mod:`.widgets`. Graded pieces are private: the notebooks ask students to write them, and the
widgets accept the students' versions. Importing this package loads NumPy only.

Shape letters (CONTRIBUTING.md) with this week's exceptions, kept because the lecture and the
students' function parameters use them: **H is the hidden size** (not an image height),
**M the input size** of a cell (D elsewhere), K the vocabulary size, recurrent weights are
**(out, in)** like torch's (``x_t @ W_xh.T``; dense layers elsewhere are (in, out)), and in
attention **S is the number of encoder states** (``Hs (S, H_e)``; T_in elsewhere).
"""

__all__: list[str] = []
