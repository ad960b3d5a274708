"""Source and target domains with a known shift (week 11).

* digits against "digits-M" (:func:`digits_domains`), described below;
* digits against re-coloured digits (:func:`recoloured_digits_domains`): every target digit gets
  a random background colour and a random, brighter stroke colour;
* two moons against the same moons rotated (:func:`moons_domains`), in 2-D;
* coloured shapes against the same kind of shapes re-coloured or rotated (:func:`shapes_domains`);
* :func:`name_that_dataset`: small gray images from several of the course's data sets, labelled
  by the set they come from (Torralba & Efros's game).

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

__all__ = ["sample_photos", "make_digits_m", "digits_domains", "recoloured_digits_domains", "moons_domains",
           "shapes_domains",
           "rotate", "name_that_dataset", "DATASET_NAMES"]


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
    rng = np.random.default_rng(rng)
    X, y, src, tgt = _digit_halves(rng)
    Xs = np.repeat(X[src].reshape(-1, 1, 8, 8), 3, axis=1)
    Xt = make_digits_m(X[tgt], sample_photos(), rng, strength=strength)
    return _split(Xs, y[src], Xt, y[tgt], test_size)


def _digit_halves(rng: np.random.Generator):
    from sklearn.datasets import load_digits

    data = load_digits()
    X, y = data.data / 16.0, data.target.astype(np.int64)
    order = rng.permutation(len(X))
    half = len(X) // 2
    return X, y, order[:half], order[half:]


def _split(Xs, ys, Xt, yt, test_size: float) -> dict:
    """The dict of :func:`digits_domains`: the first ``test_size`` of each domain is its test part."""
    out = {}
    for name, Xd, yd in (("s", Xs, ys), ("t", Xt, yt)):
        n_test = int(round(test_size * len(Xd)))
        out[f"X{name}_train"], out[f"X{name}_test"] = Xd[n_test:].astype(np.float32), Xd[:n_test].astype(np.float32)
        out[f"y{name}_train"], out[f"y{name}_test"] = yd[n_test:], yd[:n_test]
    return out


def recoloured_digits_domains(rng: np.random.Generator | int | None = 0, test_size: float = 0.3) -> dict:
    """Gray digits (source) against re-coloured digits (target), as :func:`digits_domains`.

    A target digit ``x`` (ink 1, paper 0) becomes ``b + (c - b) x`` with a background colour
    ``b ~ U(0, 0.4)^3`` and a stroke colour ``c ~ U(0.6, 1)^3``, drawn per image: the strokes
    keep their shape and stay brighter than the paper, only the colours change. Same keys, shapes and dtypes as :func:`digits_domains`.
    """
    rng = np.random.default_rng(rng)
    X, y, src, tgt = _digit_halves(rng)
    Xs = np.repeat(X[src].reshape(-1, 1, 8, 8), 3, axis=1)
    n = len(tgt)
    b = rng.uniform(0.0, 0.4, (n, 3, 1, 1))
    c = rng.uniform(0.6, 1.0, (n, 3, 1, 1))
    Xt = b + (c - b) * X[tgt].reshape(-1, 1, 8, 8)
    return _split(Xs, y[src], Xt, y[tgt], test_size)


def rotate(X: np.ndarray, degrees: float) -> np.ndarray:
    """Points ``X (N, 2)`` rotated counter-clockwise by ``degrees`` about the origin."""
    a = np.deg2rad(degrees)
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return np.asarray(X) @ R.T


def moons_domains(degrees: float = 30.0, n: int = 400, noise: float = 0.1,
                  rng: np.random.Generator | int | None = 0) -> dict:
    """Two moons (source) against two moons rotated by ``degrees`` (target), both centred first.

    Each domain draws its own ``n`` points (scikit-learn's ``make_moons``, seeded) and keeps the
    first half for training and the second for testing. Returns the keys of
    :func:`digits_domains` with X of shape (N, 2) float32 and y in {0, 1} int64.
    """
    from sklearn.datasets import make_moons

    rng = np.random.default_rng(rng)
    out = {}
    for name, deg in (("s", 0.0), ("t", degrees)):
        X, y = make_moons(n, noise=noise, random_state=int(rng.integers(2**31 - 1)))
        X = rotate(X - np.array([0.5, 0.25]), deg)                  # the moons' centre to the origin
        k = n // 2
        out[f"X{name}_train"], out[f"X{name}_test"] = X[:k].astype(np.float32), X[k:].astype(np.float32)
        out[f"y{name}_train"], out[f"y{name}_test"] = y[:k].astype(np.int64), y[k:].astype(np.int64)
    return out



def _one_shape_images(n: int, size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images (n, 3, size, size), each one shape of side size/2 .. 3 size/4 at a random place
    on a dark noisy background, in a bright colour with one weak channel (as in
    :func:`dlcourse.data.shapes.shapes_dataset`); and the shapes' classes (n,) int64."""
    from .shapes import _shape_mask

    images = np.clip(0.08 + 0.04 * rng.standard_normal((n, 3, size, size)), 0.0, 1.0)
    labels = rng.integers(0, 3, n).astype(np.int64)
    for img, cls in zip(images, labels):
        s = int(rng.integers(size // 2, 3 * size // 4 + 1))
        x0, y0 = rng.integers(0, size - s + 1, size=2)
        mask = _shape_mask(int(cls), s, rng)
        colour = rng.uniform(0.45, 1.0, 3)
        colour[rng.integers(3)] = rng.uniform(0.0, 0.3)
        region = img[:, y0:y0 + s, x0:x0 + s]
        region[:, mask] = np.clip(colour[:, None] + 0.03 * rng.standard_normal((3, int(mask.sum()))), 0, 1)
    return images, labels


def shapes_domains(shift: str = "recolour", n: int = 600, size: int = 16, degrees: float = 45.0,
                   rng: np.random.Generator | int | None = 0, test_size: float = 0.3) -> dict:
    """One coloured shape per image (source) against re-coloured or rotated shapes (target).

    Both domains draw their own ``n`` images, each one square, circle or triangle (upright or
    upside down) of side size/2 .. 3 size/4 at a random place on a dark noisy background, in a
    bright colour with one weak channel (the look of :func:`dlcourse.data.shapes.shapes_dataset`);
    the label is the shape (0 square, 1 circle, 2 triangle).

    shift : "recolour": every target image is inverted, ``1 - x``: a light background and a
        shape in the complementary colour (only the colours change);
        "rotate": every target image is rotated by ``degrees`` about its centre (bilinear, the
        corners filled with the background level), so squares become diamonds.
    Returns the keys of :func:`digits_domains`: X (N, 3, size, size) float32 in [0, 1], y int64.
    """
    rng = np.random.default_rng(rng)
    Xs, ys = _one_shape_images(n, size, rng)
    Xt, yt = _one_shape_images(n, size, rng)
    if shift == "recolour":
        Xt = 1.0 - Xt
    elif shift == "rotate":
        from scipy.ndimage import rotate as _rotate

        Xt = np.clip(_rotate(Xt, degrees, axes=(2, 3), reshape=False, order=1, mode="constant", cval=0.08), 0, 1)
    else:
        raise ValueError(f"unknown shift {shift!r}: use 'recolour' or 'rotate'")
    return _split(Xs, ys, Xt, yt, test_size)

#: The data sets of :func:`name_that_dataset`, by label (the week that uses each is in brackets).
DATASET_NAMES: tuple[str, ...] = ("digits (wk 02)", "digit canvas (wk 08)", "shapes (wk 03)", "photo patches (wk 08)",
                                  "digits-M (wk 11)", "re-coloured digits (wk 11)")


def _pool(images: np.ndarray, size: int = 8) -> np.ndarray:
    """(N, H, W) -> (N, size, size) by averaging blocks (H and W cropped to a multiple of ``size``)."""
    n, h, w = images.shape
    kh, kw = h // size, w // size
    images = images[:, :kh * size, :kw * size]
    return images.reshape(n, size, kh, size, kw).mean(axis=(2, 4))


def name_that_dataset(n_per: int = 150, rng: np.random.Generator | int | None = 0):
    """Torralba & Efros's game on the course's data: 8x8 gray images labelled by their data set.

    ``n_per`` images from each set in :data:`DATASET_NAMES` (at most 800), all brought to 8x8 gray in [0, 1] by block averaging. Returns ``X (6 n_per, 64)`` float64,
    ``y (6 n_per,)`` int64 (the index into :data:`DATASET_NAMES`).
    """
    from sklearn.datasets import load_digits

    from .canvas import digit_canvas
    from .images import PHOTOS, photo
    from .shapes import shapes_dataset

    rng = np.random.default_rng(rng)
    n_per = min(int(n_per), 800)
    digits = load_digits().data / 16.0
    pick = lambda m: rng.choice(m, n_per, replace=False)               # noqa: E731
    parts = [digits[pick(len(digits))].reshape(-1, 8, 8)]
    canvas = digit_canvas(test_size=0.25, rng=rng)[0][:, 0]
    parts.append(_pool(canvas[pick(len(canvas))]))
    parts.append(_pool(shapes_dataset(n_per, size=32, rng=rng)[0].mean(axis=1)))
    crops = []
    for i in range(n_per):
        img = photo(PHOTOS[i % len(PHOTOS)], 256)
        r, c = rng.integers(0, 256 - 32, size=2)
        crops.append(img[r:r + 32, c:c + 32])
    parts.append(_pool(np.array(crops)))
    parts.append(make_digits_m(digits[pick(len(digits))], sample_photos(), rng).mean(axis=1))
    b, c = rng.uniform(0.0, 0.4, (n_per, 3, 1, 1)), rng.uniform(0.6, 1.0, (n_per, 3, 1, 1))
    parts.append((b + (c - b) * digits[pick(len(digits))].reshape(-1, 1, 8, 8)).mean(axis=1))
    X = np.concatenate([p.reshape(n_per, 64) for p in parts])
    y = np.repeat(np.arange(len(parts), dtype=np.int64), n_per)
    return X, y
