"""Typical wrong (and alternative right) answers for week07_gans/02_dcgan_and_beyond.ipynb."""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from mistakes import right, wrong


# ------------------------------------------------------------------------------ DCGenerator
def _generator(kind):
    class Gen(nn.Module):
        def __init__(self, z_dim=16, width=16):
            super().__init__()
            self.z_dim = z_dim
            act = nn.LeakyReLU(0.2) if kind == "leaky" else nn.ReLU()
            out = nn.Sigmoid() if kind == "sigmoid" else nn.Tanh()
            last_pad = 2 if kind == "size" else 1
            if kind == "linear":
                self.net = nn.Sequential(nn.Linear(z_dim, 2 * width * 16), nn.Unflatten(1, (2 * width, 4, 4)),
                                         nn.BatchNorm2d(2 * width), nn.ReLU(),
                                         nn.ConvTranspose2d(2 * width, width, 4, 2, 1), nn.BatchNorm2d(width), nn.ReLU(),
                                         nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Tanh())
            else:
                self.net = nn.Sequential(
                    nn.ConvTranspose2d(z_dim, 2 * width, 4, 1, 0), nn.BatchNorm2d(2 * width), act,
                    nn.ConvTranspose2d(2 * width, width, 4, 2, 1), nn.BatchNorm2d(width),
                    nn.LeakyReLU(0.2) if kind == "leaky" else nn.ReLU(),
                    nn.ConvTranspose2d(width, 1, 4, 2, last_pad), out)

        def forward(self, z):
            return self.net(z if self.net[0].__class__ is nn.Linear else z.reshape(z.shape[0], -1, 1, 1))
    return Gen


class _GenNamed(nn.Module):
    """Layers as named attributes, called one by one (biases kept)."""

    def __init__(self, z_dim=16, width=16):
        super().__init__()
        self.z_dim = z_dim
        self.up1 = nn.ConvTranspose2d(z_dim, 2 * width, kernel_size=4, stride=1, padding=0)
        self.bn1 = nn.BatchNorm2d(2 * width)
        self.act1 = nn.ReLU()
        self.up2 = nn.ConvTranspose2d(2 * width, width, kernel_size=4, stride=2, padding=1)
        self.bn2 = nn.BatchNorm2d(width)
        self.act2 = nn.ReLU()
        self.up3 = nn.ConvTranspose2d(width, 1, kernel_size=4, stride=2, padding=1)
        self.out = nn.Tanh()

    def forward(self, z):
        h = z[:, :, None, None]                                            # (N, Z, 1, 1)
        h = self.act1(self.bn1(self.up1(h)))
        h = self.act2(self.bn2(self.up2(h)))
        return self.out(self.up3(h))


# ------------------------------------------------------------------------------ DCDiscriminator
def _discriminator(kind):
    class Disc(nn.Module):
        def __init__(self, width=16):
            super().__init__()
            act = (lambda: nn.ReLU()) if kind == "relu" else (lambda: nn.LeakyReLU(0.2))
            if kind == "pool":
                first = [nn.Conv2d(1, width, 3, 1, 1), nn.MaxPool2d(2), act()]
            else:
                first = [nn.Conv2d(1, width, 4, 2, 1), act()]
            layers = first + [nn.Conv2d(width, 2 * width, 4, 2, 1), nn.BatchNorm2d(2 * width), act(),
                              nn.Conv2d(2 * width, 1, 4, 1, 0)]
            if kind == "sigmoid":
                layers.append(nn.Sigmoid())
            self.net = nn.Sequential(*layers)

        def forward(self, x):
            out = self.net(x)
            return out.reshape(x.shape[0], 1) if kind == "column" else out.reshape(x.shape[0])
    return Disc


class _DiscFlatten(nn.Module):
    def __init__(self, width=16):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2),
                                      nn.Conv2d(width, 2 * width, 4, 2, 1), nn.BatchNorm2d(2 * width),
                                      nn.LeakyReLU(negative_slope=0.2))
        self.score = nn.Conv2d(2 * width, 1, 4, 1, 0)

    def forward(self, x):
        return self.score(self.features(x)).view(-1)


# ------------------------------------------------------------------------------ conditioning
def _gen_in_label_first(z, y, n_classes):
    return torch.cat([F.one_hot(y.long(), n_classes).float(), z], dim=1)


def _gen_in_eye(z, y, n_classes):
    return torch.cat([z, torch.eye(n_classes)[y]], dim=1)


def _disc_in_scalar_plane(x, y, n_classes):
    N, _, H, W = x.shape
    return torch.cat([x, y.float()[:, None, None, None].expand(N, 1, H, W)], dim=1)   # the label as one value


def _disc_in_label_first(x, y, n_classes):
    N, _, H, W = x.shape
    planes = F.one_hot(y.long(), n_classes).float()[:, :, None, None].expand(N, n_classes, H, W)
    return torch.cat([planes, x], dim=1)


def _disc_in_ones(x, y, n_classes):
    N, _, H, W = x.shape
    planes = torch.eye(n_classes)[y].reshape(N, n_classes, 1, 1) * torch.ones(1, 1, H, W)
    return torch.cat((x, planes), 1)


# ------------------------------------------------------------------------------ interpolate
def _interp_no_end(z0, z1, n):
    t = np.linspace(0, 1, n, endpoint=False)[:, None]
    return (1 - t) * z0 + t * z1


def _interp_reversed(z0, z1, n):
    t = np.linspace(0, 1, n)[:, None]
    return t * z0 + (1 - t) * z1


def _interp_loop(z0, z1, n):
    return np.stack([z0 + (z1 - z0) * k / (n - 1) for k in range(n)])


# ------------------------------------------------------------------------------ adain
def _adain_unbiased(x, y_s, y_b, eps=1e-5):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sd = torch.sqrt(x.var(dim=(2, 3), keepdim=True, unbiased=True) + eps)
    return y_s[:, :, None, None] * (x - mu) / sd + y_b[:, :, None, None]


def _adain_batch_stats(x, y_s, y_b, eps=1e-5):
    mu = x.mean(dim=(0, 2, 3), keepdim=True)
    var = x.var(dim=(0, 2, 3), keepdim=True, unbiased=False)
    return y_s[:, :, None, None] * (x - mu) / torch.sqrt(var + eps) + y_b[:, :, None, None]


def _adain_swapped(x, y_s, y_b, eps=1e-5):
    mu = x.mean(dim=(2, 3), keepdim=True)
    var = x.var(dim=(2, 3), keepdim=True, unbiased=False)
    return y_b[:, :, None, None] * (x - mu) / torch.sqrt(var + eps) + y_s[:, :, None, None]


def _adain_instance_norm(x, y_s, y_b, eps=1e-5):
    return F.instance_norm(x, eps=eps) * y_s[..., None, None] + y_b[..., None, None]


# ------------------------------------------------------------------------------ receptive_field
def _rf_stride_first(kernels, strides):
    rf, jump = 1, 1
    for k, s in zip(kernels, strides):
        jump *= s
        rf += (k - 1) * jump
    return rf


def _rf_sum_kernels(kernels, strides):
    return sum(kernels) - len(kernels) + 1 + (len(kernels) - 1) * 0


def _rf_strides_add(kernels, strides):
    rf, jump = 1, 1
    for k, s in zip(kernels, strides):
        rf += (k - 1) * jump
        jump += s - 1
    return rf


def _rf_backward(kernels, strides):
    r = 1
    for k, s in zip(reversed(kernels), reversed(strides)):
        r = (r - 1) * s + k
    return r


# ------------------------------------------------------------------------------ pix2pix_g_loss
def _p2p_no_lambda(d_fake_logits, fake, target, lam=100.0):
    return F.binary_cross_entropy_with_logits(d_fake_logits, torch.ones_like(d_fake_logits)) + (fake - target).abs().mean()


def _p2p_lambda_on_adversarial(d_fake_logits, fake, target, lam=100.0):
    return lam * F.binary_cross_entropy_with_logits(d_fake_logits, torch.ones_like(d_fake_logits)) \
        + (fake - target).abs().mean()


def _p2p_squared(d_fake_logits, fake, target, lam=100.0):
    return F.binary_cross_entropy_with_logits(d_fake_logits, torch.ones_like(d_fake_logits)) \
        + lam * ((fake - target) ** 2).mean()


def _p2p_label_zero(d_fake_logits, fake, target, lam=100.0):
    return F.binary_cross_entropy_with_logits(d_fake_logits, torch.zeros_like(d_fake_logits)) \
        + lam * (fake - target).abs().mean()


def _p2p_probabilities(d_fake_logits, fake, target, lam=100.0):
    return -torch.log(torch.sigmoid(d_fake_logits)).mean() + lam * (fake - target).abs().mean()


def _p2p_detached(d_fake_logits, fake, target, lam=100.0):
    return F.binary_cross_entropy_with_logits(d_fake_logits, torch.ones_like(d_fake_logits)) \
        + lam * (fake.detach() - target).abs().mean()


def _p2p_l1loss_modules(d_fake_logits, fake, target, lam=100.0):
    return nn.BCEWithLogitsLoss()(d_fake_logits, torch.ones_like(d_fake_logits)) + lam * nn.L1Loss()(fake, target)


def _p2p_softplus(d_fake_logits, fake, target, lam=100.0):
    return F.softplus(-d_fake_logits).mean() + lam * F.l1_loss(target, fake)


# ------------------------------------------------------------------------------ cycle_loss
def _cycle_one_way(x, y, G, F_):
    return (F_(G(x)) - x).abs().mean()


def _cycle_squared(x, y, G, F_):
    return ((F_(G(x)) - x) ** 2).mean() + ((G(F_(y)) - y) ** 2).mean()


def _cycle_sum(x, y, G, F_):
    return (F_(G(x)) - x).abs().sum() + (G(F_(y)) - y).abs().sum()


def _cycle_l1loss(x, y, G, F_):
    l1 = nn.L1Loss()
    return l1(F_(G(x)), x) + l1(G(F_(y)), y)


CASES = [
    wrong("test_DCGenerator", "a fully connected first layer", DCGenerator=_generator("linear")),
    wrong("test_DCGenerator", "sigmoid output", DCGenerator=_generator("sigmoid")),
    wrong("test_DCGenerator", "LeakyReLU in G", DCGenerator=_generator("leaky")),
    wrong("test_DCGenerator", "wrong padding in the last layer (14 x 14)", DCGenerator=_generator("size")),
    right("test_DCGenerator", "named layers, biases kept", DCGenerator=_GenNamed),

    wrong("test_DCDiscriminator", "max pooling", DCDiscriminator=_discriminator("pool")),
    wrong("test_DCDiscriminator", "sigmoid at the end (probabilities, not logits)", DCDiscriminator=_discriminator("sigmoid")),
    wrong("test_DCDiscriminator", "ReLU instead of LeakyReLU", DCDiscriminator=_discriminator("relu")),
    wrong("test_DCDiscriminator", "logits of shape (N, 1)", DCDiscriminator=_discriminator("column")),
    right("test_DCDiscriminator", "features + score conv, view(-1)", DCDiscriminator=_DiscFlatten),

    wrong("test_conditioning", "one-hot before the noise", generator_input=_gen_in_label_first),
    wrong("test_conditioning", "the label as one scalar plane", discriminator_input=_disc_in_scalar_plane),
    wrong("test_conditioning", "label planes before the image", discriminator_input=_disc_in_label_first),
    right("test_conditioning", "torch.eye rows and a product with ones", generator_input=_gen_in_eye,
          discriminator_input=_disc_in_ones),

    wrong("test_interpolate", "end point missing", interpolate=_interp_no_end),
    wrong("test_interpolate", "path reversed", interpolate=_interp_reversed),
    right("test_interpolate", "a loop over k / (n - 1)", interpolate=_interp_loop),

    wrong("test_adain", "unbiased std", adain=_adain_unbiased),
    wrong("test_adain", "statistics over the batch (batch norm)", adain=_adain_batch_stats),
    wrong("test_adain", "scale and bias swapped", adain=_adain_swapped),
    right("test_adain", "F.instance_norm then the affine map", adain=_adain_instance_norm),

    wrong("test_receptive_field", "the jump updated before it is used", receptive_field=_rf_stride_first),
    wrong("test_receptive_field", "kernel sizes added", receptive_field=_rf_sum_kernels),
    wrong("test_receptive_field", "strides added instead of multiplied", receptive_field=_rf_strides_add),
    right("test_receptive_field", "backward recursion r = (r - 1) s + k", receptive_field=_rf_backward),

    wrong("test_pix2pix_g_loss", "lambda forgotten", pix2pix_g_loss=_p2p_no_lambda),
    wrong("test_pix2pix_g_loss", "lambda on the adversarial term", pix2pix_g_loss=_p2p_lambda_on_adversarial),
    wrong("test_pix2pix_g_loss", "squared (L2) error", pix2pix_g_loss=_p2p_squared),
    wrong("test_pix2pix_g_loss", "fakes labelled 0 (the D step's target)", pix2pix_g_loss=_p2p_label_zero),
    wrong("test_pix2pix_g_loss", "-log(sigmoid) on probabilities (overflows at extreme logits)",
          pix2pix_g_loss=_p2p_probabilities),
    wrong("test_pix2pix_g_loss", "G's output detached in the L1 term", pix2pix_g_loss=_p2p_detached),
    right("test_pix2pix_g_loss", "nn.BCEWithLogitsLoss + nn.L1Loss", pix2pix_g_loss=_p2p_l1loss_modules),
    right("test_pix2pix_g_loss", "softplus(-s) + F.l1_loss(target, fake)", pix2pix_g_loss=_p2p_softplus),

    wrong("test_cycle_loss", "only one cycle", cycle_loss=_cycle_one_way),
    wrong("test_cycle_loss", "squared error", cycle_loss=_cycle_squared),
    wrong("test_cycle_loss", "sums instead of means", cycle_loss=_cycle_sum),
    right("test_cycle_loss", "nn.L1Loss", cycle_loss=_cycle_l1loss),

    wrong("test_q1", "pooling included", q1={"a", "b", "c", "e", "f"}), wrong("test_q1", "tanh missing", q1={"b", "c", "f"}),
    right("test_q1", "a list of upper-case letters", q1=["F", "E", "C", "B"]),
    wrong("test_q2", "pix2pix and CycleGAN swapped",
          q2={"edges to photo, with paired training images": "a", "horse to zebra, without pairs": "b",
              "4x upscaling of a photo": "c", "a digit of a requested class": "d"}),
    wrong("test_q2", "SRGAN for the digit", q2={"edges to photo, with paired training images": "b",
                                                "horse to zebra, without pairs": "a", "4x upscaling of a photo": "d",
                                                "a digit of a requested class": "c"}),
    right("test_q2", "upper-case letters", q2={"edges to photo, with paired training images": "B",
                                               "horse to zebra, without pairs": "A", "4x upscaling of a photo": "C",
                                               "a digit of a requested class": "D"}),
    wrong("test_q3", "coarse and fine swapped", q3={"coarse (4-8)": "a", "middle (16-32)": "b", "fine (64-1024)": "c"}),
    wrong("test_q3", "middle as colour", q3={"coarse (4-8)": "c", "middle (16-32)": "a", "fine (64-1024)": "b"}),
    right("test_q3", "letters in brackets", q3={"coarse (4-8)": "(c)", "middle (16-32)": "(b)", "fine (64-1024)": "(a)"}),
    wrong("test_q4", "pix2pix's lambda", q4=100), wrong("test_q4", "10^-2", q4=0.01),
    right("test_q4", "as a fraction string", q4="1/1000"), right("test_q4", "0.001", q4=0.001),
    wrong("test_q5", "conditional generation included", q5={"a", "b", "c", "d"}), wrong("test_q5", "faster missing", q5={"a", "c"}),
    right("test_q5", "a tuple", q5=("d", "c", "a")),
]
