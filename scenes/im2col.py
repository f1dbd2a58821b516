"""im2col: a convolution as one matrix product (Saito, *Deep Learning from Scratch*, ch. 7).

    manimgl scenes/im2col.py Im2Col
    python -m convanim.manim.render scenes/im2col.py Im2ColLoopOrders --quality 720p --out loops.mp4
"""
from convanim.manim import Im2ColLoopOrdersScene, Im2ColScene


class Im2Col(Im2ColScene):
    """2 channels of 3×3, 2 filters of 2×2 with biases: windows -> rows, filters -> columns, product, fold."""


class Im2ColLoopOrders(Im2ColLoopOrdersScene):
    """A 5×5 input and a 2×2 kernel: 4 strided slices against 16 window copies, the same 16×4 matrix."""


SCENES_IN_ORDER = [Im2Col, Im2ColLoopOrders]
