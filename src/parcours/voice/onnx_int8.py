"""Saving a float ONNX graph with per-channel dynamic int8 weights, as both encoders' graphs
(:mod:`parcours.voice.e5_graph`, :mod:`parcours.voice.use_graph`) are built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parcours._optional import require


def save_int8(onnx: Any, graph: Any, target: Path, feature: str, **nodes: list[str]) -> None:
    """Write ``graph`` to ``target`` with its ``MatMul`` weights quantised to int8 per channel
    (activations quantised per tensor at run time); ``nodes`` is onnxruntime's choice of
    products: ``nodes_to_quantize=[...]`` or ``nodes_to_exclude=[...]``."""
    quantization = require("onnxruntime.quantization", extra="voice", feature=feature)
    float_path = target.with_suffix(".float.onnx")
    onnx.save(graph, str(float_path))
    try:
        quantization.quantize_dynamic(
            str(float_path),
            str(target),
            per_channel=True,
            weight_type=quantization.QuantType.QInt8,
            op_types_to_quantize=["MatMul"],
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            **nodes,
        )
    finally:
        float_path.unlink(missing_ok=True)
