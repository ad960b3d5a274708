"""The week 06 mini-project: a small torch CNN on digits 5-9 with few labels, and its ablations.

The task: classify the digits 5, 6, 7, 8 and 9 (K = 5, labels 0..4 stand for 5..9) from scikit-learn's
8x8 digits, with only ``n_per_class`` labelled training images per class. Few labels make the
ablations visible: augmentation, batch norm, dropout, a learning-rate schedule and transfer from a
network pretrained on digits 0-4 (which has plenty of data) each change the test accuracy.

* :class:`Config` - one experiment's switches (a frozen dataclass with commented defaults);
* :func:`project_data` - the seeded splits (train / dev / test of digits 5-9, and digits 0-4 for pretraining);
* :func:`fit` / :func:`evaluate` - train a model for a config (Adam, batches, augmentation, schedule) / its loss
  and accuracy;
* :func:`shift_augment` - random shifts by up to one pixel (the label-keeping augmentation for 8x8 digits);
* :func:`_train_run` - one experiment (data, seeded model, training, test accuracy) for a config and seed,
  with the student's model builder or the reference CNN (private: students write this pipeline);
* :func:`run_ablation` - every config x every seed, optionally cached in a JSON file;
* :func:`summarise`, :func:`results_table`, :func:`plot_ablation`, :func:`plot_curves` - mean +- std over
  seeds, as a text table and as figures.

Shapes: images ``(N, 1, 8, 8)`` (NCHW) float32 in [0, 1]; labels ``(N,)`` int64 in 0..K-1.
Every run seeds its own ``torch.Generator`` and RNG state: the same config and seed give the same
number (at a fixed torch thread count). Importing this module imports torch.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import torch
from torch import nn

__all__ = ["Config", "RunResult", "project_data", "shift_augment", "run_ablation",
           "summarise", "results_table", "plot_ablation", "plot_curves", "fit", "evaluate", "with_changes",
           "ABLATIONS", "TARGET_CLASSES", "SOURCE_CLASSES"]

TARGET_CLASSES = (5, 6, 7, 8, 9)    # the project's task (label k stands for digit 5 + k)
SOURCE_CLASSES = (0, 1, 2, 3, 4)    # pretraining data for the transfer ablation


@dataclass(frozen=True)
class Config:
    """One experiment. The defaults are the baseline of the ablation study."""
    augment: bool = False          # random one-pixel shifts of the training images, drawn anew every epoch
    batchnorm: bool = False        # BatchNorm2d after each convolution
    keep_prob: float = 1.0         # inverted dropout before the dense layer keeps units with this probability
    schedule: str = "constant"     # "constant" or "cosine" (the learning rate decays to 0 over the epochs)
    transfer: bool = False         # start the convolutions from a network pretrained on digits 0-4
    epochs: int = 20               # passes over the (small) training set
    lr: float = 5e-3               # Adam's learning rate
    width: int = 8                 # channels of the first convolution (the second has 2 * width)
    n_per_class: int = 20          # labelled training images per class (5 classes)
    batch_size: int = 25


ABLATIONS: dict[str, Config] = {
    "baseline": Config(),
    "+ augmentation": Config(augment=True),
    "+ batch norm": Config(batchnorm=True),
    "+ dropout (keep 0.5)": Config(keep_prob=0.5),
    "+ cosine LR schedule": Config(schedule="cosine"),
    "+ transfer from 0-4": Config(transfer=True),
}


@dataclass(frozen=True)
class RunResult:
    """What one training run gives: final accuracies and per-epoch curves."""
    name: str
    seed: int
    test_acc: float
    dev_acc: float
    train_acc: float
    train_loss: tuple[float, ...]     # (epochs,)
    dev_loss: tuple[float, ...]       # (epochs,)


@lru_cache(maxsize=8)
def _split(n_per_class: int, seed: int) -> dict[str, np.ndarray]:
    from sklearn.datasets import load_digits

    data = load_digits()
    X = (data.data / 16.0).reshape(-1, 1, 8, 8).astype(np.float32)           # (1797, 1, 8, 8)
    y = data.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    out: dict[str, list] = {k: [] for k in ("X_train", "y_train", "X_dev", "y_dev", "X_test", "y_test")}
    for k, digit in enumerate(TARGET_CLASSES):
        idx = np.flatnonzero(y == digit)
        # test: a fixed half of each class (the same for every seed); dev: 30, train: n_per_class
        test, rest = idx[::2], rng.permutation(idx[1::2])
        parts = {"test": test, "dev": rest[:30], "train": rest[30:30 + n_per_class]}
        for part, ids in parts.items():
            out[f"X_{part}"].append(X[ids])
            out[f"y_{part}"].append(np.full(len(ids), k, dtype=np.int64))
    split = {key: np.concatenate(v) for key, v in out.items()}
    src = np.isin(y, SOURCE_CLASSES)
    split["X_source"], split["y_source"] = X[src], y[src]
    return split


def project_data(n_per_class: int = 20, seed: int = 0) -> dict[str, np.ndarray]:
    """The project's splits of digits 5-9 and the pretraining set of digits 0-4.

    The test set is fixed (every other image of each class, 449 images); the dev set (30 per
    class) and the training set (``n_per_class`` per class) are drawn from the rest with ``seed``.

    Returns a dict with ``X_train, y_train, X_dev, y_dev, X_test, y_test`` (labels 0..4 for digits
    5..9) and ``X_source, y_source`` (digits 0-4, labels 0..4): X of shape (N, 1, 8, 8) float32.
    """
    return {k: v.copy() for k, v in _split(n_per_class, seed).items()}


class _DigitsCNN(nn.Module):
    def __init__(self, width: int, batchnorm: bool, keep_prob: float, n_classes: int):
        super().__init__()
        norm = (lambda c: nn.BatchNorm2d(c)) if batchnorm else (lambda c: nn.Identity())
        self.features = nn.Sequential(
            nn.Conv2d(1, width, 3, padding=1), norm(width), nn.ReLU(), nn.MaxPool2d(2),           # (N, w, 4, 4)
            nn.Conv2d(width, 2 * width, 3, padding=1), norm(2 * width), nn.ReLU(), nn.MaxPool2d(2),  # (N, 2w, 2, 2)
            nn.Flatten())                                                                       # (N, 8w)
        self.head = nn.Sequential(nn.Dropout(1.0 - keep_prob), nn.Linear(8 * width, n_classes))  # (N, K)

    def forward(self, x: torch.Tensor) -> torch.Tensor:                                         # (N, 1, 8, 8)
        return self.head(self.features(x))


def _digits_cnn(config: Config = Config(), n_classes: int = 5, seed: int = 0) -> nn.Module:
    """The reference CNN for 8x8 digits: conv3x3-(BN)-ReLU-pool2, twice, then (dropout and) a dense layer.

    Input (N, 1, 8, 8), output (N, n_classes) logits. Initialised from ``seed``.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return _DigitsCNN(config.width, config.batchnorm, config.keep_prob, n_classes)


def shift_augment(X: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Shift each image by -1, 0 or +1 pixel in each direction (zeros fill the border).

    X : (N, C, H, W). A shift keeps a digit's label, unlike a flip or a large rotation.
    """
    N = X.shape[0]
    shifts = torch.randint(-1, 2, (N, 2), generator=generator)                  # (N, 2): dy, dx
    padded = nn.functional.pad(X, (1, 1, 1, 1))                                 # (N, C, H+2, W+2)
    H, W = X.shape[-2:]
    out = torch.empty_like(X)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            rows = (shifts[:, 0] == dy) & (shifts[:, 1] == dx)
            out[rows] = padded[rows, :, 1 - dy:1 - dy + H, 1 - dx:1 - dx + W]
    return out


_PRETRAINED: dict = {}


def _pretrained_state(config: Config, build) -> dict[str, torch.Tensor]:
    """Weights of the model ``build`` makes, trained on digits 0-4 (all their 901 images, 8 epochs, seed 1000).

    One pretrained network per architecture serves every seed of the transfer ablation, as one
    downloaded pretrained model would; the seed varies the target data, the new head and the fine-tuning.
    """
    base = replace(config, transfer=False, augment=False, schedule="constant")
    key = (build, base.width, base.batchnorm, base.keep_prob)
    if key not in _PRETRAINED:
        data = _split(20, 0)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(1000)
            model = _digits_cnn(base, seed=1000) if build is None else build(base)
        fit(model, data["X_source"], data["y_source"], replace(base, epochs=8, batch_size=64), 1000)
        _PRETRAINED[key] = {k: v.clone() for k, v in model.state_dict().items()}
    return _PRETRAINED[key]


def _new_head(model: nn.Module) -> None:
    """Re-initialise the last dense layer (the classifier of the old task); the caller seeds it."""
    last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
    last.reset_parameters()


def _lr_at(config: Config, epoch: int) -> float:
    if config.schedule == "constant":
        return config.lr
    if config.schedule == "cosine":
        return 0.5 * config.lr * (1 + np.cos(np.pi * epoch / config.epochs))
    raise ValueError(f"unknown schedule {config.schedule!r} (use 'constant' or 'cosine')")


def evaluate(model: nn.Module, X, y) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of ``model`` in eval mode on X (N, 1, 8, 8) and y (N,)."""
    X, y = torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y, dtype=torch.int64)
    model.eval()
    with torch.no_grad():
        logits = model(X)                                                       # (N, K)
        return float(nn.functional.cross_entropy(logits, y)), float((logits.argmax(1) == y).float().mean())


def fit(model: nn.Module, X, y, config: Config, seed: int,
        dev: tuple | None = None) -> tuple[list[float], list[float]]:
    """Train ``model`` in place as ``config`` says: Adam, shuffled mini-batches, optional shift
    augmentation and cosine schedule. ``seed`` fixes the batches, the shifts and dropout (the
    model's initialisation is the caller's business). X (N, 1, 8, 8), y (N,).

    Returns the training loss and the dev loss (empty without ``dev``) after every epoch. The
    model is left in eval mode.
    """
    X, y = torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y, dtype=torch.int64)
    if dev is not None:
        dev = (torch.as_tensor(dev[0], dtype=torch.float32), torch.as_tensor(dev[1], dtype=torch.int64))
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    train_loss, dev_loss = [], []
    with torch.random.fork_rng(devices=[]):                  # dropout draws from the seeded global RNG
        torch.manual_seed(seed)
        for epoch in range(config.epochs):
            for group in opt.param_groups:
                group["lr"] = _lr_at(config, epoch)
            model.train()
            Xe = shift_augment(X, g) if config.augment else X
            order = torch.randperm(len(X), generator=g)
            for start in range(0, len(X), config.batch_size):
                idx = order[start:start + config.batch_size]
                loss = nn.functional.cross_entropy(model(Xe[idx]), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
            train_loss.append(evaluate(model, X, y)[0])
            if dev is not None:
                dev_loss.append(evaluate(model, *dev)[0])
    model.eval()
    return train_loss, dev_loss


def _train_run(config: Config = Config(), seed: int = 0, name: str = "", build=None, return_model: bool = False):
    """One experiment: the data split, the model (initialised with ``seed``), training and evaluation.

    ``build(config) -> nn.Module`` makes the model (input (N, 1, 8, 8), output (N, 5) logits); by
    default the course's reference CNN. For ``config.transfer`` the same architecture is first
    trained on digits 0-4, then its last dense layer is re-initialised and the whole network fine-tuned.
    Returns a :class:`RunResult` (and the trained model, in eval mode, if ``return_model``).
    """
    data = project_data(config.n_per_class, seed)
    t = {k: torch.from_numpy(v) for k, v in data.items()}
    if build is None:
        model = _digits_cnn(config, seed=seed)
    else:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = build(config)
    if config.transfer:
        model.load_state_dict(_pretrained_state(config, build))
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            _new_head(model)
    train_loss, dev_loss = fit(model, t["X_train"], t["y_train"], config, seed, (t["X_dev"], t["y_dev"]))
    result = RunResult(name, seed, evaluate(model, t["X_test"], t["y_test"])[1],
                       evaluate(model, t["X_dev"], t["y_dev"])[1], evaluate(model, t["X_train"], t["y_train"])[1],
                       tuple(train_loss), tuple(dev_loss))
    return (result, model) if return_model else result


def run_ablation(configs: Mapping[str, Config], seeds: Sequence[int], cache: str | Path | None = None,
                 build=None, progress: bool = True) -> list[RunResult]:
    """Train every config with every seed. With ``cache`` (a JSON file), runs found there are read
    instead of trained, and new runs are added to it: a notebook re-run costs nothing (delete the
    file after changing ``build``). ``build`` as in :func:`_train_run`."""
    from tqdm.auto import tqdm

    stored: dict[str, dict] = {}
    path = Path(cache) if cache is not None else None
    if path is not None and path.exists():
        stored = json.loads(path.read_text())
    results = []
    jobs = [(name, cfg, s) for name, cfg in configs.items() for s in seeds]
    for name, cfg, s in tqdm(jobs, desc="runs", disable=not progress):
        key = json.dumps({"config": asdict(cfg), "seed": s}, sort_keys=True)
        if key in stored:
            r = stored[key]
            results.append(RunResult(name, s, r["test_acc"], r["dev_acc"], r["train_acc"],
                                     tuple(r["train_loss"]), tuple(r["dev_loss"])))
            continue
        result = _train_run(cfg, s, name, build=build)
        stored[key] = {k: v for k, v in asdict(result).items() if k not in ("name", "seed")}
        results.append(result)
    if path is not None:
        path.write_text(json.dumps(stored))
    return results


def summarise(results: Iterable[RunResult], field: str = "test_acc") -> dict[str, tuple[float, float, int]]:
    """name -> (mean, sample std (ddof=1; 0 for one seed), number of seeds), in first-seen order."""
    groups: dict[str, list[float]] = {}
    for r in results:
        groups.setdefault(r.name, []).append(getattr(r, field))
    return {name: (float(np.mean(v)), float(np.std(v, ddof=1)) if len(v) > 1 else 0.0, len(v))
            for name, v in groups.items()}


def results_table(results: Iterable[RunResult]) -> str:
    """A plain-text (Markdown) results table: test and train accuracy as mean +- std over seeds."""
    results = list(results)
    test, train = summarise(results, "test_acc"), summarise(results, "train_acc")
    base = next(iter(test.values()))[0]
    lines = ["| configuration | test accuracy (mean ± std) | vs first row | train accuracy | seeds |",
             "|---|---|---|---|---|"]
    for name, (m, s, n) in test.items():
        lines.append(f"| {name} | {m:.3f} ± {s:.3f} | {m - base:+.3f} | {train[name][0]:.3f} | {n} |")
    return "\n".join(lines)


def plot_ablation(ax, results: Iterable[RunResult]):
    """Horizontal bars of mean test accuracy with +- 1 std error bars and the single seeds as dots."""
    from ..plotting import PALETTE

    results = list(results)
    stats = summarise(results)
    names = list(stats)
    ypos = np.arange(len(names))[::-1]
    means = [stats[n][0] for n in names]
    stds = [stats[n][1] for n in names]
    ax.barh(ypos, means, xerr=stds, color=PALETTE["blue"], alpha=0.6, capsize=3)
    for y0, n in zip(ypos, names):
        vals = [r.test_acc for r in results if r.name == n]
        ax.plot(vals, [y0] * len(vals), "o", color=PALETTE["orange"], ms=4)
    ax.set_yticks(ypos, names)
    lo = min(min(r.test_acc for r in results), min(m - s for m, s in zip(means, stds)))
    ax.set_xlim(max(0.0, lo - 0.05), 1.0)
    ax.set_xlabel("test accuracy (bar: mean ± std over seeds; dots: single seeds)")
    return ax


def plot_curves(ax, results: Iterable[RunResult], names: Sequence[str] | None = None):
    """Mean training and dev loss per epoch for the named configs (solid: train, dashed: dev)."""
    from ..plotting import class_color

    results = list(results)
    names = list(names) if names is not None else list(summarise(results))
    for i, n in enumerate(names):
        runs = [r for r in results if r.name == n]
        colour = class_color(i)
        ax.plot(np.mean([r.train_loss for r in runs], axis=0), color=colour, label=f"{n}: train")
        ax.plot(np.mean([r.dev_loss for r in runs], axis=0), color=colour, ls="--", label=f"{n}: dev")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy (mean over seeds)")
    ax.legend(fontsize=7)
    return ax


def with_changes(config: Config, **changes) -> Config:
    """A copy of ``config`` with some fields changed (``dataclasses.replace``)."""
    return replace(config, **changes)
