"""The scene families a lecturer subclasses: one module per family (conv layer, arithmetic, transposed,
pooling, im2col, volumes, feature maps, pipeline, receptive field, trained); ``backward/`` holds the
backward-pass families."""
