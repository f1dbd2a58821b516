"""The transposed scatter view draws each product in the output cell it lands in, beside (not over) that cell's
own sum (issue 32: the products covered the cells' numbers, in a variant and in the shipped
PaddingStridesOddScatter; their places were never checked)."""
import numpy as np
import pytest

from manim_support import run, shown_value  # noqa: I001  (imports manimlib first)
from test_family_scenes import TRANSPOSED_CASES, transposed


def box(mob) -> tuple[float, float, float, float]:
    (x0, y0, _), (x1, y1, _) = mob.get_corner(np.array([-1, -1, 0])), mob.get_corner(np.array([1, 1, 0]))
    return x0, y0, x1, y1


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def checked(scene_class, seen):
    class Checked(scene_class):
        def after_products(self, step):
            x, w = self.transposed_arrays()
            s, p = self.stride, self.padding
            oh, ow = self.output_grid.shape
            # worked out by hand: tap (ky, kx) of input cell (iy, ix) lands on output (iy·s − p + ky, ix·s − p + kx)
            expected = {(step.iy * s - p + ky, step.ix * s - p + kx): x[0, step.iy, step.ix] * w[0, 0, ky, kx]
                        for ky in range(w.shape[2]) for kx in range(w.shape[3])
                        if 0 <= step.iy * s - p + ky < oh and 0 <= step.ix * s - p + kx < ow}
            drawn = {}
            for product in self.products:
                cx, cy = product.get_center()[:2]
                cells = [(r, c) for r in range(oh) for c in range(ow)
                         if np.all(np.abs(self.output_grid.cell(r, c).get_center()[:2] - (cx, cy)) < self.out_cell / 2)]
                assert len(cells) == 1, (cx, cy)
                drawn[cells[0]] = shown_value(product)
            assert drawn == expected
            numbers = [box(n) for n in self.output_grid.numbers]
            for product in self.products:
                assert not any(overlap(box(product), b) for b in numbers), "a product is drawn over a sum"
            seen.append(len(drawn))

        def after_step(self, step):
            for r in range(self.output_grid.shape[0]):
                for c in range(self.output_grid.shape[1]):
                    np.testing.assert_allclose(self.output_grid.number(r, c).get_center(),
                                               self.output_grid.cell(r, c).get_center(), atol=1e-6)
    return Checked


@pytest.mark.parametrize("case", TRANSPOSED_CASES)
def test_products_land_in_their_cells_beside_the_sums(case):
    seen = []
    run(checked(getattr(transposed, f"{case}Scatter"), seen))
    assert seen and all(n > 0 for n in seen)


def test_a_lecturers_variant_with_stride_padding_and_output_padding():
    seen = []

    class Variant(transposed.TransposedScatter):
        input_size, kernel_size, stride, padding, output_padding = (3, 3), (3, 3), 2, 1, 1
        detailed_steps = 9
        input_range, weight_range = (-9, 9), (-9, 9)

    run(checked(Variant, seen))
    assert len(seen) == 9
