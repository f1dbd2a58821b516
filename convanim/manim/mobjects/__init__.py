"""What scenes draw with: grids, kernels, captions and labels, numbers, images, the palette, glyph
outlines and fonts, marks, free-space layout and the layer's size statements."""
