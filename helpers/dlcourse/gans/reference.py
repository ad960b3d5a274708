"""Week 07's graded reference implementations, by exercise name: ``ref.optimal_discriminator`` is
``losses._optimal_discriminator``. For the package and the tests; notebooks never import this module
(CONTRIBUTING.md, "Graded reference implementations"). Importing it imports nothing.
"""

from .._lazy import private_table

WHERE = {                                   # exercise name -> the module that defines it as _<name>
    "optimal_discriminator": "losses",
    "d_loss": "losses",
    "g_loss_nonsat": "losses",
    "g_loss_minimax": "losses",
    "d_loss_logits": "losses",
    "g_loss_logits": "losses",
    "d_step": "training",
    "g_step": "training",
    "count_modes": "tools",
    "train_gan": "training",
    "DCGenerator": "models",
    "DCDiscriminator": "models",
    "interpolate": "tools",
    "adain": "tools",
    "receptive_field": "tools",
    "pix2pix_g_loss": "tools",
    "cycle_loss": "tools",
}
__getattr__, __dir__ = private_table(__name__, WHERE)
