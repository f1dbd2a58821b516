"""Render plumbing: the batched scene every family derives from, parallel segments and scene-file loading."""
