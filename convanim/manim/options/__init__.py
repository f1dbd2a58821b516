"""Declared options: the Option descriptor and its kinds, the options every family shares, the layer's
options and the language option."""
