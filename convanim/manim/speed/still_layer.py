"""Still parts of a frame drawn once: the mobjects an animation does not touch, kept as one picture.

During one ``play`` only the animated mobjects change; during a ``wait``
nothing does (our scenes use no updaters).  Redrawing the rest every frame
costs most of a frame on a CPU renderer: every fill goes through manimgl's
fill pass again, and every member's vertex data is gathered and uploaded
again because the one render group it shares with a moving mobject is marked
changed.  Here the frame's drawing order is cut into

- the *still layer*: the leading mobjects, in drawing order, that nothing
  in the current animation moves; drawn into a framebuffer of their own
  when the animation starts, then copied into the frame each frame (a
  ``glBlitFramebuffer`` of colour and depth), and
- the *live part*: everything from the first moving mobject on, drawn
  every frame over the copied layer, with the scissor box set to the pixels
  its vertices can reach (:func:`render_within_box`), so that manimgl's
  fill canvas is cleared and composited over that box only.  A turned
  camera's boxes come from the points projected as manimgl's vertex shader
  projects them (:class:`PixelMapping`).  Live units
  whose boxes do not meet (a kernel on the left, a caption at the bottom)
  are drawn as separate clusters, each within its own box
  (:func:`live_clusters`).

A still mobject after the cut joins the layer for as long as its pixel box
meets nothing live drawn before it (:func:`live_after_cut`): the layer is
drawn before every live unit, so where nothing live was drawn under it,
drawing it earlier changes no pixel.  A ring (the frame around a grid) has a
hole (:func:`hole_box`): what lies inside it does not meet the ring, so a
cell changing inside the frame leaves the frame in the layer (but for the 2
levels of the ring's colour manimgl's winding fill leaves in the hole, now
under the cell instead of over it).  Otherwise the drawing order is kept
exactly, so a frame differs from an all-vector frame only where manimgl's
one fill pass is split in two (the layer's fills are composited before the
live ones instead of together), a difference of a few levels at shared
edges.  A mobject whose family mixes moving and still members is split into
its submobjects (recursively), so a grid whose one cell changes colour
leaves its other cells in the layer.  A frame with nothing live and the
same layer (a wait) is neither drawn nor read again (BatchedScene).

The layer is redrawn whenever it may be stale: other groups, other camera
uniforms (a moving camera), or a member whose data changed anyway (manimgl
marks every parent of changed data, and the layer's render groups are such
parents).  So a mobject changed outside the animation's family costs time,
never a wrong frame.  Redrawn, it is drawn again only where it differs from
the layer it holds (:mod:`convanim.manim.speed.layer_changes`).
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
import OpenGL.GL as gl

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import FRAME_HEIGHT, FRAME_WIDTH, Mobject


def family_ids(mobjects) -> set[int]:
    """ids of every member of the mobjects' families."""
    return {id(sm) for mob in mobjects for sm in mob.get_family()}


def moving_units(ordered: list[Mobject], moving: set[int], own: set[int] = frozenset()
                 ) -> list[tuple[Mobject, bool]]:
    """``ordered`` (drawing order) as ``(unit, moves)`` pairs whose families are wholly moving or wholly still.

    A mobject whose family mixes both is replaced by its submobjects in
    place (recursively), which draws the same thing in the same order;
    one with points of its own cannot be split that way and counts as
    moving.  So is a moving mobject holding a member of ``own`` (ids of
    mobjects to be units of their own, such as fading ones) below it.
    """
    units = []
    for mob in ordered:
        family = mob.get_family()
        flags = [id(sm) in moving for sm in family]
        splittable = len(mob.data) == 0 and mob.submobjects
        if not any(flags):
            units.append((mob, False))
        elif splittable and (not all(flags) or (id(mob) not in own and any(id(sm) in own for sm in family))):
            units.extend(moving_units(mob.submobjects, moving, own))
        else:
            units.append((mob, True))
    return units


def camera_inputs(camera) -> tuple:
    """What ``camera.refresh_uniforms()`` computes the camera's uniforms from: its frame's data and uniforms
    (place, size, orientation, field of view), the light's data and the frame's size in pixels.  When these
    are as they were, the uniforms, :func:`camera_key` and :func:`pixel_mapping` are too (manimgl's frame
    recomputes its view matrix and orientation every frame: about 0.3 ms at 480p)."""
    frame = camera.frame
    return (frame.data.tobytes(), tuple((name, np.asarray(value).tobytes()) for name, value in frame.uniforms.items()),
            camera.light_source.data.tobytes(), tuple(camera.fbo.size))


def camera_key(camera) -> tuple:
    """The camera's uniforms as a comparable value (they change when the camera moves)."""
    return tuple(sorted((name, value if not hasattr(value, "__len__") else tuple(value))
                        for name, value in camera.uniforms.items()))


#: Pixels added around the box of anything with a stroke or a fill border, for antialiasing (manimgl's default
#: anti_alias_width is 1.5 px, of which half reaches beyond the stroke's width; the rest is slack for joints).
EDGE_PIXELS = 3
#: How far beyond its outline a fill with no stroke and no fill border (our cells, rings, squares) can reach: its
#: triangles are the shape itself, and a pixel is drawn only when its centre lies inside one, so a pixel centre
#: half a pixel beyond is the farthest drawn; the 1/64 is slack for the rasteriser's rounding.  Boxes snap to the
#: pixels so reached (covered_pixels); a ring's hole shrinks by it (hole_box).
FILL_EDGE_PIXELS = 0.5 + 1 / 64


class PixelMapping(NamedTuple):
    """Scene coordinates to pixels, as manimgl's vertex shaders place them (``emit_gl_Position``).

    For an unturned camera (``view`` None) a point of the scene lands at ``point * per_unit + middle``.
    A turned camera applies ``view`` (4×4: shift, turn, divide by the frame's scale), then the perspective:
    ``ndc = q.xy * rescale.xy / (1 - q.z * rescale.z)``.  Mobjects fixed in the frame skip ``view``.
    """
    per_unit: np.ndarray  # pixels per scene unit, (x, y), for an unturned camera
    middle: np.ndarray  # the pixel of the scene's origin, (x, y), for an unturned camera
    stroke_scale: float  # scene units per unit of stroke width (manimgl: 0.01 × frame scale)
    size: tuple[int, int]  # the frame in pixels
    rescale: np.ndarray  # manimgl's frame_rescale_factors: 2 / frame width, 2 / frame height, scale / focal
    view: np.ndarray | None  # the camera's view matrix when it is turned, else None


def pixel_mapping(camera) -> PixelMapping:
    """The camera's :class:`PixelMapping` for this frame."""
    frame = camera.frame
    width, height = camera.get_pixel_shape()
    frame_width, frame_height = camera.get_frame_shape()
    per_unit = np.array([width / frame_width, height / frame_height])
    middle = np.array([width, height]) / 2 - camera.get_frame_center()[:2] * per_unit
    turned = not np.allclose(frame.get_orientation().as_matrix(), np.eye(3))
    rescale = np.array([2.0 / FRAME_WIDTH, 2.0 / FRAME_HEIGHT, frame.get_scale() / frame.get_focal_distance()])
    return PixelMapping(per_unit, middle, 0.01 * frame.get_scale(), (width, height), rescale,
                        np.array(frame.get_view_matrix(), dtype=float) if turned else None)


#: A projected point this close to the camera's plane (w = 1 - z / focal distance) gives up its box.
NEAREST_W = 0.1


def projected(mapping: PixelMapping, points: np.ndarray, fixed: bool) -> tuple[np.ndarray, float] | None:
    """Pixels of ``points`` (n, 3) and the smallest perspective divisor ``w``, or None when a point is near or
    behind the camera (there the projection of a curve need not lie within its points' projections)."""
    if not fixed and mapping.view is None:
        return points[:, :2] * mapping.per_unit + mapping.middle, 1.0
    q = points if fixed else points @ mapping.view[:3, :3].T + mapping.view[:3, 3]
    w = 1.0 - q[:, 2] * mapping.rescale[2]
    if w.min() < NEAREST_W:
        return None
    ndc = q[:, :2] * mapping.rescale[:2] / w[:, None]
    return (ndc + 1.0) / 2.0 * np.array(mapping.size), float(w.min())


#: Whether depth-tested data gets a pixel box (the speed switch ``box_depth_tested``; see :func:`box_depth_tested`).
_depth_tested_boxed = True


def box_depth_tested(on: bool = True) -> None:
    """Give depth-tested data (the blocks of the 3-D scenes) pixel boxes, so that it is drawn within them like the
    rest (on), or none, so that it is drawn over the whole frame (off, as before; for comparing the two).

    The depth test decides which of a primitive's fragments are kept, never where they lie, so the reach of the
    points is the same.  Outside that reach manimgl's fill canvas stays empty, and its composite discards empty
    texels, so it writes neither colour nor depth there; and the frame's depth goes with its colour wherever the
    still layer is copied in again (``StillLayer.draw_into`` blits both).  So a frame drawn within the boxes is
    byte for byte the frame drawn whole (tested on ConvVolume and DepthwiseSeparable).  Measured with
    ``benchmarks/frame_parts.py``, DepthwiseSeparable at 480p: drawing its frames took 4.2 s instead of 5.6 s,
    as 604 of its 3,540 live groups were composited over the whole frame before.

    Which mobjects join the still layer does not change (:func:`mobject_box` still gives depth-tested families no
    box): letting them join changed the order of blending at shared edges, up to 89 levels at some 300 pixels
    of DepthwiseSeparable's frames.
    """
    global _depth_tested_boxed
    _depth_tested_boxed = on


def reach_box(mapping: PixelMapping, datas, depth_tested: bool = False,
              fixed: list[float] | None = None) -> np.ndarray | None:
    """The pixel box ``[x0, y0, x1, y1]`` (unclipped) that vertex data ``datas`` can draw into, or None when it
    cannot be told from the points alone (points near or behind a turned camera; a mobject between fixed and
    unfixed; depth-tested data when :func:`box_depth_tested` is off).  ``fixed``: for each data, its mobject's
    ``is_fixed_in_frame`` (0 or 1).  Empty data gives an empty box (x0 > x1).

    A vector's curves lie inside their control points' convex hull, and a perspective projection keeps
    that (for points in front of the camera); strokes and fill borders reach half their width beyond it
    (manimgl: 0.01 scene units per unit of width, times the frame's scale when not fixed), enlarged by the
    perspective, and antialiasing ``EDGE_PIXELS`` more.  Fills with neither set only the pixels whose
    centres lie within ``FILL_EDGE_PIXELS`` - 1/2 of the hull (:func:`covered_pixels`).
    """
    if depth_tested and not _depth_tested_boxed:
        return None
    if mapping.view is None and not any(fixed or ()):
        return flat_reach_box(mapping, datas)
    return placed_reach_box(mapping, datas, fixed)


def placed_reach_box(mapping: PixelMapping, datas, fixed: list[float] | None = None) -> np.ndarray | None:
    """:func:`reach_box` with every point placed (:func:`projected`): the general case, for a turned camera or
    mobjects fixed in the frame."""
    pairs = [(data, is_fixed) for data, is_fixed in zip(datas, fixed or [0.0] * len(datas)) if len(data)]
    if any(0.0 < is_fixed < 1.0 for _, is_fixed in pairs):
        return None  # on its way into or out of the frame: manimgl mixes the two placements
    pairs = [(data, bool(is_fixed)) for data, is_fixed in pairs]
    if not pairs:
        return NO_BOX.copy()
    boxes = []
    for is_fixed in sorted({is_fixed for _, is_fixed in pairs}):
        group = [data for data, f in pairs if f == is_fixed]
        points = group[0]["point"] if len(group) == 1 else np.concatenate([data["point"] for data in group])
        placed = projected(mapping, points, is_fixed)
        if placed is None:
            return None
        pixels, nearest_w = placed
        widths = [data[field] for data in group for field in ("stroke_width", "fill_border_width")
                  if field in data.dtype.names]
        widest = float(np.concatenate(widths).max()) if widths else 0.0
        default_per_unit = np.array(mapping.size) / 2 * mapping.rescale[:2]  # pixels per unit, frame unscaled
        frame_scale = mapping.stroke_scale / 0.01
        if is_fixed:  # stroke widths taken as scaled with the frame when it is larger (the wider guess)
            per_unit, reach = default_per_unit, 0.01 * max(1.0, frame_scale) * widest
        else:
            per_unit = mapping.per_unit if mapping.view is None else default_per_unit / frame_scale
            reach = mapping.stroke_scale * widest
        if widest > 0:
            margin = edge_margin(widest, reach * per_unit / nearest_w)
            boxes.append(np.concatenate([pixels.min(axis=0) - margin, pixels.max(axis=0) + margin]))
        else:
            boxes.append(covered_pixels(pixels.min(axis=0), pixels.max(axis=0)))
    boxes = np.array(boxes)
    return np.concatenate([boxes[:, :2].min(axis=0), boxes[:, 2:].max(axis=0)])


#: The box of nothing: x0 > x1 (copied for each caller).
NO_BOX = np.array([np.inf, np.inf, -np.inf, -np.inf])


def flat_reach_box(mapping: PixelMapping, datas) -> np.ndarray:
    """:func:`reach_box` of vertex data ``datas`` neither fixed in the frame nor depth-tested, seen by an unturned
    camera: the same box, bit for bit, with a tenth of the calls (Conv3x3 measures about 10,000 boxes at 480p).

    The points are placed by ``point * per_unit + middle`` with ``per_unit`` positive, and rounding keeps
    order, so only the two extreme points of each axis are placed: the smallest placed point is the placed
    smallest point exactly.
    """
    datas = [data for data in datas if len(data)]
    if not datas:
        return NO_BOX.copy()
    points = datas[0]["point"] if len(datas) == 1 else np.concatenate([data["point"] for data in datas])
    x, y = points[:, 0], points[:, 1]  # four 1-d reductions: a quarter of the time of min(axis=0) on (n, 2)
    low = np.array([np.minimum.reduce(x), np.minimum.reduce(y)]) * mapping.per_unit + mapping.middle
    high = np.array([np.maximum.reduce(x), np.maximum.reduce(y)]) * mapping.per_unit + mapping.middle
    names = datas[0].dtype.names
    if all(data.dtype.names == names for data in datas):
        widths = [data[field] for field in ("stroke_width", "fill_border_width") if field in names for data in datas]
    else:
        widths = [data[field] for data in datas for field in ("stroke_width", "fill_border_width")
                  if field in data.dtype.names]
    if not widths:
        return covered_pixels(low, high)
    widest = float(np.maximum.reduce(widths[0] if len(widths) == 1 else np.concatenate(widths), axis=None))
    if widest > 0:  # numpy's arithmetic, in the mapping's precision (float32 from manimgl's frame), as reach_box's
        margin = mapping.stroke_scale * widest * mapping.per_unit + EDGE_PIXELS
        return np.concatenate([low - margin, high + margin])
    return covered_pixels(low, high)


def covered_pixels(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The box ``[x0, y0, x1, y1]`` (whole pixels) of the pixels whose centres lie within ``low``-``high``
    (pixel coordinates, (2,) each), give or take the rasteriser's rounding: the pixels a fill with neither
    stroke nor fill border can set there.  A shape between two pixel centres sets none (an empty box).

    Drawing order matters only between units that set a common pixel, and two fills whose hulls are less
    than a pixel apart (the cells of a large grid at 480p, a fraction of a pixel apart) share no pixel
    centre: boxes padded by half a pixel on each side would meet, and a cell that changes colour would pull
    every cell of its grid live, one neighbour after the other (:func:`live_after_cut`)."""
    first = np.ceil(low - FILL_EDGE_PIXELS)  # the first pixel k with k + 1/2 >= low - slack
    last = np.floor(high + FILL_EDGE_PIXELS - 1)  # the last with k + 1/2 <= high + slack
    return np.concatenate([first, last + 1])


def edge_margin(widest: float, reach: np.ndarray) -> np.ndarray:
    """Pixels (x, y) that a shape's drawing reaches beyond its points: ``reach`` (the half-width of its widest
    stroke or fill border, ``widest``, in pixels) and antialiasing, or only the rasteriser's half pixel for a
    fill with neither."""
    return reach + EDGE_PIXELS if widest > 0 else np.full(2, FILL_EDGE_PIXELS)


def rectangle_path(path: np.ndarray) -> tuple[np.ndarray, float] | None:
    """For a closed path ``path`` (2k+1, 3) of quadratic curves that runs once round an axis-aligned
    rectangle (each curve's three points on one side), the rectangle ``[x0, y0, x1, y1]`` in scene units
    and the path's signed area (positive anticlockwise); else None."""
    if len(path) < 3 or len(path) % 2 == 0:
        return None
    xy = path[:, :2]
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    tol = 1e-6 * max(1.0, float(np.abs(xy).max()))
    if (hi - lo).min() <= tol or not (np.abs(xy[0] - xy[-1]) <= tol + 1e-5 * np.abs(xy[-1])).all():
        return None
    curves = np.stack([xy[0:-1:2], xy[1::2], xy[2::2]], axis=1)  # (k, 3, 2): each curve's three points
    on_a_side = np.zeros(len(curves), dtype=bool)
    for axis in (0, 1):
        for side in (lo[axis], hi[axis]):  # np.allclose's test: |a - b| <= atol + rtol |b|, rtol 1e-5
            on_a_side |= (np.abs(curves[:, :, axis] - side) <= tol + 1e-5 * abs(side)).all(axis=1)
    if not on_a_side.all():
        return None
    anchors = xy[::2]
    area = 0.5 * float(np.sum(anchors[:-1, 0] * anchors[1:, 1] - anchors[1:, 0] * anchors[:-1, 1]))
    rectangle = float(np.prod(hi - lo))
    if abs(abs(area) - rectangle) > 1e-8 + 1e-6 * rectangle:  # np.isclose(|area|, rectangle, rtol=1e-6)
        return None  # round it more than once, or back and forth
    return np.concatenate([lo, hi]), area


#: A ring of two rectangles, each four curves drawn as quadratic pieces, has far fewer points than this; a
#: glyph or a curve with more is not looked at.
MOST_RING_POINTS = 128


def hole_box(mapping: PixelMapping, mob: Mobject) -> np.ndarray | None:
    """The pixel box ``[x0, y0, x1, y1]`` inside ``mob``'s :func:`mobject_box` that ``mob`` leaves as it was, but
    for a residue, or None when it has none that can be told.

    Told for a ring (:func:`convanim.manim.mobjects.cells.ring`, the frames around grids and cells): a mobject of
    its own (no submobjects), neither fixed in the frame nor depth-tested, seen by an unturned camera, whose
    points make two closed paths, each once round an axis-aligned rectangle (:func:`rectangle_path`), the
    second inside the first and running the other way round, so that manimgl's winding fill leaves it
    empty.  The hole is the inner rectangle less the :func:`edge_margin` its edges reach into it.

    The residue: manimgl cancels the inner path's fill triangles against the outer one's in a half-float
    canvas, which leaves 2 levels of a white ring's colour in its hole (measured; less for darker or
    fainter rings).  So drawing a ring before what lies in its hole instead of after changes those
    pixels by at most that much.
    """
    if (mapping.view is not None or mob.submobjects or not hasattr(mob, "get_subpaths") or mob.depth_test
            or float(mob.uniforms.get("is_fixed_in_frame", 0.0)) != 0.0 or len(mob.data) > MOST_RING_POINTS):
        return None
    paths = mob.get_subpaths()
    if len(paths) != 2:
        return None
    outer, inner = (rectangle_path(path) for path in paths)
    if outer is None or inner is None or outer[1] * inner[1] >= 0:
        return None
    (outside, _), (hole, _) = outer, inner
    if not (outside[:2] <= hole[:2]).all() or not (hole[2:] <= outside[2:]).all():
        return None
    widths = [mob.data[field] for field in ("stroke_width", "fill_border_width") if field in mob.data.dtype.names]
    widest = float(np.concatenate(widths).max()) if widths else 0.0
    margin = edge_margin(widest, mapping.stroke_scale * widest * mapping.per_unit)
    return np.concatenate([hole[:2] * mapping.per_unit + mapping.middle + margin,
                           hole[2:] * mapping.per_unit + mapping.middle - margin])


def pixel_box(camera, wrappers, mapping: PixelMapping | None = None) -> tuple[int, int, int, int] | None:
    """The pixel rectangle ``(x, y, width, height)`` inside the frame that the shader wrappers' vertices can
    draw into (see :func:`reach_box`), or None when that cannot be told.  ``mapping``: the camera's
    :func:`pixel_mapping` when the caller has it for this frame."""
    mapping = mapping if mapping is not None else pixel_mapping(camera)
    box = reach_box(mapping, [w.vert_data for w in wrappers],
                    any(w.depth_test for w in wrappers if len(w.vert_data)),
                    [float(w.mobject_uniforms.get("is_fixed_in_frame", 0.0)) for w in wrappers])
    if box is None:
        return None
    if not np.isfinite(box).all():  # no vertices: nothing to draw
        return 0, 0, 0, 0
    width, height = mapping.size
    x0, y0 = max(0, int(np.floor(box[0]))), max(0, int(np.floor(box[1])))
    x1, y1 = min(width, int(np.ceil(box[2]))), min(height, int(np.ceil(box[3])))
    return x0, y0, max(0, x1 - x0), max(0, y1 - y0)


def mobject_box(mapping: PixelMapping, mob: Mobject) -> np.ndarray | None:
    """:func:`reach_box` of a mobject's whole family, or None when it cannot be told or the family is depth-tested
    (the still layer's cut does not move depth-tested mobjects: see :func:`box_depth_tested`)."""
    family = mob.get_family()
    if any(sm.depth_test for sm in family):
        return None
    if mapping.view is None and not any(sm.uniforms.get("is_fixed_in_frame", 0.0) for sm in family):
        return flat_reach_box(mapping, [sm.data for sm in family])
    return reach_box(mapping, [sm.data for sm in family], False,
                     [float(sm.uniforms.get("is_fixed_in_frame", 0.0)) for sm in family])


def meeting(boxes: np.ndarray, holes: np.ndarray | None = None) -> np.ndarray:
    """(n, n): whether box i and box j of ``boxes`` (n, 4) overlap (sharing only an edge is not meeting).
    ``holes`` (n, 4): each box's :func:`hole_box` (NaN where it has none); a box that lies in the other's
    hole does not meet it."""
    a, b = boxes[:, None, :], boxes[None, :, :]
    meets = (a[..., 0] < b[..., 2]) & (b[..., 0] < a[..., 2]) & (a[..., 1] < b[..., 3]) & (b[..., 1] < a[..., 3])
    if holes is not None:
        within = ((holes[None, :, :2] <= a[..., :2]) & (a[..., 2:] <= holes[None, :, 2:])).all(axis=-1)
        meets &= ~within & ~within.T  # [i, j]: box i in j's hole, or box j in i's
    return meets


def live_after_cut(boxes: np.ndarray, moves: np.ndarray, holes: np.ndarray | None = None) -> np.ndarray:
    """Which units after the cut (``boxes`` (n, 4) in drawing order) must be drawn live this frame: the moving
    ones, and every still one whose box meets the box of a live one drawn before it (repeated until nothing is
    added).  The others can join the still layer, drawn before every live unit: each of them meets live units
    drawn after it only, and is drawn before those either way, so no two units that share a pixel change
    their order.  (A still cell beside a changing one stays in the layer; a ring drawn over both does not
    pull them live, nor does a changing cell inside a ring's hole pull the ring: ``holes`` (n, 4), each
    unit's :func:`hole_box`, NaN where it has none.)"""
    live = moves.copy()
    n = len(boxes)
    if n < 2 or not live.any():
        return live
    meets_earlier = meeting(boxes, holes) & strictly_below_diagonal(n)  # [i, j]: unit i meets unit j, drawn before it
    while True:
        added = ~live & (meets_earlier & live[None, :]).any(axis=1)
        if not added.any():
            return live
        live |= added


#: Two clusters of the live part are drawn as one when the box around both is less than this share of the
#: frame larger than their own boxes: each pass has a cost of its own (draw calls, uniforms).  Measured on
#: ConvBackward at 720p, two runs each: 25.1 s with 0, 23.7 s with 0.1, 24.6 s with 0.25 (noise about 1 s).
JOIN_BELOW = 0.1
#: More live units than this are drawn as one cluster: the clustering compares every pair and joins pairs one at
#: a time (cubic in the units), and every cluster is a pass of its own.  MnistSizedConv's closing fade-out (591
#: mobjects leaving, each a live unit) took 0.66 s a frame at 480p before this bound.
CLUSTERED_AT_MOST = 32


def box_areas(boxes: np.ndarray) -> np.ndarray:
    """The areas of boxes ``[..., 4]`` (``[x0, y0, x1, y1]``; an empty box, x0 > x1, has none)."""
    return np.maximum(0.0, boxes[..., 2] - boxes[..., 0]) * np.maximum(0.0, boxes[..., 3] - boxes[..., 1])


def live_clusters(boxes: np.ndarray, join_below: float = 0.0) -> list[list[int]]:
    """The indices of ``boxes`` (n, 4) grouped into clusters whose boxes meet (directly or through others),
    each cluster in increasing order, clusters ordered by their first index.  Then clusters are joined while
    the box around two of them is less than ``join_below`` (square pixels) larger than their two boxes.

    Live units in different clusters draw on disjoint pixels, so drawing
    them cluster by cluster, each within its own pixel box, gives the frame
    that drawing them all in order gives; the fill canvas is then cleared
    and composited over the clusters' boxes instead of one box around all.
    """
    n = len(boxes)
    if n > CLUSTERED_AT_MOST:  # many live units (a whole grid fading out): one pass around them all
        return [list(range(n))] if n else []
    # A few boxes (at most CLUSTERED_AT_MOST, mostly under ten), every frame: Python floats, the same IEEE
    # arithmetic as numpy's in a fifth of the time of small arrays.
    rows = boxes.tolist()
    labels = list(range(n))  # each index's smallest meeting index, through others: union by the smaller label

    def root(k: int) -> int:
        while labels[k] != k:
            k = labels[k]
        return k

    for i in range(n):
        a = rows[i]
        for j in range(i + 1, n):
            b = rows[j]
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                ri, rj = root(i), root(j)
                if ri != rj:
                    labels[max(ri, rj)] = min(ri, rj)
    members: dict[int, list[int]] = {}
    for index in range(n):
        members.setdefault(root(index), []).append(index)
    clusters = list(members.values())
    around = [[min(rows[k][0] for k in c), min(rows[k][1] for k in c), max(rows[k][2] for k in c),
               max(rows[k][3] for k in c)] for c in clusters]
    while len(clusters) > 1:
        # The pair whose joined box adds least (the first such pair, i < j, in cluster order), if under the bar.
        own = [max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1]) for b in around]
        best, pair = np.inf, (0, 1)
        for i in range(len(around)):
            a = around[i]
            for j in range(i + 1, len(around)):
                b = around[j]
                extra = (max(0.0, max(a[2], b[2]) - min(a[0], b[0])) * max(0.0, max(a[3], b[3]) - min(a[1], b[1]))
                         - own[i] - own[j])
                if extra < best:
                    best, pair = extra, (i, j)
        if best >= join_below:
            break
        i, j = pair
        clusters[i] = sorted(clusters[i] + clusters.pop(j))
        a, b = around[i], around.pop(j)
        around[i] = [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]
    return sorted(clusters)


def joined_extra(boxes: np.ndarray) -> np.ndarray:
    """(k, k): for boxes i < j of ``boxes`` (k, 4), the area of the box around both less their two areas
    (:func:`box_areas`); infinite on and below the diagonal."""
    a, b = boxes[:, None, :], boxes[None, :, :]
    around = np.concatenate([np.minimum(a[..., :2], b[..., :2]), np.maximum(a[..., 2:], b[..., 2:])], axis=-1)
    own = box_areas(boxes)
    extra = box_areas(around) - own[:, None] - own[None, :]
    extra[~strictly_above_diagonal(len(boxes))] = np.inf
    return extra


@functools.lru_cache(maxsize=64)
def strictly_below_diagonal(n: int) -> np.ndarray:
    """(n, n) bool, True where the row is greater than the column (read-only: shared between calls; made once
    per size, as a frame's pairs of boxes are compared several times)."""
    mask = np.tri(n, k=-1, dtype=bool)
    mask.flags.writeable = False
    return mask


def strictly_above_diagonal(n: int) -> np.ndarray:
    """(n, n) bool, True where the row is less than the column."""
    return strictly_below_diagonal(n).T


def render_within_box(camera, group, canvas, mapping: PixelMapping, target=None,
                      clip: tuple[int, int, int, int] | None = None) -> tuple[int, int, int, int] | None:
    """Render ``group`` as ``group.render`` does, with the frame's and the fill canvas's scissor box set to the
    pixels its vertices can reach, so that clearing and compositing the fill canvas cover that box only.
    ``mapping``: the camera's :func:`pixel_mapping` for this frame; ``target``: the framebuffer drawn into
    (the camera's when None); ``clip``: a rectangle ``(x, y, width, height)`` the box is cut down to (the
    pixels inside it are drawn as without it; a fill canvas not the frame's size is drawn whole, unclipped).
    Returns the box drawn within, ``(x, y, width, height)``, or None for the whole
    frame (when the box cannot be told, or the fill canvas is not the frame's size)."""
    if group._data_has_changed:  # what group.render does first, done here to read the vertices
        group.shader_wrappers = group.get_shader_wrapper_list(camera.ctx)
        group._data_has_changed = False
    target = camera.fbo if target is None else target
    if tuple(canvas.size) != tuple(target.size):
        # A canvas made for another size (manimgl sizes it by its configured resolution, which a camera
        # given its own need not share) is composited by texture coordinates, not pixels: no box applies.
        target.use()
        group.render(camera.ctx, camera.uniforms)
        camera.fbo.use()
        return None
    box = pixel_box(camera, group.shader_wrappers, mapping)
    if clip is not None:
        box = clip if box is None else overlap(box, clip)
    if box is not None and box[2] * box[3] == 0:
        return box
    target.scissor = canvas.scissor = box
    target.use()
    try:
        group.render(camera.ctx, camera.uniforms)
    finally:
        target.scissor = canvas.scissor = None
        camera.fbo.use()
    return box


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The rectangle ``(x, y, width, height)`` two such rectangles share (width or height 0 when none)."""
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    return x0, y0, max(0, x1 - x0), max(0, y1 - y0)


def to_be_gathered(groups) -> None:
    """Mark the groups whose vertices a drawing in parts left ungathered
    (:func:`convanim.manim.speed.layer_changes.draw_changes`) as changed, so that drawing them gathers them."""
    for group in groups:
        if getattr(group, "_vertices_not_gathered", False):
            group._data_has_changed, group._vertices_not_gathered = True, False


class StillLayer:
    """A framebuffer the size and kind of the camera's, holding the still groups drawn over the background."""

    def __init__(self, camera) -> None:
        self.framebuffer = camera.get_fbo(camera.samples)
        self.key: tuple | None = None
        self.leaves = None  # what the layer holds, leaf by leaf (layer_changes.LayerLeaves), when known
        self.redraws = 0  # how often the layer was drawn (for tests and benchmarks)
        self.partial_redraws = 0  # how many of those drew only where it changed (layer_changes.py)

    def is_stale(self, groups: list[Mobject], arrangement: int, view: tuple) -> bool:
        return self.key != (arrangement, view) or any(group._data_has_changed for group in groups)

    def draw_into(self, camera, groups: list[Mobject], arrangement: int, view: tuple,
                  dirty: list[tuple[int, int, int, int]] | None = None, mapping: PixelMapping | None = None,
                  canvas=None, redraw_changes=None) -> None:
        """Copy the layer of ``groups`` into the camera's framebuffer, drawing it first if it is stale.

        ``arrangement`` numbers the groups (a new number for new groups: a new
        Group may get the id of a dropped one); ``view`` is this frame's
        :func:`camera_key`, after ``camera.refresh_uniforms()``.  ``dirty``:
        the boxes ``(x, y, width, height)`` drawn over the layer since it was
        last copied into this framebuffer, when only those need copying again
        (None: copy the whole frame).  With ``mapping`` (this frame's :func:`pixel_mapping`) and ``canvas``
        (the fill canvas), each group is drawn within its pixel box (:func:`render_within_box`), so its fill
        canvas is cleared and composited over that box only, not over the whole frame.  With those,
        ``redraw_changes`` (:func:`convanim.manim.speed.layer_changes.draw_changes`, or None) draws a stale layer
        instead, only where it differs from the one it holds.
        """
        if self.framebuffer is None:  # released
            self.framebuffer, self.key, self.leaves = camera.get_fbo(camera.samples), None, None
        if self.is_stale(groups, arrangement, view):
            if mapping is None or canvas is None or tuple(canvas.size) != tuple(self.framebuffer.size):
                self.draw_whole(camera, groups)
                self.leaves = None
            elif redraw_changes is None:
                self.draw_whole(camera, groups, mapping, canvas)
                self.leaves = None
            else:
                redraw_changes(self, camera, groups, view, mapping, canvas)
            self.key = (arrangement, view)
            self.redraws += 1
            dirty = None
        source, target = self.framebuffer, camera.fbo
        gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, source.glo)
        gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, target.glo)
        if dirty is None:
            regions = [(*source.viewport[:2], source.viewport[0] + source.viewport[2],
                        source.viewport[1] + source.viewport[3])]
        else:
            regions = [(x, y, x + width, y + height) for x, y, width, height in dirty if width * height > 0]
        for region in regions:
            gl.glBlitFramebuffer(*region, *region, gl.GL_COLOR_BUFFER_BIT | gl.GL_DEPTH_BUFFER_BIT, gl.GL_NEAREST)
        target.use()

    def draw_whole(self, camera, groups: list[Mobject], mapping: PixelMapping | None = None, canvas=None) -> None:
        """Clear the layer and draw every group (each within its box when ``mapping`` and ``canvas`` are given)."""
        self.framebuffer.use()
        self.framebuffer.clear(*camera.background_rgba)
        to_be_gathered(groups)
        for group in groups:
            if mapping is None or canvas is None:
                group.render(camera.ctx, camera.uniforms)
            else:
                render_within_box(camera, group, canvas, mapping, target=self.framebuffer)
                self.framebuffer.use()

    def release(self) -> None:
        """Free the framebuffer (about 8 MB at 1080p); the next draw makes a new one."""
        if self.framebuffer is not None:
            self.framebuffer.release()
            self.framebuffer, self.leaves = None, None
