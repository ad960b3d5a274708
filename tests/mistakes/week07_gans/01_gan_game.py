"""Typical wrong (and alternative right) answers for week07_gans/01_gan_game.ipynb."""

import numpy as np
import torch
import torch.nn.functional as F
from mistakes import right, wrong


# ------------------------------------------------------------------------------ optimal_discriminator
def _dstar_swapped(p_data, p_g):
    p_data, p_g = np.asarray(p_data, float), np.asarray(p_g, float)
    t = p_data + p_g
    return np.where(t > 0, p_g / np.where(t > 0, t, 1.0), 0.5)


def _dstar_ratio(p_data, p_g):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(p_data, float) / np.asarray(p_g, float)


def _dstar_nan(p_data, p_g):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(p_data, float) / (np.asarray(p_data, float) + np.asarray(p_g, float))


def _dstar_eps(p_data, p_g):
    p_data, p_g = np.asarray(p_data, float), np.asarray(p_g, float)
    out = (p_data + 1e-300) / (p_data + p_g + 2e-300)                   # 0/0 smoothed to 1/2
    return out


# ------------------------------------------------------------------------------ probability losses
def _clip(p, eps=1e-12):
    return np.clip(np.asarray(p, dtype=float), eps, 1 - eps)


def _d_swapped(d_real, d_fake, eps=1e-12):
    return float(-np.mean(np.log(1 - _clip(d_real))) - np.mean(np.log(_clip(d_fake))))


def _d_one_mean(d_real, d_fake, eps=1e-12):
    return float(-np.mean(np.r_[np.log(_clip(d_real)), np.log(1 - _clip(d_fake))]))


def _d_no_clip(d_real, d_fake, eps=1e-12):
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(np.asarray(d_real, float))) - np.mean(np.log(1 - np.asarray(d_fake, float))))


def _g_nonsat_is_minimax(d_fake, eps=1e-12):
    return float(np.mean(np.log(1 - _clip(d_fake))))


def _g_nonsat_torch(d_fake, eps=1e-12):
    p = torch.as_tensor(np.asarray(d_fake, float)).clamp(eps, 1 - eps)
    return F.binary_cross_entropy(p, torch.ones_like(p)).item()


def _d_torch(d_real, d_fake, eps=1e-12):
    r = torch.as_tensor(np.asarray(d_real, float)).clamp(eps, 1 - eps)
    f = torch.as_tensor(np.asarray(d_fake, float)).clamp(eps, 1 - eps)
    return (F.binary_cross_entropy(r, torch.ones_like(r)) + F.binary_cross_entropy(f, torch.zeros_like(f))).item()


def _g_minimax_torch(d_fake, eps=1e-12):
    f = torch.as_tensor(np.asarray(d_fake, float)).clamp(eps, 1 - eps)
    return -F.binary_cross_entropy(f, torch.zeros_like(f)).item()


# ------------------------------------------------------------------------------ logit losses
def _dl_sigmoid_bce(real_logits, fake_logits):
    r, f = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    return F.binary_cross_entropy(r, torch.ones_like(r)) + F.binary_cross_entropy(f, torch.zeros_like(f))


def _dl_swapped(real_logits, fake_logits):
    return F.softplus(real_logits).mean() + F.softplus(-fake_logits).mean()


def _dl_double_sigmoid(real_logits, fake_logits):
    r, f = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)       # BCE-with-logits fed probabilities
    return (F.binary_cross_entropy_with_logits(r, torch.ones_like(r))
            + F.binary_cross_entropy_with_logits(f, torch.zeros_like(f)))


def _dl_bce(real_logits, fake_logits):
    return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


def _gl_saturating(fake_logits):
    return -F.softplus(fake_logits).mean()


def _gl_sigmoid_log(fake_logits):
    return -torch.log(torch.sigmoid(fake_logits)).mean()


def _gl_bce(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


def _gl_item(fake_logits):
    return torch.tensor(F.softplus(-fake_logits).mean().item())


# ------------------------------------------------------------------------------ slopes
def _slopes_swapped(d):
    return -1.0 / d, -1.0 / (1.0 - d)


def _slopes_signs(d):
    return 1.0 / (1.0 - d), 1.0 / d


def _slopes_log_d(d):
    return -1.0 / (1.0 - d), 1.0 / d                                      # derivative of +log D


def _slopes_numeric(d):
    h = 1e-6 * min(d, 1 - d)
    return ((np.log(1 - d - h) - np.log(1 - d + h)) / (2 * h), (-np.log(d + h) + np.log(d - h)) / (2 * h))


# ------------------------------------------------------------------------------ d_step
def _sp(real_logits, fake_logits):
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def _d_step_no_detach(G, D, opt_d, x_real, z):
    opt_d.zero_grad()
    loss = _sp(D(x_real), D(G(z)))
    loss.backward()
    opt_d.step()
    return loss.item()


def _d_step_swapped(G, D, opt_d, x_real, z):
    opt_d.zero_grad()
    loss = _sp(D(G(z).detach()), D(x_real))
    loss.backward()
    opt_d.step()
    return loss.item()


def _d_step_no_fakes(G, D, opt_d, x_real, z):
    opt_d.zero_grad()
    loss = F.softplus(-D(x_real)).mean()
    loss.backward()
    opt_d.step()
    return loss.item()


def _d_step_probabilities(G, D, opt_d, x_real, z):
    opt_d.zero_grad()
    r, f = D(x_real), D(G(z).detach())                                     # logits treated as probabilities
    loss = F.binary_cross_entropy(r.clamp(1e-7, 1 - 1e-7), torch.ones_like(r)) + \
        F.binary_cross_entropy(f.clamp(1e-7, 1 - 1e-7), torch.zeros_like(f))
    loss.backward()
    opt_d.step()
    return loss.item()


def _d_step_no_zero_grad(G, D, opt_d, x_real, z):
    loss = _sp(D(x_real), D(G(z).detach()))
    loss.backward()
    opt_d.step()
    return loss.item()


def _d_step_no_grad_bce(G, D, opt_d, x_real, z):
    with torch.no_grad():
        fake = G(z)
    real_logits, fake_logits = D(x_real), D(fake)
    loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    opt_d.zero_grad()
    loss.backward()
    opt_d.step()
    return float(loss.detach())


# ------------------------------------------------------------------------------ g_step
def _g_step_saturating(G, D, opt_g, z):
    opt_g.zero_grad()
    loss = -F.softplus(D(G(z))).mean()
    loss.backward()
    opt_g.step()
    return loss.item()


def _g_step_label_zero(G, D, opt_g, z):
    opt_g.zero_grad()
    loss = F.softplus(D(G(z))).mean()                                      # BCE against "fake"
    loss.backward()
    opt_g.step()
    return loss.item()


def _g_step_detached(G, D, opt_g, z):
    opt_g.zero_grad()
    loss = F.softplus(-D(G(z).detach())).mean()
    loss.backward()
    opt_g.step()
    return loss.item()


def _g_step_no_zero_grad(G, D, opt_g, z):
    loss = F.softplus(-D(G(z))).mean()
    loss.backward()
    opt_g.step()
    return loss.item()


def _g_step_bce(G, D, opt_g, z):
    logits = D(G(z))
    loss = torch.nn.BCEWithLogitsLoss()(logits, torch.ones_like(logits))
    opt_g.zero_grad()
    loss.backward()
    opt_g.step()
    return float(loss.detach())


# ------------------------------------------------------------------------------ count_modes
def _modes_count_samples(samples, centers, radius=0.5, min_frac=0.01):
    d = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=2)
    return int((d < radius).any(axis=1).sum())


def _modes_any_sample(samples, centers, radius=0.5, min_frac=0.01):
    d = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=2)
    return int((d < radius).any(axis=0).sum())


def _modes_squared(samples, centers, radius=0.5, min_frac=0.01):
    d2 = ((samples[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    return int(((d2 < radius).mean(axis=0) >= min_frac).sum())         # compares d^2 with r


def _modes_loop(samples, centers, radius=0.5, min_frac=0.01):
    count = 0
    for c in centers:
        near = np.hypot(samples[:, 0] - c[0], samples[:, 1] - c[1]) < radius
        count += int(near.sum() >= min_frac * len(samples))
    return count


# ------------------------------------------------------------------------------ train_gan
def _train_no_k(G, D, opt_g, opt_d, sample_real, sample_z, steps, k_d=1, d_step=None, g_step=None):
    h = {"d_loss": [], "g_loss": []}
    for _ in range(steps):
        h["d_loss"].append(d_step(G, D, opt_d, sample_real(), sample_z()))        # k_d ignored
        h["g_loss"].append(g_step(G, D, opt_g, sample_z()))
    return h


def _train_reuse_z(G, D, opt_g, opt_d, sample_real, sample_z, steps, k_d=1, d_step=None, g_step=None):
    h = {"d_loss": [], "g_loss": []}
    for _ in range(steps):
        z = sample_z()
        h["d_loss"].append(float(np.mean([d_step(G, D, opt_d, sample_real(), z) for _ in range(k_d)])))
        h["g_loss"].append(g_step(G, D, opt_g, z))
    return h


def _train_k_g_steps(G, D, opt_g, opt_d, sample_real, sample_z, steps, k_d=1, d_step=None, g_step=None):
    h = {"d_loss": [], "g_loss": []}
    for _ in range(steps):
        h["d_loss"].append(d_step(G, D, opt_d, sample_real(), sample_z()))
        h["g_loss"].append(float(np.mean([g_step(G, D, opt_g, sample_z()) for _ in range(k_d)])))
    return h


def _train_last_d_loss(G, D, opt_g, opt_d, sample_real, sample_z, steps, k_d=1, d_step=None, g_step=None):
    h = {"d_loss": [], "g_loss": []}
    for _ in range(steps):
        for _ in range(k_d):
            last = d_step(G, D, opt_d, sample_real(), sample_z())
        h["d_loss"].append(last)                                           # not the mean over the k steps
        h["g_loss"].append(g_step(G, D, opt_g, sample_z()))
    return h


def _make_train_g_first():
    def train_gan(G, D, opt_g, opt_d, sample_real, sample_z, steps, k_d=1, d_step=None, g_step=None):
        d_hist, g_hist = [], []
        for _ in range(steps):                                             # the lecture's order: G, then D
            g_hist.append(g_step(G, D, opt_g, sample_z()))
            losses = []
            for _ in range(k_d):
                x = sample_real()
                losses.append(d_step(G, D, opt_d, x, sample_z()))
            d_hist.append(sum(losses) / len(losses))
        return {"d_loss": d_hist, "g_loss": g_hist}
    return train_gan


def _with_defaults(fn):
    """Bind the notebook's reference steps as defaults, as the student's def line does."""
    def wrapper(G, D, opt_g, opt_d, sample_real, sample_z, steps, k_d=1, d_step=None, g_step=None):
        from dlcourse.gans import reference as ref
        return fn(G, D, opt_g, opt_d, sample_real, sample_z, steps, k_d, d_step=d_step or ref.d_step,
                  g_step=g_step or ref.g_step)
    return wrapper


CASES = [
    wrong("test_optimal_discriminator", "p_data and p_g swapped", optimal_discriminator=_dstar_swapped),
    wrong("test_optimal_discriminator", "density ratio instead of D*", optimal_discriminator=_dstar_ratio),
    wrong("test_optimal_discriminator", "NaN where both densities are 0", optimal_discriminator=_dstar_nan),
    right("test_optimal_discriminator", "tiny smoothing constants", optimal_discriminator=_dstar_eps),

    wrong("test_prob_losses", "real/fake labels swapped", d_loss=_d_swapped),
    wrong("test_prob_losses", "one mean over both batches", d_loss=_d_one_mean),
    wrong("test_prob_losses", "no clipping (inf at D = 0 or 1)", d_loss=_d_no_clip),
    wrong("test_prob_losses", "saturating loss as the non-saturating one", g_loss_nonsat=_g_nonsat_is_minimax),
    right("test_prob_losses", "torch's BCE on clamped probabilities", d_loss=_d_torch, g_loss_nonsat=_g_nonsat_torch,
          g_loss_minimax=_g_minimax_torch),

    wrong("test_logit_losses", "sigmoid then BCE on probabilities", d_loss_logits=_dl_sigmoid_bce),
    wrong("test_logit_losses", "real/fake swapped", d_loss_logits=_dl_swapped),
    wrong("test_logit_losses", "BCE-with-logits fed probabilities", d_loss_logits=_dl_double_sigmoid),
    wrong("test_logit_losses", "saturating G loss", g_loss_logits=_gl_saturating),
    wrong("test_logit_losses", "log(sigmoid(s)) for G", g_loss_logits=_gl_sigmoid_log),
    wrong("test_logit_losses", "returns a detached number", g_loss_logits=_gl_item),
    right("test_logit_losses", "binary_cross_entropy_with_logits", d_loss_logits=_dl_bce, g_loss_logits=_gl_bce),

    wrong("test_g_loss_slopes", "pair swapped", g_loss_slopes=_slopes_swapped),
    wrong("test_g_loss_slopes", "signs flipped", g_loss_slopes=_slopes_signs),
    wrong("test_g_loss_slopes", "derivative of +log D", g_loss_slopes=_slopes_log_d),
    right("test_g_loss_slopes", "central differences", g_loss_slopes=_slopes_numeric),

    wrong("test_d_step", "missing detach", d_step=_d_step_no_detach),
    wrong("test_d_step", "real/fake labels swapped", d_step=_d_step_swapped),
    wrong("test_d_step", "D sees no fakes", d_step=_d_step_no_fakes),
    wrong("test_d_step", "BCE on probabilities where logits were expected", d_step=_d_step_probabilities),
    wrong("test_d_step", "no zero_grad", d_step=_d_step_no_zero_grad),
    right("test_d_step", "torch.no_grad for the fakes, BCE with logits", d_step=_d_step_no_grad_bce),

    wrong("test_g_step", "saturating generator loss", g_step=_g_step_saturating),
    wrong("test_g_step", "label 0 for the fakes", g_step=_g_step_label_zero),
    wrong("test_g_step", "fakes detached in the G step", g_step=_g_step_detached),
    wrong("test_g_step", "no zero_grad", g_step=_g_step_no_zero_grad),
    right("test_g_step", "BCEWithLogitsLoss against ones", g_step=_g_step_bce),

    wrong("test_count_modes", "counts samples, not modes", count_modes=_modes_count_samples),
    wrong("test_count_modes", "one sample covers a mode", count_modes=_modes_any_sample),
    wrong("test_count_modes", "squared distance compared with the radius", count_modes=_modes_squared),
    right("test_count_modes", "loop over centres with np.hypot", count_modes=_modes_loop),

    wrong("test_train_gan", "k_d ignored", train_gan=_with_defaults(_train_no_k)),
    wrong("test_train_gan", "one noise batch reused for D and G", train_gan=_with_defaults(_train_reuse_z)),
    wrong("test_train_gan", "k generator steps per D step", train_gan=_with_defaults(_train_k_g_steps)),
    wrong("test_train_gan", "last D loss instead of the mean", train_gan=_with_defaults(_train_last_d_loss)),
    right("test_train_gan", "the lecture's order (G first)", train_gan=_with_defaults(_make_train_g_first())),

    wrong("test_q1", "p(X, Y)", q1="a"), wrong("test_q1", "p(X)", q1="c"), right("test_q1", "upper case", q1="B"),
    wrong("test_q2", "SVM counted as generative", q2={"b", "c", "d", "e"}), wrong("test_q2", "HMM missing", q2={"d", "e"}),
    right("test_q2", "a list of upper-case letters", q2=["E", "C", "D"]),
    wrong("test_q3", "flow and diffusion swapped", q3={"PixelCNN": "b", "RealNVP": "d", "DDPM": "c", "VAE": "e", "DCGAN": "a"}),
    wrong("test_q3", "PixelCNN as a VAE", q3={"PixelCNN": "e", "RealNVP": "c", "DDPM": "d", "VAE": "b", "DCGAN": "a"}),
    right("test_q3", "upper-case letters", q3={"PixelCNN": "B", "RealNVP": "C", "DDPM": "D", "VAE": "E", "DCGAN": "A"}),
    wrong("test_q4", "+2 ln 2", q4=1.386), wrong("test_q4", "-ln 2", q4=-0.693),
    right("test_q4", "more decimals", q4=-1.3862944), right("test_q4", "as a NumPy expression", q4=-2 * np.log(2)),
    wrong("test_q5", "non-convergence", q5="c"), wrong("test_q5", "D's loss to 0", q5="a"), right("test_q5", "(b)", q5="(b)"),
]
