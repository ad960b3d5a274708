"""Week 09 evidence across seeds (not part of make test): week 05's date translator (GRU + Luong attention)
against the encoder-decoder transformer on the same data and budget (200 steps of 64 pairs), and the
attention-only model's loss on repeated sequences and its induction / previous-token scores; notebook 2's
tiny ViT against week 03's digits CNN (its reference architecture), both trained by the same AdamW loop for
20 epochs on the same split.

    DLCOURSE_TORCH_THREADS=1 .venv/bin/python tests/benchmarks/week09_seeds.py [n_seeds]
"""

from __future__ import annotations

import sys

import numpy as np


def main(n_seeds: int = 3) -> None:
    import torch

    from dlcourse.data import date_pairs
    from dlcourse.sequences.seq2seq import DateTranslator, sequence_accuracy, train_translator
    from dlcourse.transformers.induction import AttentionOnly, induction_attention, repeat_twice, train_induction
    from dlcourse.transformers.translator import (TransformerTranslator, train_transformer_translator,
                                                  transformer_sequence_accuracy)

    torch.set_num_threads(1)
    train_pairs = date_pairs(3000, rng=0)
    seen = set(train_pairs)
    test_pairs = [pair for pair in date_pairs(600, rng=1) if pair not in seen][:500]
    print("seed  GRU+attention exact (s)   transformer exact (s)")
    for seed in range(n_seeds):
        rnn = DateTranslator(seed=seed)
        h_r = train_translator(rnn, train_pairs, steps=200, batch_size=64, seed=seed, progress=False)
        tf = TransformerTranslator(d_model=64, n_heads=4, n_layers=2, d_ff=128, seed=seed)
        h_t = train_transformer_translator(tf, train_pairs, steps=200, batch_size=64, lr=5e-3, seed=seed,
                                           progress=False)
        print(f"{seed:4d}  {sequence_accuracy(rnn, test_pairs):.3f} ({h_r['seconds']:.1f})"
              f"             {transformer_sequence_accuracy(tf, test_pairs):.3f} ({h_t['seconds']:.1f})", flush=True)
    print("\nseed  first-copy loss  second-copy loss (step 0 -> 300)  best induction  best previous-token")
    for seed in range(n_seeds):
        model = AttentionOnly(vocab=24, d_model=32, n_layers=2, n_heads=2, block_size=32, seed=seed)
        h = train_induction(model, steps=300, batch_size=32, lr=1e-2, L_eval=10, eval_every=20, seed=seed,
                            progress=False)
        maps = induction_attention(model, repeat_twice(64, 10, vocab=24, rng=1))
        rows = np.arange(10, 20)
        ind = maps[..., rows, rows - 9].mean(-1)
        prev = np.diagonal(maps, offset=-1, axis1=-2, axis2=-1).mean(-1)
        print(f"{seed:4d}  {h['eval'][-1][1]:.2f}             {h['eval'][0][2]:.2f} -> {h['eval'][-1][2]:.2f}"
              f"                    layer 1: {ind[1].max():.2f}   layer 0: {prev[0].max():.2f}", flush=True)

    from torch import nn

    from dlcourse.data import digits
    from dlcourse.transformers.vit import TinyViT, accuracy, train_classifier

    X_train, X_test, y_train, y_test = digits(images=True)
    print("\nseed  ViT test accuracy   CNN test accuracy")
    for seed in range(n_seeds):
        torch.manual_seed(seed)
        vit = TinyViT(image_size=8, patch=2, channels=1, d_model=32, n_layers=2, n_heads=4, n_classes=10)
        train_classifier(vit, X_train, y_train, epochs=20, lr=3e-3, seed=seed, progress=False)
        torch.manual_seed(seed)
        cnn = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                            nn.Linear(128, 10))
        train_classifier(cnn, X_train, y_train, epochs=20, lr=3e-3, seed=seed, progress=False)
        print(f"{seed:4d}  {accuracy(vit, X_test, y_test):.3f}               {accuracy(cnn, X_test, y_test):.3f}",
              flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
