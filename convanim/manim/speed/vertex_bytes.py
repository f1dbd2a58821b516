"""A render group's vertices gathered by joining their bytes (one of convanim's narrow overrides).

manimgl 1.7.2's ``ShaderWrapper.read_in`` gathers the vertex data of every
member of a render group with ``np.concatenate`` of structured arrays (one
per member: its points, colours, widths, joint angles and normals).  numpy
concatenates structured arrays field by field, after promoting the fields
of every input (``_promote_fields``), which costs far more than the bytes
moved: 200 members of 40 vertices took 3.7 ms, where joining the same
buffers as bytes took 0.05 ms (this machine, numpy 2).  A group is gathered
each frame it changes (every live group) and each time the still layer is
drawn (about once per animation).  Timed on Conv3x3 at 480p (an
instrumented render, 1,790 gathers): ``read_in`` took 0.77 s in all with
manimgl's concatenate and 0.47 s with the bytes joined; the rest is the
vertex buffer's upload.

:func:`read_in_joined` does what manimgl's method does, with the
concatenation done by ``b"".join`` of the members' buffers when every
member's array is C-contiguous and of the wrapper's vertex type (always, for
manimgl's VMobjects); otherwise it takes manimgl's way.  It keeps manimgl's
other behaviour: a gather of the length already held is written into the
array the wrapper holds (which, for a wrapper never gathered, is the first
member's own data), a new length makes a new array, and the vertex buffer is
made or written as before.  The bytes uploaded are manimgl's (tested, with
the frames).

:func:`use_joined_vertex_bytes` puts it in place, :func:`use_manimgl_vertex_gather`
puts manimgl's method back (``--speed join_vertex_bytes=off``).
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib.shader_wrapper import ShaderWrapper

_MANIMGL_READ_IN = ShaderWrapper.read_in


def joined(data_list: list[np.ndarray], dtype: np.dtype) -> np.ndarray | None:
    """The arrays of ``data_list`` one after another as one writable array of ``dtype``, by their bytes;
    None when one of them is not a C-contiguous array of exactly ``dtype``."""
    if not all(isinstance(a, np.ndarray) and a.dtype == dtype and a.flags.c_contiguous for a in data_list):
        return None
    return np.frombuffer(bytearray(b"".join(data_list)), dtype)


def read_in_joined(self: ShaderWrapper, data_list: Iterable[np.ndarray]) -> None:
    """``ShaderWrapper.read_in`` with the members' vertex data joined as bytes (see :func:`joined`)."""
    data_list = list(data_list)
    together = joined(data_list, self.vert_data.dtype)
    if together is None:
        return _MANIMGL_READ_IN(self, data_list)
    total_len = len(together)
    if total_len == 0:
        if self.vbo is not None:
            self.vbo.clear()
        return
    if len(self.vert_data) != total_len:
        self.vert_data = together
    else:
        self.vert_data[...] = together  # as manimgl's concatenate(out=...): into the array held
    total_size = self.vert_data.itemsize * total_len
    if self.vbo is not None and self.vbo.size != total_size:
        self.release()  # sets vbo to None
    if self.vbo is None:
        self.vbo = self.ctx.buffer(self.vert_data)
        self.generate_vaos()
    else:
        self.vbo.write(self.vert_data)


def use_joined_vertex_bytes() -> None:
    """Gather render groups' vertices by joining their bytes."""
    ShaderWrapper.read_in = read_in_joined


def use_manimgl_vertex_gather() -> None:
    """Gather them with manimgl's ``np.concatenate``."""
    ShaderWrapper.read_in = _MANIMGL_READ_IN


__all__ = ["joined", "read_in_joined", "use_joined_vertex_bytes", "use_manimgl_vertex_gather"]
