"""Week 10's graded reference implementations, by exercise name: ``ref.build_vocab`` is
``preprocess._build_vocab``. For the package and the tests; notebooks never import this module
(CONTRIBUTING.md, "Graded reference implementations"). Importing it imports nothing.
"""

from .._lazy import private_table

WHERE = {                                   # exercise name -> the module that defines it as _<name>
    "build_vocab": "preprocess",
    "encode": "preprocess",
    "bpe_pair_counts": "preprocess",
    "bpe_merge": "preprocess",
    "bpe_learn": "preprocess",
    "bpe_encode": "preprocess",
    "porter_step1a": "preprocess",
    "tfidf_from_counts": "tfidf",
    "tfidf_matrix": "tfidf",
    "rank_documents": "tfidf",
    "cooccurrence": "embeddings",
    "svd_embeddings": "embeddings",
    "skipgram_pairs": "embeddings",
    "noise_distribution": "embeddings",
    "sgns_loss_and_grads": "embeddings",
    "analogy": "embeddings",
    "glove_weight": "embeddings",
    "glove_loss": "embeddings",
}
__getattr__, __dir__ = private_table(__name__, WHERE)
