"""Week 10 - natural language processing: from tokens to word embeddings.

NumPy numerics:

* :mod:`.preprocess` - regex and character tokenisers, a vocabulary with ``<UNK>``, byte-pair
  encoding (learned from word counts, applied to new words), Porter's stemmer, lemmatisation
  from a shipped table, stop words;
* :mod:`.tfidf` - bag-of-words, TF-IDF in the lecture's definition (natural log), cosine
  similarity, document ranking;
* :mod:`.embeddings` - the window co-occurrence matrix and its "hacks", SVD embeddings,
  skip-gram pairs, the softmax and negative-sampling losses, the unigram^3/4 noise
  distribution, an SGNS trainer, nearest neighbours, analogies, GloVe's weighting and loss.

Figures in :mod:`.plots`; ipywidgets only in :mod:`.widgets`. Graded pieces are private: the
notebooks ask students to write them, and the widgets accept the students' versions.
Importing this package loads NumPy only.
"""

__all__: list[str] = []
