"""Issue 36: convanim.from_onnx against onnxruntime, the reference runtime, on random chains built with
onnx.helper (every supported op and attribute, hypothesis-drawn shapes), on hand-built cases and on models
exported from torch; and every refusal, one line naming the node or the file."""
import numpy as np
import onnx
import onnxruntime
import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper

import convanim as ca

OPSET = 17


class Chain:
    """An ONNX model built node by node: each node reads the last one's output; weights are initializers."""

    def __init__(self, c, h, w, rng, dynamic=False):
        self.shape, self.rng, self.dynamic = (c, h, w), rng, dynamic
        self.nodes, self.inits, self.current, self.count = [], [], "x", 0

    def constant(self, array, name=None):
        self.count += 1
        name = name or f"c{self.count}"
        self.inits.append(numpy_helper.from_array(np.asarray(array, dtype=np.float32), name))
        return name

    def node(self, op, *weights, **attrs):
        self.count += 1
        out = f"t{self.count}"
        self.nodes.append(helper.make_node(op, [self.current, *weights], [out], name=f"{op.lower()}{self.count}",
                                           **attrs))
        self.current = out
        return out

    def model(self):
        dims = ["N", self.shape[0], "H", "W"] if self.dynamic else [1, *self.shape]
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)
        y = helper.make_tensor_value_info(self.current, TensorProto.FLOAT, None)
        graph = helper.make_graph(self.nodes, "chain", [x], [y], self.inits)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])

    def output_shape(self):
        """The current tensor's shape per sample, as onnxruntime computes it (not convanim)."""
        return runtime(self.model(), np.zeros((1, *self.shape), dtype=np.float32)).shape[1:]


def runtime(model, x):
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def compare(model, x, rtol=2e-5, atol=2e-5):
    expected = runtime(model, x[None].astype(np.float32))[0]
    stages = ca.run_pipeline(x.astype(np.float32), ca.from_onnx(model))
    np.testing.assert_allclose(stages[-1].output, expected, rtol=rtol, atol=atol)
    return stages


def pads_strategy(k):
    return st.one_of(
        st.tuples(st.just("pads"), st.lists(st.integers(0, 2), min_size=4, max_size=4)),
        st.tuples(st.just("auto"), st.sampled_from(["SAME_UPPER", "SAME_LOWER", "VALID"])))


@st.composite
def chains(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    c, h, w = draw(st.integers(1, 3)), draw(st.integers(5, 9)), draw(st.integers(5, 9))
    chain = Chain(c, h, w, rng)
    # a conv, every attribute drawn
    out = draw(st.integers(1, 4))
    group = draw(st.sampled_from([1, c])) if out % c == 0 else 1
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = [draw(st.integers(1, 2)), draw(st.integers(1, 2))]
    dilation = [draw(st.integers(1, 2)), draw(st.integers(1, 2))]
    kind, pads = draw(pads_strategy(kh))
    attrs = {"kernel_shape": [kh, kw], "strides": stride, "dilations": dilation, "group": group}
    attrs |= {"pads": pads} if kind == "pads" else {"auto_pad": pads}
    weights = [chain.constant(rng.normal(size=(out, c // group, kh, kw)))]
    if draw(st.booleans()):
        weights.append(chain.constant(rng.normal(size=out)))
    chain.node("Conv", *weights, **attrs)
    try:
        shape = chain.output_shape()
    except Exception:  # onnxruntime refuses a kernel larger than the padded input: not a model to test
        assume(False)
    assume(min(shape[1:]) >= 1)
    if draw(st.booleans()):
        chain.node("BatchNormalization", chain.constant(rng.normal(size=out)), chain.constant(rng.normal(size=out)),
                   chain.constant(rng.normal(size=out)), chain.constant(rng.uniform(0.1, 2, size=out)),
                   epsilon=draw(st.sampled_from([1e-5, 1e-3])))
    activation = draw(st.sampled_from(["Relu", "LeakyRelu", "Sigmoid", "Tanh", "Identity", "Dropout"]))
    chain.node(activation, **({"alpha": draw(st.floats(0.01, 0.5))} if activation == "LeakyRelu" else {}))
    # a pooling layer, or none
    pool = draw(st.sampled_from(["MaxPool", "AveragePool", None]))
    if pool:
        k = [draw(st.integers(1, 3)), draw(st.integers(1, 3))]
        even = [draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2))]
        uneven = draw(st.booleans())
        pads = [even[0], even[1], draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2))] if uneven \
            else even * 2
        attrs = {"kernel_shape": k, "strides": [draw(st.integers(1, 2)), draw(st.integers(1, 2))], "pads": pads,
                 "ceil_mode": 0 if uneven else int(draw(st.booleans()))}
        if pool == "MaxPool":
            attrs["dilations"] = [draw(st.integers(1, 2)), draw(st.integers(1, 2))]
        else:
            attrs["count_include_pad"] = int(draw(st.booleans()))
        d = attrs.get("dilations", [1, 1])
        for axis in (0, 1):  # the dilated window fits the padded maps (torch's rule; onnxruntime is laxer)
            assume(d[axis] * (k[axis] - 1) + 1 <= shape[axis + 1] + pads[axis] + pads[axis + 2])
        chain.node(pool, **attrs)
        try:
            shape = chain.output_shape()
        except Exception:
            assume(False)
        assume(min(shape[1:]) >= 1)
    # the head: global pooling, a flatten, a linear layer (Gemm or MatMul + Add), maybe a softmax
    head = draw(st.sampled_from(["GlobalAveragePool", "GlobalMaxPool", "Flatten", "Reshape"]))
    if head.startswith("Global"):
        chain.node(head)
        chain.node("Flatten", axis=1)
    elif head == "Flatten":
        chain.node("Flatten", axis=1)
    else:
        chain.node("Reshape", _shape_of(chain, [1, -1]))
    features = int(np.prod(chain.output_shape()))
    classes = draw(st.integers(2, 5))
    if draw(st.booleans()):
        transposed = draw(st.booleans())
        b = rng.normal(size=(classes, features) if transposed else (features, classes))
        chain.node("Gemm", chain.constant(b), chain.constant(rng.normal(size=classes)), transB=int(transposed),
                   alpha=draw(st.sampled_from([1.0, 0.5])), beta=draw(st.sampled_from([1.0, 2.0])))
    else:
        chain.node("MatMul", chain.constant(rng.normal(size=(features, classes))))
        chain.node("Add", chain.constant(rng.normal(size=classes)))
    if draw(st.booleans()):
        chain.node("Softmax", axis=-1)
    return chain, rng.normal(size=(c, h, w))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(case=chains())
def test_random_chains_compute_what_onnxruntime_computes(case):
    chain, x = case
    compare(chain.model(), x)


def test_uneven_pads_and_same_padding_by_hand():
    # one 1x1 "identity" filter with pads (top 1, left 0, bottom 0, right 2): a 2x2 input becomes 3x4,
    # the zeros above and on the right, as ONNX's pads [top, left, bottom, right] say.
    chain = Chain(1, 2, 2, np.random.default_rng(0))
    chain.node("Conv", chain.constant(np.ones((1, 1, 1, 1))), kernel_shape=[1, 1], pads=[1, 0, 0, 2])
    x = np.array([[[1.0, 2.0], [3.0, 4.0]]])
    stages = compare(chain.model(), x)
    assert stages[-1].output[0].tolist() == [[0, 0, 0, 0], [1, 2, 0, 0], [3, 4, 0, 0]]
    # SAME_UPPER with a 2x2 kernel of ones on a 3x3 input: the extra row and column at the end
    chain = Chain(1, 3, 3, np.random.default_rng(0))
    chain.node("Conv", chain.constant(np.ones((1, 1, 2, 2))), kernel_shape=[2, 2], auto_pad="SAME_UPPER")
    x = np.arange(9.0).reshape(1, 3, 3)
    stages = compare(chain.model(), x)
    assert stages[-1].output[0].tolist() == [[8, 12, 7], [20, 24, 13], [13, 15, 8]]
    lower = Chain(1, 3, 3, np.random.default_rng(0))
    lower.node("Conv", lower.constant(np.ones((1, 1, 2, 2))), kernel_shape=[2, 2], auto_pad="SAME_LOWER")
    assert compare(lower.model(), x)[-1].output[0].tolist() == [[0, 1, 3], [3, 8, 12], [9, 20, 24]]


def test_constant_nodes_and_a_dynamic_input_shape():
    chain = Chain(2, 6, 6, np.random.default_rng(1), dynamic=True)
    weight = numpy_helper.from_array(np.random.default_rng(2).normal(size=(3, 2, 3, 3)).astype(np.float32), "w")
    chain.nodes.append(helper.make_node("Constant", [], ["w"], value=weight, name="weights"))
    chain.node("Conv", "w", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    chain.node("Relu")
    model = chain.model()
    assert ca.onnx_input_shape(model) == (2, None, None)
    compare(model, np.random.default_rng(3).normal(size=(2, 6, 6)))
    # auto_pad SAME needs the size: a dynamic model says so and takes input_shape
    same = Chain(1, 5, 5, np.random.default_rng(1), dynamic=True)
    same.node("Conv", same.constant(np.ones((1, 1, 3, 3))), kernel_shape=[3, 3], auto_pad="SAME_UPPER", strides=[2, 2])
    with pytest.raises(ca.OnnxModelError, match=r"auto_pad=SAME_UPPER, which needs the input's height and width"):
        ca.from_onnx(same.model())
    layers = ca.from_onnx(same.model(), input_shape=(1, 5, 5))
    x = np.random.default_rng(4).normal(size=(1, 5, 5)).astype(np.float32)
    np.testing.assert_allclose(ca.run_pipeline(x, layers)[-1].output, runtime(same.model(), x[None])[0], rtol=1e-5,
                               atol=1e-5)


@pytest.fixture
def exported(tmp_path):
    """A small CNN exported by torch.onnx.export (the TorchScript exporter), with its torch output."""
    torch.manual_seed(5)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                              torch.nn.MaxPool2d(2), torch.nn.Conv2d(4, 6, 3, stride=2), torch.nn.LeakyReLU(0.2),
                              torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Dropout(),
                              torch.nn.Linear(6, 10), torch.nn.Softmax(dim=1))
    with torch.no_grad():
        net[1].running_mean.uniform_(-1, 1)
        net[1].running_var.uniform_(0.2, 2)
    net.eval()
    path = tmp_path / "cnn.onnx"
    torch.onnx.export(net, torch.zeros(1, 3, 12, 12), str(path), dynamo=False, input_names=["image"],
                      output_names=["scores"])
    return net, path


def test_a_model_exported_from_torch(exported):
    net, path = exported
    layers = ca.from_onnx(path)
    assert ca.onnx_input_shape(path) == (3, 12, 12)
    x = np.random.default_rng(6).normal(size=(3, 12, 12)).astype(np.float32)
    with torch.no_grad():
        expected = net(torch.from_numpy(x)[None]).numpy()[0]
    np.testing.assert_allclose(ca.run_pipeline(x, layers)[-1].output, expected, rtol=1e-5, atol=1e-6)
    model = onnx.load(str(path))
    np.testing.assert_allclose(ca.run_pipeline(x, layers)[-1].output, runtime(model, x[None])[0], rtol=1e-5, atol=1e-6)


def branching_model():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    nodes = [helper.make_node("Relu", ["x"], ["a"], name="left"), helper.make_node("Sigmoid", ["x"], ["b"], name="right"),
             helper.make_node("Add", ["a", "b"], ["y"], name="join")]
    return helper.make_model(helper.make_graph(nodes, "branch", [x], [y]), opset_imports=[helper.make_opsetid("", OPSET)])


def test_refusals_name_the_node_or_the_file(tmp_path):
    with pytest.raises(ca.OnnxModelError, match=r"tensor 'x' is read by 2 nodes \('left' \(Relu\), 'right' "
                                                r"\(Sigmoid\)\): only a chain"):
        ca.from_onnx(branching_model())
    chain = Chain(1, 4, 4, np.random.default_rng(0))
    chain.node("Erf")
    with pytest.raises(ca.OnnxModelError, match=r"node 'erf1' has op type Erf, which is not supported; supported: "
                                                r"Conv, Relu, "):
        ca.from_onnx(chain.model())
    chain = Chain(1, 4, 4, np.random.default_rng(0))
    chain.node("Reshape", _shape_of(chain, [1, 2, 8]))
    with pytest.raises(ca.OnnxModelError, match=r"node 'reshape2' \(Reshape\) to shape \[1, 2, 8\] is not supported"):
        ca.from_onnx(chain.model())
    chain = Chain(1, 4, 4, np.random.default_rng(0))
    chain.node("Flatten", axis=1)
    chain.node("Gemm", chain.constant(np.ones((5, 3))), chain.constant(np.ones(3)))  # 5 inputs for 16 values
    with pytest.raises(ca.OnnxModelError, match=r"node 'gemm4' \(Gemm\) has a weight of shape \(5, 3\) for a "
                                                r"vector of 16 values"):
        ca.from_onnx(chain.model())
    bad = tmp_path / "photo.onnx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n not a model at all")
    with pytest.raises(ca.OnnxModelError, match=r"photo.onnx is not an ONNX model"):
        ca.from_onnx(bad)
    with pytest.raises(FileNotFoundError, match=r"ONNX model not found: .*none.onnx"):
        ca.from_onnx(tmp_path / "none.onnx")


def _shape_of(chain, target):
    """A Reshape's target as an int64 initializer (ONNX wants int64 shapes)."""
    chain.count += 1
    name = f"shape{chain.count}"
    chain.inits.append(numpy_helper.from_array(np.array(target, dtype=np.int64), name))
    return name


def test_import_convanim_does_not_import_onnx():
    import subprocess
    import sys

    code = "import sys, convanim; assert 'onnx' not in sys.modules and 'onnxruntime' not in sys.modules; print('ok')"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "ok"
