"""The gallery: convanim's scene files, installed with the package as ``convanim.scenes``.

Render one by path from a clone (``manimgl scenes/conv3x3.py Conv3x3``) or by name from anywhere
(``convanim render conv3x3 Conv3x3``); ``convanim list`` lists them.
"""
