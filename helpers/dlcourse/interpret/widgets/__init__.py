"""Week 08 widgets: an activation browser (W8.1), an occlusion explorer, an activation-maximisation
studio (W8.3), a CAM / Grad-CAM explorer (W8.5) and a style lab (content and style weights,
style layers).

Every widget is ``compute_*(...) -> state`` (a small frozen dataclass), ``render_*(state, fig)``
on axes made once by ``_layout_*``, and a builder on :class:`~dlcourse.widgetkit.Explorer`.
Builders take the students' functions (default: the private references). The trained models
come from the cached trainers of :mod:`..models`, so most control changes run one forward (and
backward) pass of a tiny CNN on one 16x16 image. The slow optimisations never run on a control
change: the studio's ascent runs on its "Run" button, and the style lab computes its grid of
style-transfer runs at build.

* :mod:`.maps` - activation browser and occlusion explorer (notebook 1);
* :mod:`.studio` - activation-maximisation studio (notebook 2);
* :mod:`.heat` - CAM / Grad-CAM explorer (notebook 2);
* :mod:`.style` - style lab (notebook 2).
"""

from .heat import HeatState, compute_heat, gradcam_explorer, render_heat
from .maps import (ActivationState, OcclusionState, activation_browser, compute_activations, compute_occlusion,
                   occlusion_explorer, render_activations, render_occlusion)
from .studio import StudioState, am_studio, compute_studio, render_studio, run_studio
from .style import StyleState, compute_style, render_style, style_lab

__all__ = ["activation_browser", "occlusion_explorer", "am_studio", "gradcam_explorer", "style_lab"]
