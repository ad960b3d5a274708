"""Week 08 - seeing inside a CNN: activations, filters, heat maps, and images optimised by gradients.

torch numerics (import the modules explicitly; images are NCHW tensors, one image = a batch of one):

* :mod:`.models` - the week's conv -> GAP -> linear CNN on 16x16 digit canvases, trained by the
  course (cached): a clean model and one trained with a planted shortcut (a corner tag);
* :mod:`.attribution` - activations through forward hooks, filter normalisation, receptive
  fields and maximally activating patches, occlusion, saliency, the ReLU backward rules of
  backprop / deconvnet / guided backprop, CAM and Grad-CAM, heat-map mass, fooling images;
* :mod:`.synthesis` - activation maximisation by gradient ascent with L2, blur and clipping,
  total variation, Gram matrices, texture synthesis and style transfer on a fixed random CNN,
  feature inversion.

Figures in :mod:`.plots`; ipywidgets only in :mod:`.widgets`. Graded pieces are private (the
notebooks ask students to write them; the widgets accept the students' versions). Importing
this package loads nothing.
"""

__all__: list[str] = []
