"""Week 07 widgets: the 1-D GAN stepper, the ring mode-collapse lab, latent interpolation in the
conditional GAN, the AdaIN style demo and the PatchGAN receptive-field overlay.

Same pattern as every course widget: ``compute_*`` turns control values (and precomputed
snapshots) into a small frozen dataclass, ``render_*(state, fig)`` draws it, and an
:class:`~dlcourse.widgetkit.Explorer` binds them. Builders take the students' functions
(default: the private references). Training happens when a builder is called or behind a
button; a control change only selects and redraws.

* :mod:`.gan1d` - the 1-D GAN stepper (notebook 1);
* :mod:`.ring` - the ring mode-collapse lab (notebook 1);
* :mod:`.interpolation` - latent interpolation in the conditional GAN (notebook 2);
* :mod:`.adain` - the AdaIN style demo (notebook 2);
* :mod:`.receptive_field` - the PatchGAN receptive-field overlay (notebook 2).
"""

from .adain import _rgb  # noqa: F401 (the photo the tests reuse)
from .adain import adain_style
from .gan1d import _G1_BINS  # noqa: F401 (the histogram bins the tests recompute)
from .gan1d import gan1d_stepper
from .interpolation import latent_interpolation
from .receptive_field import receptive_field_overlay
from .ring import ring_lab

__all__ = ["gan1d_stepper", "ring_lab", "latent_interpolation", "adain_style", "receptive_field_overlay"]
