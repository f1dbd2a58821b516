"""Where a still layer about to be drawn anew differs from the one it holds: only there is it drawn again.

Each ``play`` makes new still groups (the mobjects its animations leave
alone), and the still layer (:mod:`convanim.manim.speed.still_layer`) used
to be drawn whole from them: in Conv3x3 at 480p, 100 times at about 25 ms.
Most of one layer is the last one: the grids, the labels, the frames; what
changed is the kernel's old and new place and a cell or two.

A pixel of the layer is made by the passes manimgl runs for the layer's
groups in order: each group's members with points (its *leaves*), batched
while neighbours share a shader id, one pass per batch
(``Mobject.get_shader_wrapper_list``), with the uniforms of the batch's
first leaf.  A leaf reaches only the pixels in its box
(:func:`~convanim.manim.speed.still_layer.reach_box`), and a pass changes
no pixel none of its leaves reaches (what lets ``render_within_box`` draw a
group within its box and give the same frame).  So a pixel is fixed by the
leaves whose boxes hold it, in order, each with its data, shader id and
pass uniforms, and by which of them share a pass.  The new layer therefore
equals the old one outside

- the boxes of leaves in one layer and not in the other (a leaf whose data,
  shader id or pass uniforms changed counts as another leaf), and
- the overlap of two leaves in both layers that share a pass in one layer
  and not in the other, or are drawn in the other order,

(when a box cannot be told, the layer is drawn whole).  Those boxes are joined into a
few regions (:func:`changed_regions`); each is cleared and every group
reaching it drawn again with the scissor set to the region and its box.
Inside the scissor a pass does what it does unclipped, so the layer is the
one drawing it whole gives, byte for byte (tested).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import Mobject

from convanim.manim.speed.still_layer import (EDGE_PIXELS, FILL_EDGE_PIXELS, PixelMapping, joined_extra, meeting,
                                              reach_box)

#: When the regions to draw again cover more than this share of the frame, the layer is drawn whole (a region
#: costs a pass per group reaching it; the whole layer one pass per group).
MOST_REDRAWN_SHARE = 0.5
#: When more kept leaves than this may have changed order or pass (compared pair by pair), the layer is drawn
#: whole (MnistSizedConv's layer holds about 3,000 leaves).
MOST_PAIRED_LEAVES = 600
#: Changed boxes apart from each other are first joined by the cell of a GRID × GRID grid over the frame their
#: centres lie in, when there are more than cells (the joining pair by pair compares every pair each time).
GRID = 4
#: The changed boxes are joined into at most this many regions, each drawn in passes of its own.
MOST_REGIONS = 4


class LayerLeaves(NamedTuple):
    """The leaves of a drawn layer, in drawing order: what each one's pixels depend on, where they lie, its pass."""
    keys: list[tuple]  # id, shader id, the pass's uniforms, data bytes: equal keys draw the same pixels
    boxes: list[np.ndarray | None]  # [x0, y0, x1, y1] in pixels (reach_box), None when it cannot be told
    passes: list[int]  # leaves with one number are drawn in one pass
    index: dict[tuple, int]  # key -> place (fewer entries than keys when a leaf is drawn twice)


def uniform_bytes(uniforms: dict) -> tuple:
    """A mobject's uniforms as a comparable value (arrays by their bytes)."""
    return tuple((name, value.tobytes() if isinstance(value, np.ndarray) else value)
                 for name, value in uniforms.items())


def layer_leaves(groups: list[Mobject], ctx) -> list[tuple[Mobject, tuple, int]]:
    """The leaves of ``groups`` in drawing order, as ``(leaf, key, pass number)`` (see :class:`LayerLeaves`), passes
    numbered as manimgl batches them: neighbours in a group's family with points sharing a shader id.  A leaf
    whose joint angles wait to be computed gets a key nothing else has (its data will change when drawn)."""
    leaves = []
    number = 0
    for group in groups:
        last, pass_uniforms = None, None
        for leaf in group.family_members_with_points():
            shader_id = leaf.get_shader_wrapper(ctx).get_id()
            if shader_id != last:  # a new pass, drawn with this leaf's uniforms
                number, last, pass_uniforms = number + 1, shader_id, uniform_bytes(leaf.uniforms)
            key = (id(leaf), shader_id, pass_uniforms, leaf.data.tobytes())
            leaves.append((leaf, (*key, object()) if getattr(leaf, "needs_new_joint_angles", False) else key, number))
    return leaves


def leaf_key(leaf: Mobject, key: tuple) -> tuple:
    """``key`` (from :func:`layer_leaves`) for ``leaf`` as it is now, after it was drawn (its data read again)."""
    return key[:3] + (leaf.data.tobytes(),)


def pass_wrapper(leaf: Mobject, ctx):
    """A shader wrapper made as ``leaf`` makes its own (its program, uniforms, textures, stroke order), holding
    an array of its own: gathering other leaves into it never writes into ``leaf``'s data (manimgl's wrapper
    starts out holding the mobject's own array and gathers into it when the lengths agree)."""
    own = leaf.shader_wrapper
    leaf.init_shader_wrapper(ctx)
    wrapper, leaf.shader_wrapper = leaf.shader_wrapper, own
    wrapper.vert_data = leaf.data[:0].copy()
    for name in ("depth_test", "stroke_behind"):  # as the wrapper manimgl would draw the pass with holds them
        if hasattr(own, name):
            setattr(wrapper, name, getattr(own, name))
    return wrapper


def draw_region(camera, layer: list[tuple[Mobject, tuple, int]], boxes: list[np.ndarray], region, target, canvas
                ) -> list[int]:
    """Draw the leaves of ``layer`` (:func:`layer_leaves`, with ``boxes``) that reach ``region`` ``(x, y, width,
    height)`` into ``target``, pass by pass as manimgl batches them, the target's and the fill canvas's scissor
    set to the region: its pixels become those of the whole layer drawn.  Returns the places of the leaves
    drawn (their data read, so their keys are taken again)."""
    x, y, width, height = region
    drawn: list[int] = []
    passes: dict[int, list[int]] = {}
    for place, ((_, _, number), box) in enumerate(zip(layer, boxes)):
        if box[0] < x + width and x < box[2] and box[1] < y + height and y < box[3]:
            passes.setdefault(number, []).append(place)
    first_of_pass = {}
    for place, (_, _, number) in enumerate(layer):
        first_of_pass.setdefault(number, place)
    target.scissor = canvas.scissor = region
    target.use()
    try:
        for number, places in sorted(passes.items()):
            wrapper = pass_wrapper(layer[first_of_pass[number]][0], camera.ctx)  # the pass's uniforms: its first leaf's
            try:
                wrapper.read_in([layer[place][0].get_shader_data() for place in places])
                wrapper.update_program_uniforms(camera.uniforms)
                wrapper.pre_render()
                wrapper.render()
                target.use()  # the fill pass leaves its canvas bound
            finally:
                wrapper.release()
            drawn += places
    finally:
        target.scissor = canvas.scissor = None
    return drawn


def leaf_boxes(mapping: PixelMapping, leaves: list[Mobject]) -> list[np.ndarray | None]:
    """:func:`reach_box` of each leaf's own data; for an unturned camera, leaves of one vector kind neither
    fixed in the frame nor depth-tested are measured together (a few numpy calls for all), the same boxes."""
    boxes: list[np.ndarray | None] = [None] * len(leaves)
    flat = []
    if mapping.view is None and leaves:
        kind = leaves[0].data.dtype
        flat = [i for i, leaf in enumerate(leaves)
                if leaf.data.dtype == kind and len(leaf.data) and not leaf.depth_test
                and not leaf.uniforms.get("is_fixed_in_frame", 0.0)]
        if flat and not {"stroke_width", "fill_border_width"} <= set(kind.names):
            flat = []
    if flat:
        for i, box in zip(flat, flat_boxes(mapping, [leaves[i].data for i in flat])):
            boxes[i] = box
    done = set(flat)
    for i, leaf in enumerate(leaves):
        if i not in done:
            boxes[i] = reach_box(mapping, [leaf.data], leaf.depth_test,
                                 [float(leaf.uniforms.get("is_fixed_in_frame", 0.0))])
    return boxes


def flat_boxes(mapping: PixelMapping, datas: list[np.ndarray]) -> np.ndarray:
    """(n, 4): :func:`~convanim.manim.speed.still_layer.flat_reach_box` of each of ``datas`` (non-empty vector
    data of one dtype, unturned camera, not fixed), by reductions over all of them at once."""
    starts = np.cumsum([0] + [len(data) for data in datas[:-1]])
    points = np.concatenate([data["point"] for data in datas])
    x, y = points[:, 0], points[:, 1]
    low = np.stack([np.minimum.reduceat(x, starts), np.minimum.reduceat(y, starts)], axis=1)
    high = np.stack([np.maximum.reduceat(x, starts), np.maximum.reduceat(y, starts)], axis=1)
    low, high = low * mapping.per_unit + mapping.middle, high * mapping.per_unit + mapping.middle
    widths = np.maximum(np.concatenate([data["stroke_width"][:, 0] for data in datas]),
                        np.concatenate([data["fill_border_width"][:, 0] for data in datas]))
    widest = np.maximum.reduceat(widths, starts)
    boxes = np.empty((len(datas), 4))
    unstroked = widest <= 0  # fills with neither stroke nor border: the pixels their centres cover
    boxes[unstroked] = np.concatenate([np.ceil(low[unstroked] - FILL_EDGE_PIXELS),
                                       np.floor(high[unstroked] + FILL_EDGE_PIXELS - 1) + 1], axis=1)
    for width in np.unique(widest[~unstroked]):  # a few widths: each margin computed as flat_reach_box does
        margin = mapping.stroke_scale * float(width) * mapping.per_unit + EDGE_PIXELS
        rows = widest == width
        boxes[rows] = np.concatenate([low[rows] - margin, high[rows] + margin], axis=1)
    return boxes


def changed_boxes(old: LayerLeaves, new: LayerLeaves) -> np.ndarray | None:
    """(k, 4): the pixel boxes where a layer of leaves ``new`` may differ from one of leaves ``old`` (see the
    module docstring), or None when the whole layer must be drawn (a leaf is drawn twice, or a box cannot be
    told)."""
    if len(old.index) < len(old.keys) or len(new.index) < len(new.keys):
        return None
    kept_new = [i for i, key in enumerate(new.keys) if key in old.index]
    kept_old = [old.index[new.keys[i]] for i in kept_new]
    kept_old_set, kept_new_set = set(kept_old), set(kept_new)
    dirty = [box for i, box in enumerate(old.boxes) if i not in kept_old_set]
    dirty += [box for i, box in enumerate(new.boxes) if i not in kept_new_set]
    if any(box is None for box in dirty) or any(new.boxes[i] is None for i in kept_new):
        return None
    candidates = reordered_or_regrouped(kept_old, [old.passes[i] for i in kept_old], [new.passes[i] for i in kept_new])
    if len(candidates) > MOST_PAIRED_LEAVES:
        return None
    if len(candidates) > 1:
        boxes = np.array([new.boxes[kept_new[k]] for k in candidates])
        old_order = np.array([kept_old[k] for k in candidates])  # candidates are in new order
        old_passes = np.array([old.passes[kept_old[k]] for k in candidates])
        new_passes = np.array([new.passes[kept_new[k]] for k in candidates])
        regrouped = ((old_passes[:, None] == old_passes[None, :]) != (new_passes[:, None] == new_passes[None, :]))
        regrouped |= old_order[:, None] > old_order[None, :]  # for i < j: drawn after j before, before j now
        regrouped &= meeting(boxes)
        for i, j in zip(*np.nonzero(np.triu(regrouped, 1))):  # only their overlap can differ
            dirty.append(np.concatenate([np.maximum(boxes[i, :2], boxes[j, :2]),
                                         np.minimum(boxes[i, 2:], boxes[j, 2:])]))
    dirty = [box for box in dirty if box[0] < box[2] and box[1] < box[3]]  # an empty box changes nothing
    return np.array(dirty, dtype=float).reshape(-1, 4)


def reordered_or_regrouped(old_places: list[int], old_passes: list[int], new_passes: list[int]) -> list[int]:
    """The indices (in new order) of the kept leaves that may be in a pair drawn in the other order or sharing a
    pass in one layer only: ``old_places`` (their places in the old layer), ``old_passes`` and ``new_passes``
    (their pass numbers), all in new order.  Every such pair lies among them, so only they are compared pair by
    pair: a leaf drawn before one with an earlier old place, or after one with a later old place; a leaf of an old
    pass its leaves left in several new passes, or of a new pass whose leaves came from several old passes."""
    n = len(old_places)
    if n < 2:
        return []
    places = np.array(old_places)
    earlier_max = np.maximum.accumulate(places)  # the latest old place up to here
    later_min = np.minimum.accumulate(places[::-1])[::-1]  # the earliest old place from here on
    moved = np.zeros(n, dtype=bool)
    moved[1:] |= earlier_max[:-1] > places[1:]
    moved[:-1] |= later_min[1:] < places[:-1]
    old_passes, new_passes = np.array(old_passes), np.array(new_passes)
    for passes, others in ((old_passes, new_passes), (new_passes, old_passes)):
        _, first, groups = np.unique(passes, return_index=True, return_inverse=True)
        lowest = np.full(len(first), np.iinfo(np.int64).max)
        highest = np.full(len(first), np.iinfo(np.int64).min)
        np.minimum.at(lowest, groups, others)
        np.maximum.at(highest, groups, others)
        moved |= (lowest != highest)[groups]  # the pass's leaves are in more than one pass of the other layer
    return np.nonzero(moved)[0].tolist()


def bounding(boxes: np.ndarray) -> np.ndarray:
    """The box ``[x0, y0, x1, y1]`` around ``boxes`` (k, 4)."""
    return np.concatenate([boxes[:, :2].min(axis=0), boxes[:, 2:].max(axis=0)])


def separate_boxes(boxes: np.ndarray) -> np.ndarray:
    """(m, 4): ``boxes`` (k, 4) replaced by the bounding boxes of the groups that meet (directly or through
    others), again until no two meet."""
    while len(boxes) > 1:
        meets = meeting(boxes)
        labels = np.arange(len(boxes))
        while True:  # each box takes the smallest label it meets, until nothing changes
            smaller = np.where(meets, labels[None, :], len(boxes)).min(axis=1)
            if (smaller >= labels).all():
                break
            labels = np.minimum(labels, smaller)
        if len(np.unique(labels)) == len(boxes):
            return boxes
        boxes = np.array([bounding(boxes[labels == label]) for label in np.unique(labels)])
    return boxes


def changed_regions(boxes: np.ndarray, size: tuple[int, int], most: int = MOST_REGIONS
                    ) -> list[tuple[int, int, int, int]] | None:
    """``boxes`` (k, 4) as at most ``most`` pixel rectangles ``(x, y, width, height)`` inside a frame of
    ``size``: boxes that meet are joined (:func:`separate_boxes`), then the two whose bounding box adds least
    area, until ``most`` are left (each region costs a pass per pass of the layer reaching it).  None when they
    cover more than :data:`MOST_REDRAWN_SHARE` of the frame."""
    width, height = size
    boxes = separate_boxes(boxes[(boxes[:, 0] < boxes[:, 2]) & (boxes[:, 1] < boxes[:, 3])])
    if len(boxes) > GRID * GRID:  # many apart (a grid's cells): first one box per cell of a coarse grid
        centres = (boxes[:, :2] + boxes[:, 2:]) / 2 / np.array(size) * GRID
        cells = np.clip(centres.astype(int), 0, GRID - 1) @ np.array([1, GRID])
        boxes = separate_boxes(np.array([bounding(boxes[cells == cell]) for cell in np.unique(cells)]))
    while len(boxes) > most:
        extra = joined_extra(boxes)
        i, j = np.unravel_index(int(np.argmin(extra)), extra.shape)
        boxes[i] = np.concatenate([np.minimum(boxes[i, :2], boxes[j, :2]), np.maximum(boxes[i, 2:], boxes[j, 2:])])
        boxes = separate_boxes(np.delete(boxes, j, axis=0))
    regions = []
    for low, high in zip(boxes[:, :2], boxes[:, 2:]):
        x0, y0 = max(0, int(np.floor(low[0]))), max(0, int(np.floor(low[1])))
        x1, y1 = min(width, int(np.ceil(high[0]))), min(height, int(np.ceil(high[1])))
        if x1 > x0 and y1 > y0:
            regions.append((x0, y0, x1 - x0, y1 - y0))
    if sum(w * h for _, _, w, h in regions) > MOST_REDRAWN_SHARE * width * height:
        return None
    return regions


def describe_layer(leaves: list[tuple[Mobject, tuple, int]], mapping: PixelMapping, old: LayerLeaves | None
                   ) -> LayerLeaves:
    """The :class:`LayerLeaves` of a layer's ``leaves`` (:func:`layer_leaves`), boxes taken from ``old`` for
    leaves it holds (equal keys: the same data, seen by the same camera) and measured for the rest."""
    keys = [key for _, key, _ in leaves]
    boxes = [None] * len(keys)
    missing = []
    for i, key in enumerate(keys):
        place = old.index.get(key) if old is not None else None
        if place is None:
            missing.append(i)
        else:
            boxes[i] = old.boxes[place]
    for i, box in zip(missing, leaf_boxes(mapping, [leaves[i][0] for i in missing])):
        boxes[i] = box
    return LayerLeaves(keys, boxes, [number for _, _, number in leaves], {key: i for i, key in enumerate(keys)})


def draw_changes(layer, camera, groups: list[Mobject], view: tuple, mapping: PixelMapping, canvas) -> None:
    """Draw ``layer`` (a :class:`~convanim.manim.speed.still_layer.StillLayer`) of ``groups``: only the regions
    where it differs from the layer held (:func:`changed_regions`) when that was drawn for the same ``view``, else
    whole; then remember its leaves.  What ``StillLayer.draw_into`` calls for a stale layer."""
    held = layer.leaves if layer.key is not None and layer.key[1] == view else None
    described, regions = None, None
    if held is not None:  # nothing to compare with (the first layer, a moved camera): drawn whole, described once
        leaves = layer_leaves(groups, camera.ctx)
        described = describe_layer(leaves, mapping, held)
        boxes = changed_boxes(held, described)
        if boxes is not None:
            regions = changed_regions(boxes, mapping.size)
    if regions is None:
        layer.draw_whole(camera, groups, mapping, canvas)
        leaves = layer_leaves(groups, camera.ctx)  # as drawn (joint angles computed)
        layer.leaves = describe_layer(leaves, mapping, described)
        return
    drawn: set[int] = set()
    for region in regions:
        layer.framebuffer.clear(*camera.background_rgba, viewport=region)
        drawn.update(draw_region(camera, leaves, described.boxes, region, layer.framebuffer, canvas))
    camera.fbo.use()
    for group in groups:  # their vertices were not gathered: a later whole drawing gathers them
        if group._data_has_changed:
            group._data_has_changed, group._vertices_not_gathered = False, True
    keys = list(described.keys)
    for place in drawn:  # read as drawn
        keys[place] = leaf_key(leaves[place][0], keys[place])
    layer.leaves = described._replace(keys=keys, index={key: i for i, key in enumerate(keys)})
    layer.partial_redraws += 1


__all__ = ["GRID", "LayerLeaves", "MOST_PAIRED_LEAVES", "MOST_REDRAWN_SHARE", "MOST_REGIONS", "bounding",
           "changed_boxes", "changed_regions", "describe_layer", "draw_changes", "draw_region", "flat_boxes",
           "layer_leaves", "leaf_boxes", "leaf_key", "pass_wrapper", "reordered_or_regrouped", "separate_boxes",
           "uniform_bytes"]
