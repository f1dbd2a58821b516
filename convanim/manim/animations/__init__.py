"""Animations of our own: opacity-only fades and the shaded sweep."""
