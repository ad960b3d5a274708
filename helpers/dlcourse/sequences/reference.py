"""Week 05's graded reference implementations, by exercise name: ``ref.rnn_step`` is
``rnn._rnn_step``. For the package and the tests; notebooks never import this module
(CONTRIBUTING.md, "Graded reference implementations"). Importing it imports nothing.
"""

from .._lazy import private_table

WHERE = {                                   # exercise name -> the module that defines it as _<name>
    "rnn_step": "rnn",
    "rnn_step_concat": "rnn",
    "rnn_forward": "rnn",
    "sequence_loss": "rnn",
    "rnn_backward": "rnn",
    "clip_by_global_norm": "rnn",
    "lstm_step": "lstm",
    "lstm_param_count": "lstm",
    "lstm_forward": "lstm",
    "gru_step": "lstm",
    "score_dot": "attention",
    "score_general": "attention",
    "score_concat": "attention",
    "score_additive": "attention",
    "attention_weights": "attention",
    "context_vector": "attention",
    "attention_vector": "attention",
    "AdditiveAttention": "attention",
    "beam_search": "decoding",
    "modified_precision": "bleu",
    "bleu": "bleu",
}
__getattr__, __dir__ = private_table(__name__, WHERE)
