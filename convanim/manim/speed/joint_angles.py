"""Joint angles recomputed at an animation's start and end only for mobjects whose points (or stored normal
or angles) changed (one of convanim's narrow overrides).

manimgl 1.7.2's ``VMobject.set_animating_status`` (called by every
animation's ``begin`` and ``finish``) recomputes the joint angles of every
member of the animated mobject's family: the tangent angles at each curve
joint that the stroke and fill-border shaders read, with the unit normal
refreshed on the way.  Most members have not changed since their angles were
last computed: a FadeOut of a caption that a FadeIn brought in, a grid whose
one cell a Transform recolours, a Transform's members at its end when their
points did not move.  Counted on Conv3x3 at 480p: 15,458 of the 29,766
recomputations had the member's data byte for byte as they were right after
its previous computation; compared on the fields the angles are read from
(below), 19,669 of them find nothing changed, and 10,097 are computed.

The angles are a function of the member's points, its stored unit normal
(unless that is marked for a refresh) and its cached subpath ends; colours
and widths do not enter (manimgl's ``get_joint_angles``).
:func:`use_skipped_unchanged_joint_angles` keeps, per member, a copy of the
bytes of its points, stored normal and angles taken right after each
computation (:data:`ANGLE_FIELDS`), with that flag and the cached subpath
ends; when all are the same at the next call, recomputing would write the
same bytes, so only the call's side effects are repeated (the member marked
as changed data, its angles as fresh).  A fade's end, which changed only
colours, computes nothing.  Any other member goes
through manimgl's ``get_joint_angles(refresh=True)``.  The frames are byte for
byte manimgl's (tested).  Measured together with the camera's uniforms kept
(``still_layer.camera_inputs``) and glyphs kept on disk (``glyph_store.py``):
Conv3x3 at 480p rendered in 30.8 and 32.6 s against 37.7 and 39.2 s without
the three, two paired runs, the same frames (framemd5).

:func:`use_manimgl_joint_angles` puts manimgl's method back
(``--speed skip_unchanged_joint_angles=off``).
"""
from __future__ import annotations

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import Mobject
from manimlib.mobject.types.vectorized_mobject import VMobject

_MANIMGL_SET_ANIMATING_STATUS = VMobject.set_animating_status
#: The attribute holding a member's state right after its last joint-angle computation.
_STATE = "_convanim_joint_angle_state"


#: The fields of a member's data its joint angles are read from or written to: the points, the unit normal
#: (stored in ``base_normal``, interleaved with base points copied from the points) and the angles themselves
#: (so that angles overwritten since, as a Transform's interpolation overwrites them, are computed again).
#: Colours, widths and border widths are not among them: a fade changes none of these.
ANGLE_FIELDS = ("point", "base_normal", "joint_angle")


def joint_angle_inputs(mob: VMobject) -> tuple:
    """What ``mob``'s joint angles are computed from, and the angles last stored: the bytes of the data's
    :data:`ANGLE_FIELDS`, whether its unit normal is to be recomputed, and its cached subpath ends."""
    ends = mob.subpath_end_indices
    data = mob.data
    return (*(data[field].tobytes() for field in ANGLE_FIELDS), mob.needs_new_unit_normal,
            None if ends is None else bytes(memoryview(ends)))


def refresh_joint_angles_if_changed(mob: VMobject) -> None:
    """``mob.get_joint_angles(refresh=True)``, or its side effects alone when its inputs are those of its last
    computation (the angles stored are then the ones it would compute)."""
    if "joint_angle" in mob.locked_data_keys:  # manimgl returns at once: nothing to repeat or keep
        mob.get_joint_angles(refresh=True)
        return
    if getattr(mob, _STATE, None) == joint_angle_inputs(mob):
        mob.needs_new_joint_angles = False
        mob._data_has_changed = True
        return
    mob.get_joint_angles(refresh=True)
    setattr(mob, _STATE, joint_angle_inputs(mob))


def set_animating_status_skipping_unchanged(self: VMobject, is_animating: bool, recurse: bool = True) -> VMobject:
    """``VMobject.set_animating_status`` with :func:`refresh_joint_angles_if_changed` for each member."""
    Mobject.set_animating_status(self, is_animating, recurse)
    for submob in self.get_family(recurse):
        refresh_joint_angles_if_changed(submob)
    return self


def use_skipped_unchanged_joint_angles() -> None:
    """Recompute joint angles at an animation's start and end only where a member's data changed."""
    VMobject.set_animating_status = set_animating_status_skipping_unchanged


def use_manimgl_joint_angles() -> None:
    """Recompute every member's joint angles, as manimgl does."""
    VMobject.set_animating_status = _MANIMGL_SET_ANIMATING_STATUS


__all__ = ["ANGLE_FIELDS", "joint_angle_inputs", "refresh_joint_angles_if_changed", "use_manimgl_joint_angles",
           "use_skipped_unchanged_joint_angles"]
