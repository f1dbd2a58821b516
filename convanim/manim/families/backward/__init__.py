"""The backward-pass families: conv backward (scatter and as a convolution), col2im, pool backward and
gradient descent."""
