"""BatchedScene: a manimgl Scene that draws its vector mobjects in as few passes as it can.

manimgl draws every batch of fills through a full-frame texture; on a CPU
renderer (Mesa llvmpipe) each batch costs about as much as all our cells
together, so the frame cost grows with the number of batches.  It batches
neighbouring mobjects whose shader key matches, and builds that key from
``str`` of the uniforms, where ``1``, ``1.0`` and ``np.float64(1.0)``
differ: new shapes carry int 1, glyphs float 1.0, and anything an animation
interpolated or a number rebuilt its glyphs for gets another spelling.  Two
changes fix that:

- the key is hashed from the uniforms' values (:mod:`convanim.manim.speed.shader_ids`),
  where the three spellings are equal; with manimgl's own key
  (``shader_ids = "manimgl"``), every scalar uniform is instead stored as a
  plain ``float`` before each frame (and the key refreshed where one changed);
- neighbouring mobjects are batched by shader key alone, not also by Python
  class as manimgl does;
- images (photos, feature maps) are drawn before the vector mobjects of the
  same z-index: every image between two vector mobjects would otherwise
  split the vectors into one more fill pass.  Our scenes never put an image
  over a vector mobject (labels and rings go on top of images).

Measured effect: Conv3x3 went from three fill passes per frame during its
steps to one; FeatureMaps (ten images among labels) from about six to one.

Two later changes make each frame cheaper still: the fill pass draws
through a frame-sized canvas instead of manimgl's double-size one
(:mod:`convanim.manim.speed.fill_canvas`), and the mobjects an animation does not
move are drawn once into a still layer that each frame copies, the live
rest drawn within its pixel box (:mod:`convanim.manim.speed.still_layer`).  A
fading mobject of one colour, fills only (a caption), is drawn once per
animation and composited at its fade's share each frame
(:mod:`convanim.manim.animations.fades`, :mod:`convanim.manim.speed.sprites`); so is a fading grid (as layers)
and a mobject sliding with a Shift (moved by its offset).
Frames go to ffmpeg through a wider pipe, from a thread of their own, and
without a filter that changes nothing (:mod:`convanim.manim.speed.movie_pipe`).
A render group with nothing to stroke skips manimgl's stroke pass
(:mod:`convanim.manim.speed.empty_strokes`).
"""
from __future__ import annotations

import os

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import Scene, VMobject
from manimlib.animation.update import MaintainPositionRelativeTo, UpdateFromAlphaFunc, UpdateFromFunc
from manimlib.shader_wrapper import VShaderWrapper
from manimlib.utils.iterables import batch_by_property

from convanim.manim.speed.sprites import Sprites, sprite_ready
from convanim.manim.animations.fades import OpacityFade
from convanim.manim.animations.shift import Shift
from convanim.manim.speed.fill_canvas import use_frame_sized_fill_canvas, use_manimgl_fill_canvas
from convanim.manim.options.language_option import LanguageOption
from convanim.manim.options.common_options import slide_cuts_option, slide_runs_option
from convanim.manim.options.options import check_options
from convanim.manim.story.options import NarrationOptions
from convanim.manim.speed.movie_pipe import use_lean_movie_pipe
from convanim.manim.speed.curve_insertion import use_manimgl_curve_insertion, use_vectorised_curve_insertion
from convanim.manim.speed.empty_strokes import use_manimgl_strokes, use_skipped_empty_strokes
from convanim.manim.speed.layer_changes import draw_changes
from convanim.manim.speed.joint_angles import use_manimgl_joint_angles, use_skipped_unchanged_joint_angles
from convanim.manim.speed.shader_ids import use_fast_shader_ids, use_manimgl_shader_ids
from convanim.manim.speed.render_state import RenderState
from convanim.manim.speed.settings import SpeedSettings
from convanim.manim.speed.uniform_mirror import use_fresh_uniforms_for_new_programs
from convanim.manim.speed.vertex_bytes import use_joined_vertex_bytes, use_manimgl_vertex_gather
from convanim.manim.speed.still_layer import (JOIN_BELOW, StillLayer, box_depth_tested, camera_inputs, camera_key,
                                              family_ids, hole_box, live_after_cut, live_clusters, mobject_box,
                                              moving_units, pixel_mapping, render_within_box, to_be_gathered)

use_frame_sized_fill_canvas()  # see fill_canvas.py: the fill pass was most of a frame's cost
use_fast_shader_ids()  # see shader_ids.py: restyling a glyph printed numpy arrays


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


def leaf_animations(animations) -> list:
    """The animations, with every group (AnimationGroup, LaggedStart, Succession) replaced by its members."""
    leaves = []
    for animation in animations:
        members = getattr(animation, "animations", None)
        leaves.extend(leaf_animations(members) if members is not None else [animation])
    return leaves


def sprite_animations(animations, updated: set[int]) -> dict[int, OpacityFade | Shift]:
    """The OpacityFades and Shifts among ``animations``, and the parts other animations offer as sprites
    (``sprite_parts()``: a ShadeSweep's rings), whose mobject can be drawn as a sprite (:func:`sprite_ready`)
    and is moved by nothing else (no other animation's family, nothing in ``updated``: the ids of the families
    of mobjects with updaters), by the id of the mobject.  Each is drawn in a pass of its own, as a sprite or
    (speed switches off) as vectors."""
    leaves = leaf_animations(animations)
    owners: dict[int, int] = {member_id: 1 for member_id in updated}  # member id -> what moves it
    for leaf in leaves:
        for member_id in family_ids([leaf.mobject]):
            owners[member_id] = owners.get(member_id, 0) + 1
    sprites = {}
    for leaf in leaves:
        fading = isinstance(leaf, OpacityFade)
        parts = [leaf] if fading or isinstance(leaf, Shift) else getattr(leaf, "sprite_parts", list)()
        for part in parts:  # a ShadeSweep's rings: parts of its mobject, each with the sprite protocol
            if sprite_ready(part.mobject, fading=fading) and all(
                    owners[member_id] == 1 for member_id in family_ids([part.mobject])):
                sprites[id(part.mobject)] = part
    return sprites


#: manimgl's animations that call a function of the scene's mobjects each frame.
READING_ANIMATIONS = (UpdateFromFunc, UpdateFromAlphaFunc, MaintainPositionRelativeTo)


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


class BatchedScene(NarrationOptions, LanguageOption, Scene):
    """A Scene whose mobjects share draw batches (see the module docstring) and whose still parts are drawn
    once per animation (see :mod:`convanim.manim.speed.still_layer`; the speed switch ``draw_still_parts_once=off``
    draws every mobject every frame, for comparison: :mod:`convanim.manim.speed.settings`).  What it remembers
    between frames is in ``self.render_state`` (:class:`~convanim.manim.speed.render_state.RenderState`, new for
    each run), the switches in ``self.speed``.

    It also checks every declared option (:func:`convanim.manim.options.options.check_options`) and runs ``setup()``
    (where the family checks how they fit together) before the movie file is opened, and deletes the partial
    movie if the scene raises, so a refused scene leaves no ``*_temp.mp4`` behind.  Before that, it
    takes up the scene's ``language`` (LanguageOption).  Its narration options
    (NarrationOptions: ``narration``, ``subtitles``, …) are read by ``convanim
    render`` (see :mod:`convanim.manim.story`).
    """

    #: As a slide deck (convanim.manim.lecture.slides): a new slide before each of these steps ...
    slide_cuts: tuple[str, ...] = slide_cuts_option(())
    #: ... and each run of these repeated steps played through as one slide.
    slide_runs: tuple[str, ...] = slide_runs_option(())

    def __init__(self, *args, **kwargs) -> None:
        self.render_state = RenderState()
        self.speed = self.speed_settings()
        super().__init__(*args, **kwargs)

    def speed_settings(self) -> SpeedSettings:
        """The speed switches (see :mod:`convanim.manim.speed.settings`): ``CONVANIM_SPEED``'s, all on by default."""
        return SpeedSettings.from_environment()

    def run(self) -> None:
        self.render_state = RenderState()
        speed = self.speed = self.speed_settings()
        use_frame_sized_fill_canvas() if speed.fill_canvas == "frame" else use_manimgl_fill_canvas()
        use_fast_shader_ids() if speed.shader_ids == "fast" else use_manimgl_shader_ids()
        use_skipped_empty_strokes() if speed.skip_empty_strokes else use_manimgl_strokes()
        use_skipped_unchanged_joint_angles() if speed.skip_unchanged_joint_angles else use_manimgl_joint_angles()
        use_joined_vertex_bytes() if speed.join_vertex_bytes else use_manimgl_vertex_gather()
        use_vectorised_curve_insertion() if speed.vectorise_curve_insertion else use_manimgl_curve_insertion()
        box_depth_tested(speed.box_depth_tested)
        use_fresh_uniforms_for_new_programs()  # see uniform_mirror.py: uniforms remembered by id()
        check_options(self)  # each declared option's kind and range, named Scene.option, before anything is drawn
        self.apply_language()  # an unknown language or a missing font stops here, before anything is drawn
        self.warn_if_narration_is_left_out()
        self.setup()  # may refuse the options: nothing is open yet
        self.setup = lambda: None  # manimgl's run() calls it again after opening the movie
        self.camera.capture = self.capture  # every frame, and get_image(), draw through the still layer
        width, height = self.camera.get_pixel_shape()
        use_lean_movie_pipe(self.file_writer, width * height * self.camera.n_channels, speed.wide_movie_pipe,
                            speed.drop_identity_filter, speed.background_movie_pipe)
        self.camera.get_raw_fbo_data = self.raw_frame
        try:
            super().run()
        except BaseException:
            discard_partial_movie(self.file_writer)
            raise
        finally:
            state = self.render_state
            if state.still_layer is not None:
                state.still_layer.release()  # a frame drawn after run() (get_image) makes a new framebuffer
            if state.sprite_textures is not None:
                state.sprite_textures.release()
                state.sprite_textures = None

    def warn_if_narration_is_left_out(self) -> None:
        """Plain ``manimgl`` renders the silent video: say so when the scene asks for narration or subtitles
        (``convanim render`` adds them; it renders the scene as a StorySteps subclass)."""
        from convanim.manim.story.steps import StorySteps

        asked = str(self.narration).strip() != "off" or str(self.subtitles).strip()
        if asked and not isinstance(self, StorySteps) and not self.skip_animations:
            from manimlib.logger import log

            log.warning("%s asks for narration or subtitles, which plain manimgl leaves out: render it with "
                        "`convanim render FILE %s` for the voice, the subtitles and the chapters",
                        type(self).__name__, type(self).__name__)

    # Which mobjects move: those of the running animations and any with updaters.

    def moving_ids(self) -> set[int]:
        return self.render_state.moving_ids

    def pre_play(self) -> None:
        super().pre_play()
        self.render_state.sprites = {}
        if not self.skip_animations:
            self.render_state.moving_ids = family_ids(m for m in self.mobjects if m.has_updaters())
            self.render_state.groups_stale = True

    def begin_animations(self, animations) -> None:
        super().begin_animations(animations)
        if not self.skip_animations:
            updated = self.moving_ids()  # the families of mobjects with updaters (pre_play)
            self.render_state.moving_ids = updated | family_ids(a.mobject for a in animations)
            self.render_state.sprites = sprite_animations(animations, updated)
            # Parts an animation asks to be drawn apart (ShadeSweep: the cells, each ring) are units of their own.
            self.render_state.apart_ids = {id(part) for leaf in leaf_animations(animations)
                                           for part in getattr(leaf, "drawn_apart", ())}
            # A sprite's data may wait for the animation's end unless something reads it meanwhile: an updater,
            # or one of manimgl's update animations (an UpdateFromFunc watching a mobject).
            self.render_state.sprites_may_hold = self.speed.sprite_data_waits and not updated and not any(
                isinstance(leaf, READING_ANIMATIONS) for leaf in leaf_animations(animations))
            self.render_state.groups_stale = True

    def post_play(self) -> None:
        super().post_play()
        self.render_state.moving_ids = set()
        self.render_state.sprites = {}
        self.render_state.apart_ids = set()

    def assemble_render_groups(self) -> None:
        """manimgl calls this after every ``add`` and ``remove`` (and convanim before each animation): the render
        groups are only read when a frame is drawn, so they are made then, once (:meth:`render_groups_now`).
        MnistSizedConv's scene adds and removes mobjects about a thousand times, and each assembly sorted and
        batched its 600 mobjects: its render at 480p took 61 s before, 39 s after (the same frames)."""
        self.render_state.groups_stale = True

    def render_groups_now(self) -> list:
        """The render groups for the frame about to be drawn, made if anything was added, removed or began to
        move since they were last made."""
        state = self.render_state
        if state.groups_stale:
            state.groups_stale = False
            self.make_render_groups()
        return self.render_groups

    def make_render_groups(self) -> None:
        state = self.render_state
        if self.speed.shader_ids == "manimgl":  # fast ids hash values: 1 and 1.0 give the same id already
            unify_uniforms(self.mobjects)
        # Stable sort: z-index first, then images before anything with vector parts.
        ordered = sorted(self.mobjects, key=lambda m: (m.z_index, has_vectors(m)))
        if not self.speed.draw_still_parts_once:
            state.after_cut = []
            return self.arrange([], [ordered], new_animation=True)
        units = moving_units(ordered, self.moving_ids(), set(state.sprites) | state.apart_ids)
        if state.sprite_textures is not None:
            state.sprite_textures.forget()
        cut = next((i for i, (_, moves) in enumerate(units) if moves), len(units))  # the still layer ends here
        state.before_cut = [mob for mob, _ in units[:cut]]
        state.after_cut = units[cut:]
        state.still_boxes = {}  # new mobjects may reuse the ids of dropped ones: measure again
        self.arrange(state.before_cut, [[mob for mob, _ in state.after_cut]], new_animation=True)

    def arrange(self, still: list, live: list[list], new_animation: bool = False) -> None:
        """Make the render groups: ``still`` (drawn into the still layer), then each list of ``live`` (drawn
        every frame, each within its own pixel box).  The still groups are kept when ``still`` is the list
        they were made of and no animation began (``new_animation``); otherwise the layer is drawn anew."""
        state = self.render_state
        still_ids = tuple(map(id, still))
        keep_still = not new_animation and still_ids == state.arranged[0]
        for group in self.render_groups[state.still_count if keep_still else 0:]:
            group.clear()
        if keep_still:
            still_groups = self.render_groups[:state.still_count]
        else:
            still_groups = self.batch(still)
            state.arrangements += 1  # new still groups: the still layer is drawn anew
        live_groups = [group for cluster in live for group in self.batch(cluster)]
        self.render_groups = still_groups + live_groups
        state.still_count = len(still_groups)
        state.arranged = (still_ids, tuple(tuple(map(id, cluster)) for cluster in live))

    def rearrange_for_this_frame(self, mapping, view: tuple) -> None:
        """Move the still mobjects after the cut that meet nothing live in this frame into the still layer
        (see :func:`convanim.manim.speed.still_layer.live_after_cut`), the others back into the live part, and
        split the live part into clusters drawn each within its own box
        (:func:`convanim.manim.speed.still_layer.live_clusters`).
        ``mapping`` and ``view``: this frame's pixel mapping and camera key."""
        state = self.render_state
        if not state.after_cut:
            return
        if state.boxes_view != view:  # boxes are in pixels: a moved camera moves them all
            state.still_boxes, state.boxes_view = {}, view
        measured = [self.box_of(mapping, mob, moves) for mob, moves in state.after_cut]
        if any(box is None for box, _ in measured):
            return
        boxes = np.array([box for box, _ in measured])
        holes = (np.array([np.full(4, np.nan) if hole is None else hole for _, hole in measured])
                 if any(hole is not None for _, hole in measured) else None)  # most frames: no ring after the cut
        live = live_after_cut(boxes, np.array([moves for _, moves in state.after_cut]), holes)
        still = state.before_cut + [mob for (mob, _), is_live in zip(state.after_cut, live) if not is_live]
        live_units = [mob for (mob, _), is_live in zip(state.after_cut, live) if is_live]
        clusters = [[live_units[i] for i in cluster] for cluster in live_clusters(
            boxes[live], JOIN_BELOW * mapping.size[0] * mapping.size[1])]
        if (tuple(map(id, still)), tuple(tuple(map(id, cluster)) for cluster in clusters)) != state.arranged:
            self.arrange(still, clusters)

    def box_of(self, mapping, mob, moves: bool) -> tuple[np.ndarray | None, np.ndarray | None]:
        """:func:`mobject_box` and :func:`hole_box` of ``mob``: measured every frame if it moves, else again
        only after its data changed (manimgl marks a mobject and its parents when data changes; the mark is
        cleared here, which manimgl does not read for mobjects drawn through render groups).  A moving unit
        is live whatever its hole: its hole is not looked for (None)."""
        if moves:
            animation = self.render_state.sprites.get(id(mob))
            if animation is not None and animation.holding:  # its data waits: the sprite's box
                return self.render_state.sprite_textures.reach(animation, mapping), None
            return mobject_box(mapping, mob), None
        boxes = self.render_state.still_boxes
        if mob._data_has_changed or id(mob) not in boxes:
            boxes[id(mob)] = (mobject_box(mapping, mob), hole_box(mapping, mob))
            mob._data_has_changed = False
        return boxes[id(mob)]

    def batch(self, mobjects: list) -> list:
        """Render groups of neighbouring mobjects that share a shader key (one fill pass each); a fading mobject
        drawn as a sprite is a group of its own."""
        sprites = self.render_state.sprites
        batches = batch_by_property(
            mobjects,
            lambda m: (f"sprite {id(m)}" if id(m) in sprites else "")
            + str(m.get_group_class()) + str(m.get_shader_wrapper(self.camera.ctx).get_id()) + str(m.z_index))
        return [batch[0].get_group_class()(*batch) for batch, _ in batches]

    def update_frame(self, dt: float = 0, force_draw: bool = False) -> None:
        if self.speed.shader_ids == "manimgl" and not (self.skip_animations and not force_draw):
            # Only what moves can get a new spelling of its uniforms; the rest was unified when assembled.
            moving = [mob for mob, moves in self.render_state.after_cut if moves]
            unify_uniforms(moving if self.speed.draw_still_parts_once else self.render_groups)
        super().update_frame(dt, force_draw)

    def capture(self, *groups) -> None:
        """Draw a frame (in place of ``camera.capture``): the still layer copied in (where the last frame drew
        over it), then the live groups.

        A frame with nothing live whose layer is the one already in the
        framebuffer (a wait) is not drawn again, and its pixels are not read
        again (:meth:`raw_frame`).
        """
        state = self.render_state
        camera = self.camera
        if state.groups_stale:  # manimgl passed the groups as they were: make them for this frame
            groups = tuple(self.render_groups_now())
        state.frames_drawn += 1  # undone below when the frame repeats
        if (not self.speed.draw_still_parts_once or camera.window is not None
                or any(a is not b for a, b in zip(groups, self.render_groups))):
            state.frame_holds = state.drawn_over_layer = None
            to_be_gathered(groups)  # manimgl draws them with the vertices they hold
            return type(camera).capture(camera, *groups)
        inputs = camera_inputs(camera)
        if state.camera_view[0] != inputs:  # the camera moved (or this is the first frame): its uniforms anew
            camera.refresh_uniforms()
            state.camera_view = (inputs, camera_key(camera), pixel_mapping(camera))
        _, view, mapping = state.camera_view
        self.rearrange_for_this_frame(mapping, view)
        if state.still_layer is None:
            state.still_layer = StillLayer(camera)
        still, live = self.render_groups[:state.still_count], self.render_groups[state.still_count:]
        if not live and state.frame_holds is not None and not state.still_layer.is_stale(
                still, state.arrangements, view) and state.frame_holds == state.still_layer.key:
            state.frames_drawn -= 1  # the framebuffer already holds this frame
            return
        # The framebuffer holds the layer's last copy, with the live boxes of the last frame drawn over it:
        # only those boxes need the layer copied in again.
        canvas = VShaderWrapper.get_fill_canvas(camera.ctx)[0]
        state.still_layer.draw_into(camera, still, state.arrangements, view, state.drawn_over_layer, mapping, canvas,
                                    draw_changes if self.speed.redraw_layer_changes else None)
        boxes = [self.draw_live_group(group, canvas, mapping, view) for group in live]
        state.drawn_over_layer = None if any(box is None for box in boxes) else boxes
        state.frame_holds = None if live else state.still_layer.key

    def draw_live_group(self, group, canvas, mapping, view: tuple) -> tuple[int, int, int, int] | None:
        """Draw one live render group within its box: a fading mobject as its sprite, anything else as vectors."""
        state = self.render_state
        members = group.submobjects
        animation = state.sprites.get(id(members[0])) if len(members) == 1 else None
        if animation is not None and not (self.speed.draw_fades_once if animation.sprite_layered
                                          else self.speed.draw_shifts_once):
            animation = None
        if state.sprite_textures is None and animation is not None:
            state.sprite_textures = Sprites(self.camera)
        if animation is None or not state.sprite_textures.can_draw(animation, mapping):
            if animation is not None and animation.holding:  # drawn as vectors now: the data follows again
                animation.hold(False)
            return render_within_box(self.camera, group, canvas, mapping)
        state.sprite_textures.may_hold = state.sprites_may_hold
        return state.sprite_textures.composite(self.camera, group, animation, canvas, mapping, view)

    def raw_frame(self, dtype: str = "f1") -> bytes:
        """The frame's pixels (in place of ``camera.get_raw_fbo_data``): read once per frame drawn, so a frame
        :meth:`capture` did not draw again (unchanged) gives the bytes already read."""
        state = self.render_state
        drawn = state.frames_drawn
        if dtype == "f1" and state.last_frame[0] == drawn:
            return state.last_frame[1]
        camera = self.camera
        if camera.fbo.samples == 0 and camera.fbo.size == camera.draw_fbo.size:
            # manimgl first blits the frame into a second framebuffer (needed only to resolve multisampling),
            # then reads that one: same bytes, one full-frame copy more.
            raw = camera.fbo.read(viewport=camera.fbo.viewport, components=camera.n_channels, dtype=dtype)
        else:
            raw = type(camera).get_raw_fbo_data(camera, dtype)
        if dtype == "f1":
            state.last_frame = (drawn, raw)
        return raw
