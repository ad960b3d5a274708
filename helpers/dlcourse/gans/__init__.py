"""Week 07 - generative adversarial networks, small enough for a laptop CPU.

* :mod:`.losses` - the discriminator and generator losses in probability and logit form, the
  optimal discriminator D* and the saturation slopes (NumPy / torch);
* :mod:`.models` - tiny MLP generators and discriminators (1-D and 2-D GANs), the DCGAN pair
  for 16x16 digits and its conditional version, a digits classifier to judge samples;
* :mod:`.training` - one discriminator step, one generator step, alternating training with k
  D-steps, and the seeded trainers for the ring GAN and the digits (C)GAN;
* :mod:`.tools` - mode counting on the ring, latent interpolation, AdaIN, receptive fields
  of a conv stack, the pix2pix, CycleGAN and SRGAN losses.

Figures in :mod:`.plots`; ipywidgets only in :mod:`.widgets`. Graded pieces are private
(leading underscore): the notebooks ask students to write them, and the widgets accept the
students' versions. Importing this package loads NumPy only; the torch modules are imported
explicitly.
"""

__all__: list[str] = []
