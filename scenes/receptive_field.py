"""Receptive fields: one unit of a small CNN's last stage traced back to the input, with the closed forms.

    manimgl scenes/receptive_field.py ReceptiveField           # the Pipeline scene's network
    manimgl scenes/receptive_field.py ReceptiveFieldDilated    # dilation and stride grow the field
"""
from convanim.manim import DilatedReceptiveFieldScene, ReceptiveFieldScene


class ReceptiveField(ReceptiveFieldScene):
    """Unit (1, 2) of the Pipeline network's last stage traced back: r = 16, j = 4 on the 28×28 digit."""


class ReceptiveFieldDilated(DilatedReceptiveFieldScene):
    """Dilation 2, stride 2, dilation 2: three 3×3 convs already see 15 rows of the digit."""


SCENES_IN_ORDER = [ReceptiveField, ReceptiveFieldDilated]
