"""Source and target domains with a known shift (week 11): digits against "digits-M".

"digits-M" follows the recipe of MNIST-M (Ganin & Lempitsky, 2015): every digit is blended
with a random colour patch cut from a photo, as the absolute difference ``|patch - digit|``,
so strokes show up as the patch's colours inverted. The photos are scikit-learn's two bundled
sample images (``load_sample_images``: a Chinese temple and a flower), so nothing is
downloaded. The source is the same digits in gray, replicated over three channels: the labels
and the shapes are the same, only the appearance differs (a covariate shift).
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["sample_photos", "make_digits_m", "digits_domains"]


@functools.lru_cache(maxsize=1)
def _photos() -> tuple[np.ndarray, ...]:
    from sklearn.datasets import load_sample_images

    return tuple(np.asarray(img, dtype=np.float64) / 255.0 for img in load_sample_images().images)


def sample_photos() -> list[np.ndarray]:
    """scikit-learn's bundled colour photos as float arrays (H, W, 3) in [0, 1] (fresh copies)."""
    return [p.copy() for p in _photos()]


def make_digits_m(X: np.ndarray, backgrounds: list[np.ndarray], rng: np.random.Generator | int | None = 0,
                  strength: float = 1.0, patch: int = 64) -> np.ndarray:
    """Blend 8x8 gray digits with random colour patches: ``(1 - s) * gray + s * |patch - digit|``.

    Parameters
    ----------
    X : ndarray (N, 64) or (N, 8, 8), values in [0, 1].
    backgrounds : list of colour images (H, W, 3) in [0, 1].
    rng : seed or Generator (the patches' photos and positions).
    strength : s in [0, 1]; 0 gives the gray digits in three channels, 1 the full blend.
    patch : side of the square cut from the photo before it is averaged down to 8 x 8.

    Returns
    -------
    ndarray (N, 3, 8, 8), float64 in [0, 1], deterministic given the seed.
    """
    rng = np.random.default_rng(rng)
    digits = np.asarray(X, dtype=np.float64).reshape(-1, 8, 8)
    n, k = len(digits), patch // 8
    out = np.empty((n, 3, 8, 8))
    which = rng.integers(0, len(backgrounds), size=n)
    for i in range(n):
        img = backgrounds[which[i]]
        r = rng.integers(0, img.shape[0] - patch + 1)
        c = rng.integers(0, img.shape[1] - patch + 1)
        crop = img[r:r + patch, c:c + patch].reshape(8, k, 8, k, 3).mean(axis=(1, 3))   # (8, 8, 3)
        blend = np.abs(crop.transpose(2, 0, 1) - digits[i][None])                      # (3, 8, 8)
        out[i] = (1.0 - strength) * digits[i][None] + strength * blend
    return np.clip(out, 0.0, 1.0)


def digits_domains(strength: float = 1.0, rng: np.random.Generator | int | None = 0, test_size: float = 0.3):
    """Digits (source) and digits-M (target), split into train and test halves of each domain.

    The 1,797 digits are shuffled and cut in two disjoint halves: the first becomes the source,
    the second (blended) the target, so no image appears in both domains.

    Returns a dict with ``Xs_train, ys_train, Xs_test, ys_test, Xt_train, yt_train, Xt_test,
    yt_test``: X of shape (N, 3, 8, 8) float32 in [0, 1], y int64 class labels 0-9. The target
    labels exist for evaluation (and for the oracle); unsupervised adaptation never sees
    ``yt_train``.
    """
    from sklearn.datasets import load_digits

    rng = np.random.default_rng(rng)
    data = load_digits()
    X, y = data.data / 16.0, data.target.astype(np.int64)
    order = rng.permutation(len(X))
    half = len(X) // 2
    src, tgt = order[:half], order[half:]
    Xs = np.repeat(X[src].reshape(-1, 1, 8, 8), 3, axis=1)
    Xt = make_digits_m(X[tgt], sample_photos(), rng, strength=strength)
    out = {}
    for name, Xd, yd in (("s", Xs, y[src]), ("t", Xt, y[tgt])):
        n_test = int(round(test_size * len(Xd)))
        out[f"X{name}_train"], out[f"X{name}_test"] = Xd[n_test:].astype(np.float32), Xd[:n_test].astype(np.float32)
        out[f"y{name}_train"], out[f"y{name}_test"] = yd[n_test:], yd[:n_test]
    return out
