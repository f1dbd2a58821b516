"""BatchedScene: a manimgl Scene that draws its vector mobjects in as few passes as it can.

manimgl draws every batch of fills through a full-frame texture; on a CPU
renderer (Mesa llvmpipe) each batch costs about as much as all our cells
together, so the frame cost grows with the number of batches.  It batches
neighbouring mobjects whose shader key matches, and builds that key from
``str`` of the uniforms, where ``1``, ``1.0`` and ``np.float64(1.0)``
differ: new shapes carry int 1, glyphs float 1.0, and anything an animation
interpolated or a number rebuilt its glyphs for gets another spelling.  Two
changes fix that without touching manimlib:

- before each frame, every scalar uniform is stored as a plain ``float``
  (and the shader key refreshed where one changed);
- neighbouring mobjects are batched by shader key alone, not also by Python
  class as manimgl does;
- images (photos, feature maps) are drawn before the vector mobjects of the
  same z-index: every image between two vector mobjects would otherwise
  split the vectors into one more fill pass.  Our scenes never put an image
  over a vector mobject (labels and rings go on top of images).

Measured effect: Conv3x3 went from three fill passes per frame during its
steps to one; FeatureMaps (ten images among labels) from about six to one.
"""
from __future__ import annotations

import os

from . import _gl  # noqa: F401  (must come before manimlib)
from manimlib import Scene, VMobject
from manimlib.utils.iterables import batch_by_property

from .language_option import LanguageOption


def unify_uniforms(mobjects) -> None:
    """Store every scalar uniform of the mobjects' families as a Python float.

    A shader key is recomputed when a value was converted, and whenever it
    is not the key this function last computed (manimgl recomputes keys
    itself, e.g. after ``set_stroke(behind=...)``, from whatever spelling the
    values had then).
    """
    for mob in mobjects:
        for sm in mob.get_family():
            uniforms = sm.uniforms
            changed = False
            for key, value in uniforms.items():
                if type(value) is not float and not hasattr(value, "__len__"):
                    uniforms[key] = float(value)
                    changed = True
            wrapper = sm.shader_wrapper
            if wrapper is not None and (changed or getattr(wrapper, "_unified_id", None) != wrapper.id):
                sm.refresh_shader_wrapper_id()
                wrapper._unified_id = wrapper.id


def has_vectors(mob) -> bool:
    """True when ``mob``'s family holds a VMobject (drawn through the fill pass)."""
    return any(isinstance(sm, VMobject) for sm in mob.get_family())


def discard_partial_movie(writer) -> None:
    """Stop ffmpeg and delete the movie it was writing (the ``*_temp`` file manimgl moves into place at the end)."""
    process = getattr(writer, "writing_process", None)
    if process is not None:
        if process.stdin and not process.stdin.closed:
            process.stdin.close()
        process.kill()
        process.wait()
    progress = getattr(writer, "progress_display", None)
    if progress is not None:
        progress.close()
    temp = getattr(writer, "temp_file_path", None)
    if temp and os.path.exists(temp):
        os.remove(temp)


class BatchedScene(LanguageOption, Scene):
    """A Scene whose mobjects share draw batches (see the module docstring).

    It also runs ``setup()`` (where the options are checked) before the
    movie file is opened, and deletes the partial movie if the scene raises,
    so a refused scene leaves no ``*_temp.mp4`` behind.  Before that, it
    takes up the scene's ``language`` (LanguageOption).
    """

    def run(self) -> None:
        self.apply_language()  # an unknown language or a missing font stops here, before anything is drawn
        self.setup()  # may refuse the options: nothing is open yet
        self.setup = lambda: None  # manimgl's run() calls it again after opening the movie
        try:
            super().run()
        except BaseException:
            discard_partial_movie(self.file_writer)
            raise

    def assemble_render_groups(self) -> None:
        unify_uniforms(self.mobjects)
        # Stable sort: z-index first, then images before anything with vector parts.
        ordered = sorted(self.mobjects, key=lambda m: (m.z_index, has_vectors(m)))
        batches = batch_by_property(
            ordered,
            lambda m: str(m.get_group_class()) + str(m.get_shader_wrapper(self.camera.ctx).get_id())
            + str(m.z_index))
        for group in self.render_groups:
            group.clear()
        self.render_groups = [batch[0].get_group_class()(*batch) for batch, _ in batches]

    def update_frame(self, dt: float = 0, force_draw: bool = False) -> None:
        if not (self.skip_animations and not force_draw):
            unify_uniforms(self.mobjects)
        super().update_frame(dt, force_draw)
