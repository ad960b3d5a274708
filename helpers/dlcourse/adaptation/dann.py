"""DANN (Ganin & Lempitsky, ICML 2015): gradient reversal, the lambda schedule, the model, training."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["DANNResult", "dann_model", "train_dann", "features_of", "accuracy", "few_target_labels", "fine_tune",
           "MOONS_DEGREES", "MOONS_RECIPE", "MOONS_SEEDS",
           "MOONS_MARGIN", "MOONS_MIN_GAIN", "SHAPES_RECIPE"]

#: The graded shift: the target moons are the source moons rotated by this many degrees.
MOONS_DEGREES: float = 45.0
#: The DANN recipe on :func:`dlcourse.data.domains.moons_domains` (``MOONS_DEGREES``): an MLP 2 -> 64 -> 64
#: (ReLU) with a 2-way label head and a 64 -> 64 -> 1 domain head, Adam from 0.01 with the paper's
#: decay lr / (1 + 10 p) ** 0.75, batches of 64, 200 epochs (600 steps), the paper's lambda ramp.
#: Tuned at 30 degrees on seeds 0-21: 32 units without the decay gained from +0.005 to +0.22 (seeds
#: 0-11); with the decay from -0.09 to +0.21 (seeds 12-21); 64 units with the decay fixed the two worst
#: seeds tried (6 and 17). At 30 degrees source-only is already right on about 0.88 of the target and
#: DANN's gain on seeds 22-31 ranged from +0.025 to +0.21: too unreliable to grade. The rotation was then
#: chosen on seeds 0-31 (reference step, target test accuracy): at 40 degrees source-only reached
#: 0.56-0.74 and DANN gained -0.055 to +0.365 (one loss, seed 1); at 45 degrees source-only reached
#: 0.43-0.63 (the tips of the target moons cross the source boundary), DANN 0.65-0.98 and gained from
#: +0.100 (seed 11) to +0.460, the oracle 0.99-1.00. Verified at 45 degrees on seeds 32-41, which
#: played no part in any choice: source-only 0.370-0.595, DANN 0.625-0.915, oracle 0.990-1.000, gains
#: +0.195 +0.445 +0.410 +0.230 +0.220 +0.320 +0.185 +0.170 +0.140 +0.310 (seeds 32 to 41).
MOONS_RECIPE: dict = {"epochs": 200, "batch": 64, "lr": 0.01, "anneal": True,
                      "sizes": {"n_in": 2, "n_classes": 2, "n_hidden": 64, "n_features": 64}}
#: Seed 0 is graded; tests/benchmarks/week11_seeds.py prints every seed.
MOONS_SEEDS: dict = {"tuning": tuple(range(32)), "verification": tuple(range(32, 42))}
#: Graded threshold on DANN's gain over source-only (target test accuracy, seed 0, ``MOONS_DEGREES``):
#: the smallest gain over the verification seeds (+0.140, seed 40) minus a margin of 0.05. It is also
#: below every tuning seed (the smallest +0.100). On seed 0 the reference step gains +0.415 (0.520 ->
#: 0.935), the notebook's solution +0.460; a step that does not learn from the target stays near 0.
MOONS_MARGIN: float = 0.05
MOONS_MIN_GAIN: float = 0.09                       # = +0.140 - MOONS_MARGIN

#: On :func:`dlcourse.data.domains.shapes_domains` (16 x 16, three shapes): the small CNN
#: (3 -> 16 -> 32 channels, two poolings, 32 features), Adam 3e-3, 30 epochs, batches of 64.
#: Measured on seeds 0-4 (target test accuracy; tests/benchmarks/week11_seeds.py), the shift costs
#: most of what the network can do: re-coloured, source-only 0.28-0.36 (chance 0.33), oracle
#: 0.70-0.91, DANN -0.08 to +0.04 over source-only; rotated by 45 degrees, source-only 0.19-0.48,
#: oracle 0.82-0.90, DANN -0.04 to +0.16. DANN does not help reliably on either: not graded.
SHAPES_RECIPE: dict = {"epochs": 30, "lr": 3e-3, "sizes": {"n_classes": 3, "n_features": 32, "conv": True, "side": 16}}


class _GradReverse(torch.autograd.Function):
    """Identity in the forward pass; multiplies the incoming gradient by -lam in the backward pass."""

    @staticmethod
    def forward(ctx, x, lam):
        ctx.lam = float(lam)
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        return -ctx.lam * grad_output, None


def _grad_reverse(x: torch.Tensor, lam: float) -> torch.Tensor:
    return _GradReverse.apply(x, lam)


def _dann_lambda(p: float, gamma: float = 10.0) -> float:
    """The paper's schedule 2 / (1 + exp(-gamma p)) - 1 for training progress p in [0, 1]."""
    return 2.0 / (1.0 + math.exp(-gamma * p)) - 1.0


def _domain_labels(ns: int, nt: int) -> torch.Tensor:
    return torch.cat([torch.zeros(ns), torch.ones(nt)])


class _DANN(nn.Module):
    """Feature extractor G_f, label predictor G_y and domain classifier G_d (one logit, 1 = target)."""

    def __init__(self, n_in: int = 192, n_hidden: int = 64, n_features: int = 32, n_classes: int = 10,
                 conv: bool = False, domain_hidden: int | None = None, side: int = 8):
        super().__init__()
        if conv:
            self.features = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                          nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                          nn.Flatten(), nn.Linear(32 * (side // 4) ** 2, n_features), nn.ReLU())
        else:
            self.features = nn.Sequential(nn.Flatten(), nn.Linear(n_in, n_hidden), nn.ReLU(),
                                          nn.Linear(n_hidden, n_features), nn.ReLU())
        self.label_head = nn.Linear(n_features, n_classes)
        dh = n_hidden if domain_hidden is None else domain_hidden
        self.domain_head = (nn.Sequential(nn.Linear(n_features, dh), nn.ReLU(), nn.Linear(dh, 1)) if dh
                            else nn.Linear(n_features, 1))

    def forward(self, x: torch.Tensor, lam: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
        f = self.features(x)
        return self.label_head(f), self.domain_head(_grad_reverse(f, lam)).squeeze(-1)


def dann_model(seed: int = 0, **sizes) -> nn.Module:
    """A freshly initialised DANN (seeded) with ``.features``, ``.label_head``, ``.domain_head``."""
    torch.manual_seed(seed)
    return _DANN(**sizes)


def _dann_step(model, opt, xs, ys, xt, lam, domain_weight: float = 1.0) -> dict:
    opt.zero_grad()
    label_logits, dom_s = model(xs, lam)
    _, dom_t = model(xt, lam)
    label_loss = F.cross_entropy(label_logits, ys)
    d = _domain_labels(len(xs), len(xt))
    domain_loss = F.binary_cross_entropy_with_logits(torch.cat([dom_s, dom_t]), d)
    (label_loss + domain_weight * domain_loss).backward()
    opt.step()
    return {"label_loss": label_loss.item(), "domain_loss": domain_loss.item()}


@dataclass(frozen=True)
class DANNResult:
    """A trained model and its target test accuracy after every epoch."""
    model: nn.Module
    target_curve: tuple[float, ...]
    lambdas: tuple[float, ...]
    snapshots: tuple = ()          # (epoch, source test features, target test features) when asked for

    @property
    def target_accuracy(self) -> float:
        return self.target_curve[-1]


def accuracy(model: nn.Module, X, y) -> float:
    model.eval()
    with torch.no_grad():
        logits, _ = model(torch.as_tensor(X))
    model.train()
    return float((logits.argmax(1).numpy() == np.asarray(y)).mean())


def features_of(model: nn.Module, X) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        f = model.features(torch.as_tensor(X)).numpy()
    model.train()
    return f


def train_dann(data: dict, mode: str = "dann", epochs: int = 30, batch: int = 64, lr: float = 1e-3,
               seed: int = 0, step=None, lam_max: float = 1.0, gamma: float = 10.0,
               progress: bool = False, optimiser: str = "adam", sizes: dict | None = None,
               anneal: bool = False, domain_weight: float = 1.0, snapshot_every: int = 0) -> DANNResult:
    """Train on ``data`` (from :func:`dlcourse.data.digits_domains`).

    mode : "source" (label loss on the source, no domain head: lambda = 0 and no domain loss),
        "dann" (label loss on the source + domain loss through the GRL, lambda from the schedule),
        "oracle" (label loss on the labelled target: the best one can hope for).
    step : the training step ``(model, opt, xs, ys, xt, lam) -> dict`` (default: the reference).
    lam_max, gamma : lambda = lam_max * (2 / (1 + exp(-gamma p)) - 1) at training progress p.
    optimiser : "adam" or "sgd" (momentum 0.9); anneal : the paper's lr / (1 + 10 p) ** 0.75.
    sizes : keyword arguments of the model (``n_hidden``, ``n_features``, ``conv=True`` for a small CNN on
        images of ``side`` x ``side`` pixels (8 unless given),
        ``domain_hidden=0`` for a linear domain head). progress : a tqdm bar over the epochs.
    The options beyond the defaults were used to look for a setting where DANN beats source-only on
    digits-M (none was found); on the moons rotated by :data:`MOONS_DEGREES` :data:`MOONS_RECIPE` does (see
    tests/benchmarks/week11_seeds.py).
    """
    if step is not None and domain_weight != 1.0:
        raise ValueError("domain_weight applies to the reference step only (step=None)")
    step = step or (lambda *a: _dann_step(*a, domain_weight=domain_weight))
    gen = torch.Generator().manual_seed(seed)
    model = dann_model(seed, **(sizes or {}))
    opt = (torch.optim.Adam(model.parameters(), lr=lr) if optimiser == "adam"
           else torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9))
    Xs, ys = torch.as_tensor(data["Xs_train"]), torch.as_tensor(data["ys_train"])
    Xt = torch.as_tensor(data["Xt_train"])
    if mode == "oracle":
        Xs, ys = Xt, torch.as_tensor(data["yt_train"])
    n = len(Xs)
    n_batches = max(1, n // batch)
    curve, lams, snaps = [], [], []
    epochs_iter = range(epochs)
    if progress:
        from tqdm.auto import tqdm
        epochs_iter = tqdm(epochs_iter, desc=mode, leave=False)
    for epoch in epochs_iter:
        perm_s = torch.randperm(n, generator=gen)
        perm_t = torch.randint(0, len(Xt), (n,), generator=gen)
        for b in range(n_batches):
            p = (epoch * n_batches + b) / (epochs * n_batches)
            if anneal:                                   # the paper's lr_p = lr / (1 + 10 p) ** 0.75
                for group in opt.param_groups:
                    group["lr"] = lr / (1.0 + 10.0 * p) ** 0.75
            idx = perm_s[b * batch:(b + 1) * batch]
            if mode == "dann":
                lam = lam_max * _dann_lambda(p, gamma)
                step(model, opt, Xs[idx], ys[idx], Xt[perm_t[b * batch:(b + 1) * batch]], lam)
            else:
                opt.zero_grad()
                logits, _ = model(Xs[idx])
                F.cross_entropy(logits, ys[idx]).backward()
                opt.step()
                lam = 0.0
        lams.append(lam)
        curve.append(accuracy(model, data["Xt_test"], data["yt_test"]))
        if snapshot_every and ((epoch + 1) % snapshot_every == 0 or epoch + 1 == epochs):
            snaps.append((epoch + 1, features_of(model, data["Xs_test"]), features_of(model, data["Xt_test"])))
    return DANNResult(model, tuple(curve), tuple(lams), tuple(snaps))


def few_target_labels(data: dict, per_class: int = 5, seed: int = 0):
    """``per_class`` labelled target training samples of each class (seeded): (X, y)."""
    rng = np.random.default_rng(seed)
    y = np.asarray(data["yt_train"])
    idx = np.concatenate([rng.choice(np.flatnonzero(y == k), per_class, replace=False) for k in np.unique(y)])
    return data["Xt_train"][idx], y[idx]


def fine_tune(model: nn.Module, X, y, steps: int = 150, lr: float = 1e-3, seed: int = 0) -> nn.Module:
    """A copy of ``model`` trained further (all layers, Adam, full batch) on a few labelled target samples."""
    import copy
    torch.manual_seed(seed)
    model = copy.deepcopy(model)
    opt = torch.optim.Adam(list(model.features.parameters()) + list(model.label_head.parameters()), lr=lr)
    X, y = torch.as_tensor(X), torch.as_tensor(y)
    for _ in range(steps):
        opt.zero_grad()
        logits, _ = model(X)
        F.cross_entropy(logits, y).backward()
        opt.step()
    return model
