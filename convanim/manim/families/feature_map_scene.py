"""FeatureMapScene: filters of different sizes over a real photo, ReLU, max pooling, then one pixel's arithmetic.

The story: the photo (3 channels); for each filter (edge, blur, random by
default) its kernel, its parameter count, the feature map, the map after
ReLU and after max pooling, each with its shape; then a zoom from one pixel
of the first feature map to its window on the photo, with the window's
values, the products, the three channel sums, the bias and the total, which
is the pixel.  Maps and the photo are images (one textured quad each), not
one mobject per pixel.

Numbers come from the core: :func:`convanim.run_pipeline` for the maps,
:func:`convanim.trace_conv2d` for the zoomed window, :func:`param_count`
for the parameter counts.
"""
from __future__ import annotations


import numpy as np

from convanim.manim.options.common_options import decimals_option, seed_option, show_code_option
from convanim.manim.options.option_kinds import Whole, FreeText, Numbers, Maybe, InCode
from convanim.manim.options.options import Option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN, LEFT, RIGHT, UP, GrowFromPoint, Group, Line, VGroup

from convanim import (Conv, MaxPool, ReLU, cat_photo, named_filter, photo_channels, read_photo, run_pipeline,
                      trace_conv2d)
from convanim.inputs.filters import FILTER_NAMES
from convanim.inputs.photo import GENERATED_PICTURE, Photo, generated_picture
from convanim.networks.pipeline import Stage
from convanim.statements import decimals_for, format_number, running_statement
from convanim.arithmetic.trace import ConvTrace
from convanim.torch_code import TorchCode, conv_code

from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.mobjects.cells import (NumberGrid, caption_text, fit_font_size, label_above, min_cell_for, ring)
from convanim.manim.animations.fades import FadeIn, FadeOut
from convanim.manim.mobjects.images import ArrayImage, grey_pixels, rgb_pixels, signed_pixels
from convanim.manim.mobjects.numbers import format_shape, widest_text

#: Colours of the photo's channels in the zoomed window.
RGB_COLORS = ("#C62828", "#2E7D32", "#1565C0")


class FeatureMapScene(FamilyScene):
    """Feature maps of a photo.  Options (class attributes):

    ``photo_source``: ``'cat'`` (scikit-image's chelsea; a generated picture
    and an on-screen note without scikit-image), ``'generated'``, or a path
    to an image file.  ``photo_max_side``: larger photos are refused at
    setup (downscale them first).  ``filters``: (kind, size) pairs, kind
    'edge', 'blur' or 'random'; ``pool_size``.  ``zoom_filter`` (index into
    ``filters``) and ``zoom_pixel`` (row, col) of that filter's map: the
    pixel whose window is shown with its numbers (None, the default: the
    centre of the map, so a photo of any size has one).  ``show_code``: end on the zoomed pixel as
    ``nn.Conv2d`` on its window.  ``palette``, ``decimals``,
    ``stage_time``, ``pause_time``.
    """

    photo_source: str = Option("cat", FreeText("'cat', 'generated' or the path of an image file"), "the photo")
    photo_max_side: int = Option(1024, Whole(16, 8192), "larger photos are refused (downscale them first)")
    filters: tuple[tuple[str, int], ...] = Option(
        (("edge", 3), ("blur", 10), ("random", 20)),
        InCode(tuple, "a tuple of (kind, size) pairs, kind 'edge', 'blur' or 'random'"), "the filters applied to the photo")
    pool_size: int = Option(2, Whole(1, 8), "the max-pooling window's side")
    zoom_filter: int = Option(0, Whole(0, 15), "the filter whose map is zoomed (an index into filters)")
    zoom_pixel: tuple[int, int] | None = Option(
        None, Maybe(Numbers(2, "a pair row,col of whole numbers", whole=True, low=0), "the centre of the map"),
        "the pixel of the zoomed map whose window is shown")
    seed: int = seed_option(4, "the random filters")
    decimals: int = decimals_option(2)
    show_code: bool = show_code_option()

    # -- values ------------------------------------------------------------------
    # convanim slides: a new slide before each of these steps.
    slide_cuts: tuple[str, ...] = ("apply_filter", "zoom_to_window", "enlarge_window", "show_window_arithmetic",
                                   "conclude", "show_code_card")

    def get_photo(self) -> Photo:
        if self.photo_source == "cat":
            return cat_photo()
        if self.photo_source == "generated":
            return Photo(generated_picture(), GENERATED_PICTURE)
        try:
            return read_photo(self.photo_source)
        except FileNotFoundError:
            raise FileNotFoundError(f"{type(self).__name__}.photo_source = {self.photo_source!r}: photo file not found "
                                    f"(give 'cat', 'generated' or the path of an image file)") from None

    def setup(self) -> None:
        super().setup()
        # Everything is checked here, before any frame is written.
        self.photo = self.get_photo()
        x = photo_channels(self.photo)
        c, h, w = x.shape
        if max(h, w) > self.photo_max_side:
            raise ValueError(f"photo is {h}×{w} pixels; FeatureMapScene draws photos up to photo_max_side="
                             f"{self.photo_max_side} pixels a side: downscale it first (e.g. PIL's Image.reduce) or "
                             f"raise photo_max_side")
        if not 0 <= self.zoom_filter < len(self.filters):
            raise ValueError(f"zoom_filter must index filters (0..{len(self.filters) - 1}); got {self.zoom_filter}")
        self.input = x
        self.weights = []
        for i, (kind, size) in enumerate(self.filters):
            try:
                self.weights.append(named_filter(kind, size, c, self.seed))
            except ValueError as err:  # the core's rule, said of the option that broke it
                raise ValueError(f"{type(self).__name__}.filters[{i}] = {(kind, size)!r}: {err}") from None
        self.pipelines: list[list[Stage]] = [
            run_pipeline(x, [Conv(wt, b), ReLU(), MaxPool(self.pool_size)]) for wt, b in self.weights]
        wt, b = self.weights[self.zoom_filter]
        self.trace: ConvTrace = trace_conv2d(x, wt, b)
        oh, ow = self.trace.geometry.out
        self.zoom_pixel = (oh // 2, ow // 2) if self.zoom_pixel is None else tuple(int(v) for v in self.zoom_pixel)
        oy, ox = self.zoom_pixel
        if not (0 <= oy < oh and 0 <= ox < ow):
            raise ValueError(f"zoom_pixel {self.zoom_pixel} is outside the {oh}×{ow} map of filter "
                             f"{self.filters[self.zoom_filter]}")
        self.num_decimals = decimals_for(self.trace, self.decimals)
        self.build_photo()
        self.build_rows()

    # -- building ----------------------------------------------------------------
    def build_photo(self) -> None:
        c, h, w = self.input.shape
        pixels = rgb_pixels(self.input) if c == 3 else grey_pixels(self.input[0])
        height = min(3.0, 4.6 * h / w)
        self.photo_image = ArrayImage(self.input if c == 3 else self.input[0], pixels, height)
        self.photo_image.move_to(np.array([-4.35, 0.9, 0]))
        self.photo_label = label_above(self.photo_image, f"{self.lookup(self.photo.name)}  {c}×{h}×{w}", 22)

    def map_image(self, values: np.ndarray, signed: bool, height: float) -> ArrayImage:
        pal = self.palette
        pixels = signed_pixels(values, pal.kernel, pal.output) if signed else grey_pixels(values)
        return ArrayImage(values, pixels, height)

    def build_rows(self) -> None:
        """One row per filter: kernel, conv map, ReLU map, pooled map, each labelled with its shape."""
        n = len(self.filters)
        row_height = min(1.45, 5.6 / n - 0.35)
        self.rows = []
        for i, ((kind, size), stages) in enumerate(zip(self.filters, self.pipelines)):
            y = 2.65 - row_height / 2 - i * (row_height + 0.45)
            weight = self.weights[i][0]  # (1, C, size, size): one small image per input channel
            kernel = Group(*(self.map_image(weight[0, k], True, 0.42 * row_height) for k in range(weight.shape[1])))
            kernel.arrange(RIGHT, buff=0.05).move_to(np.array([-1.05, y + 0.05, 0]))
            maps = [self.map_image(stage.output[0], stage.name.startswith("conv"), row_height)
                    for stage in stages[1:]]
            for k, image in enumerate(maps):
                image.move_to(np.array([1.1 + 2.25 * k, y, 0]))
            names = [self.tr("conv  {shape}", shape=format_shape(stages[1].shape)),
                     self.tr("ReLU  {shape}", shape=format_shape(stages[2].shape)),
                     self.tr("pool  {shape}", shape=format_shape(stages[3].shape))]
            labels = [caption_text(text, 16, "#BDBDBD").next_to(image, DOWN, buff=0.06)
                      for text, image in zip(names, maps)]
            name = caption_text(f"{self.kind_name(kind)} {size}×{size}", 18).next_to(kernel, UP, buff=0.08)
            conv = stages[1]
            params = caption_text(self.trn("{n} param", "{n} params", conv.params), 16, "#BDBDBD")
            params.next_to(kernel, DOWN, buff=0.06)
            self.rows.append({"kernel": kernel, "name": name, "params": params, "maps": maps, "labels": labels,
                              "stages": stages})

    # -- the story ---------------------------------------------------------------
    def construct(self) -> None:
        self.show_photo()
        for i in range(len(self.filters)):
            self.apply_filter(i)
        self.wait(self.pause_time)
        self.zoom_to_window()
        self.enlarge_window()
        self.show_window_arithmetic()
        self.conclude()
        if self.shows_code():
            self.show_code_card()

    def show_photo(self) -> None:
        c, h, w = self.input.shape
        note = (self.lookup(self.photo.note.split(" -- ")[0]) if self.photo.note
                else self.tr("a photo is {c} channels of {shape} numbers", c=c, shape=f"{h}×{w}"))
        self.play(FadeIn(self.photo_image), FadeIn(self.photo_label), self.caption_to(note),
                  run_time=self.stage_time)
        self.wait(self.pause_time)

    def apply_filter(self, i: int) -> None:
        """The kernel, its parameter count, then conv, ReLU and pooling maps appear left to right."""
        row = self.rows[i]
        kind, size = self.filters[i]
        c = self.input.shape[0]
        conv, _, pool = row["stages"][1:]
        count = self.tr("parameters = {formula}", formula=f"{size}·{size}·{c}·1 + 1 = {conv.params}")
        self.play(FadeIn(row["kernel"]), FadeIn(row["name"]), FadeIn(row["params"]),
                  self.caption_to(self.tr("{kind} filter {size} on {c} channels, one output map: {count}",
                                           kind=self.kind_name(kind), size=f"{size}×{size}", c=c, count=count)),
                  run_time=self.stage_time)
        captions = [self.tr("conv: {formula} = {rows} rows, map {shape}", formula=conv.formula.split(" = ")[-2],
                            rows=conv.shape[1], shape=format_shape(conv.shape)),
                    self.tr("ReLU: negative values become 0"),
                    self.tr("max pool {size}: map {shape}", size=f"{self.pool_size}×{self.pool_size}",
                            shape=format_shape(pool.shape))]
        sources = [self.photo_image, row["maps"][0], row["maps"][1]]
        for image, label, source, text in zip(row["maps"], row["labels"], sources, captions):
            self.play(GrowFromPoint(image, source.get_center()), FadeIn(label), self.caption_to(text),
                      run_time=self.stage_time)

    def zoom_to_window(self) -> None:
        """Only the zoomed filter's map stays; its pixel and the photo window it was computed from are marked."""
        row = self.rows[self.zoom_filter]
        self.feature_map, label = row["maps"][0], row["labels"][0]
        others = [m for r in self.rows for m in [r["kernel"], r["name"], r["params"], *r["maps"], *r["labels"]]
                  if m is not self.feature_map and m is not label]
        self.play(*(FadeOut(m) for m in others), run_time=self.stage_time)
        place = np.array([-4.35, -2.05, 0])
        self.play(self.feature_map.animate.set_height(1.9).move_to(place),
                  label.animate.next_to(place + 0.95 * DOWN, DOWN, buff=0.06), run_time=self.stage_time)
        oy, ox = self.zoom_pixel
        step = self.trace.step(0, 0, oy, ox)
        pixel = self.feature_map.pixel_center(oy, ox)
        kh, kw = self.trace.geometry.kernel
        top_left = self.photo_image.pixel_center(step.sources.rows[0], step.sources.cols[0])
        bottom_right = self.photo_image.pixel_center(step.sources.rows[-1], step.sources.cols[-1])
        window_centre = (top_left + bottom_right) / 2
        self.pixel_ring = ring(0.16, 0.16, 0.035, self.palette.product).move_to(pixel)
        self.window_ring = ring(0.16, 0.16, 0.035, self.palette.product).move_to(window_centre)
        link = Line(self.pixel_ring.get_top(), self.window_ring.get_bottom(), stroke_width=2,
                    color=self.palette.product)
        self.play(FadeIn(self.pixel_ring), FadeIn(self.window_ring), FadeIn(link),
                  self.caption_to(self.tr("pixel ({y}, {x}) of the {kind} map comes from one {size} window of the "
                                           "photo", y=oy, x=ox, kind=self.kind_name(self.filters[self.zoom_filter][0]),
                                           size=f"{kh}×{kw}")), run_time=self.stage_time)
        self.link = link
        self.window_centre = window_centre

    def enlarge_window(self) -> None:
        """An enlarged crop around the window grows out of it: the photo's pixels become visible squares."""
        oy, ox = self.zoom_pixel
        step = self.trace.step(0, 0, oy, ox)
        margin = 6
        rows = slice(max(step.sources.rows[0] - margin, 0), step.sources.rows[-1] + margin + 1)
        cols = slice(max(step.sources.cols[0] - margin, 0), step.sources.cols[-1] + margin + 1)
        crop = self.input[:, rows, cols]
        c = self.input.shape[0]
        self.crop = ArrayImage(crop, rgb_pixels(crop) if c == 3 else grey_pixels(crop[0]), 2.3)
        self.crop.move_to(np.array([-0.9, 0.9, 0]))
        first = self.crop.pixel_center(step.sources.rows[0] - rows.start, step.sources.cols[0] - cols.start)
        last = self.crop.pixel_center(step.sources.rows[-1] - rows.start, step.sources.cols[-1] - cols.start)
        side = self.crop.pixel_size()
        self.crop_ring = ring(last[0] - first[0] + 1.3 * side, first[1] - last[1] + 1.3 * side, 0.04,
                              self.palette.product).move_to((first + last) / 2)
        self.play(GrowFromPoint(self.crop, self.window_centre), FadeIn(self.crop_ring), run_time=self.stage_time)

    def show_window_arithmetic(self) -> None:
        """Per channel: window × kernel = products, summed; then bias + sums = the pixel.

        The grids' cells are never smaller than their numbers need at the
        minimum font size.  When the three channel lines do not fit the room
        right of the photo that way, they are shown one channel at a time in
        the same place (with the channel sums gathered under them); a line too
        wide for one row puts its products and sum under the window and kernel.
        """
        t = self.trace
        oy, ox = self.zoom_pixel
        c = t.input.shape[0]
        kh, kw = t.geometry.kernel
        steps = [t.step(0, k, oy, ox) for k in range(c)]
        # Each array keeps its own spelling: photo pixels and integer kernels are written without decimals.
        places = {"window": decimals_for(self.input, self.decimals),
                  "kernel": decimals_for(self.weights[self.zoom_filter][0], self.decimals),
                  "products": self.num_decimals}
        widest = max((widest_text([getattr(s, name) for s in steps], d) for name, d in
                      (("window", places["window"]), ("weights", places["kernel"]), ("products", places["products"]))),
                     key=len)
        cell = max(min(0.42, 4.4 / (c * kh + c - 1), 1.6 / kw), min_cell_for(widest))
        lines = self.window_lines(steps, places, cell, fit_font_size(cell, widest))
        self.window_layout = self.arrange_window_lines(lines, cell)
        while self.window_layout == "shaded":  # too large for numbers at the minimum size: cells shaded by value
            cell *= self.window_scale
            lines = self.window_lines(steps, places, cell, None)
            self.window_layout = self.arrange_window_lines(lines, cell)
        if self.window_room != self.WINDOW_ROOMS[0]:
            self.play(FadeOut(self.crop), FadeOut(self.crop_ring), run_time=self.stage_time / 2)
        if self.window_layout == "together":
            for k, line in enumerate(lines):
                self.play(FadeIn(line), self.caption_to(self.channel_caption(steps[k])), run_time=self.stage_time)
        else:
            sums = VGroup()
            for k, line in enumerate(lines):
                gathered = caption_text(f"Σ {self.channel_name(k)} = "
                                        f"{format_number(steps[k].channel_sum, self.num_decimals)}", 20)
                sums.add(gathered)
                if self.window_layout.endswith("two rows"):
                    sums.arrange(DOWN, buff=0.15, aligned_edge=LEFT).next_to(lines[0][0], DOWN, buff=0.45)
                else:
                    sums.arrange(RIGHT, buff=0.5).next_to(lines[0], DOWN, buff=0.45)
                previous = [FadeOut(lines[k - 1])] if k else []
                self.play(*previous, FadeIn(line), FadeIn(gathered), self.caption_to(self.channel_caption(steps[k])),
                          run_time=self.stage_time)
        self.after_window_numbers()
        self.play(self.caption_to(str(running_statement(t, steps[-1], self.decimals, self.lookup))),
                  run_time=self.stage_time)
        self.wait(self.pause_time)

    def window_lines(self, steps: list, places: dict, cell: float, font: float | None) -> list[VGroup]:
        """One line per channel: its name over its window, ×, the kernel, =, the products over their sum; the
        grids numbered at ``font``, or (``font`` None) shaded by value, the sum still written."""
        c = len(steps)
        self.window_grids, self.kernel_grids, self.product_grids, self.sum_numbers = [], [], [], []
        lines = []
        for k, step in enumerate(steps):
            colour = RGB_COLORS[k] if c == 3 else self.palette.input
            window, kernel, products = (
                NumberGrid(values, cell, color, places[name], font_size=font, show_numbers=font is not None)
                for values, color, name in ((step.window, colour, "window"), (step.weights, self.palette.kernel,
                                                                              "kernel"),
                                            (step.products, "#5D4037", "products")))
            total = caption_text(f"Σ = {format_number(step.channel_sum, self.num_decimals)}", 20)
            name = caption_text(self.channel_name(k), 20, "#BDBDBD")
            lines.append(VGroup(VGroup(name, window), caption_text("×", 24), kernel, caption_text("=", 24),
                                VGroup(products, total)))
            self.window_grids.append(window)
            self.kernel_grids.append(kernel)
            self.product_grids.append(products)
            self.sum_numbers.append(total)
        return lines

    #: Rooms for the window arithmetic, (left, right, bottom, top) in scene units: right of the enlarged
    #: window, then (when the lines need it, and the enlarged window fades out) right of the photo.
    WINDOW_ROOMS = ((0.45, 7.0, -2.75, 3.45), (-1.85, 7.0, -3.05, 3.8))

    def arrange_window_lines(self, lines: list[VGroup], cell: float) -> str:
        """Place the channel lines in the first room and layout they fit at full size.

        A line is: the channel's name over its window, ×, kernel, =, the products over their sum.  Layouts,
        in order: 'together' (all channels at once), 'one at a time', 'one at a time, two rows' (window ×
        kernel over = products).  Returns the layout; ``self.window_room`` is the room used.  When none fits
        (a large kernel): 'shaded', and ``self.window_scale``, how much smaller the cells must be.
        """
        layouts = ("together", "one at a time", "one at a time, two rows")
        for room in self.WINDOW_ROOMS:
            for layout in layouts:
                size = self.lay_out_window_lines(lines, cell, layout)
                if size[0] <= room[1] - room[0] and size[1] <= room[3] - room[2]:
                    break
            else:
                continue
            break
        else:  # nothing fits at the minimum size: the caller draws the grids shaded, this much smaller
            width, height = size
            self.window_scale = min(0.97 * (room[1] - room[0]) / width, 0.97 * (room[3] - room[2]) / height, 0.9)
            return "shaded"
        self.window_room = room
        centre = np.array([(room[0] + room[1]) / 2, (room[2] + room[3]) / 2, 0])
        if layout == "together":
            VGroup(*lines).move_to(centre)
        else:
            lift = 0.0 if layout.endswith("two rows") else 0.35  # above the gathered sums (in two rows: beside)
            for line in lines:
                line.move_to(centre + lift * UP)
        return layout

    @staticmethod
    def lay_out_window_lines(lines: list[VGroup], cell: float, layout: str) -> tuple[float, float]:
        """Arrange ``lines`` for ``layout``; returns the (width, height) the layout needs on screen."""
        for line in lines:
            named, _, _, _, summed = line
            named.arrange(DOWN, buff=0.08)  # the name over the window
            summed.arrange(DOWN, buff=0.1)
            line.arrange(RIGHT, buff=0.18)
            if layout.endswith("two rows"):  # window × kernel over = products
                first, second = VGroup(*line.submobjects[:3]), VGroup(*line.submobjects[3:])
                second.next_to(first, DOWN, buff=cell / 2).align_to(first, RIGHT)
                line.refresh_bounding_box()
        if layout == "together":
            panel = VGroup(*lines).arrange(DOWN, buff=cell / 2, aligned_edge=LEFT)
            return panel.get_width(), panel.get_height()
        # one line at a time, with the gathered channel sums under it (one text line), or in two rows
        # in the room under the window, left of the products
        extra = 0.0 if layout.endswith("two rows") else 0.9
        return max(line.get_width() for line in lines), max(line.get_height() for line in lines) + extra

    def channel_name(self, k: int) -> str:
        return ["R", "G", "B"][k] if self.trace.input.shape[0] == 3 else f"c{k}"

    def channel_caption(self, step) -> str:
        return self.tr("channel {name}: window × kernel = products, summed to {total}",
                       name=self.channel_name(step.input_channel),
                       total=format_number(step.channel_sum, self.num_decimals))

    def kind_name(self, kind: str) -> str:
        """A filter kind (``edge``, ``blur``, ``random``) in the scene's language."""
        return self.lookup(FILTER_NAMES.get(kind, kind))

    def conclude(self) -> None:
        oy, ox = self.zoom_pixel
        shape = self.pipelines[self.zoom_filter][1].shape
        self.play(self.caption_to(self.tr("pixel ({y}, {x}) = {value}; the {shape} map is one such sum per window",
                                           y=oy, x=ox, value=format_number(self.trace.output[0, oy, ox],
                                                                           self.num_decimals),
                                           shape=f"{shape[1]}×{shape[2]}")),
                  run_time=self.stage_time)
        self.wait(self.pause_time)

    def torch_code(self) -> TorchCode:
        """The zoomed pixel in PyTorch: the zoomed filter as ``nn.Conv2d`` on the window shown (C, KH, KW); ``y`` is
        the pixel, (1, 1, 1)."""
        oy, ox = self.zoom_pixel
        window = np.stack([self.trace.step(0, k, oy, ox).window for k in range(self.input.shape[0])])
        return conv_code(window, *self.weights[self.zoom_filter])

    def code_card_title(self) -> str:
        return self.tr("the zoomed pixel in PyTorch")

    def narrator(self, language: str):
        """The spoken story of the photo's feature maps in ``language`` (see :mod:`convanim.narration.feature_maps`)."""
        from convanim.narration.feature_maps import FeatureMapNarrator

        return FeatureMapNarrator(self.input.shape, self.filters, self.pipelines, self.trace,
                                  (self.zoom_filter, self.zoom_pixel), self.pool_size, self.num_decimals, language)

    # -- hooks ---------------------------------------------------------------------
    def after_window_numbers(self) -> None:
        """Called when the zoomed window's numbers are on screen; tests read them here."""

