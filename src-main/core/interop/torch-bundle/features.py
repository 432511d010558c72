"""Encoder features with a checkpoint, as the app's encoder computes them (VCOP: global average pool
of the last stage; frame tasks: fc7, OPN fc6): for checking an import, or for using the weights in
PyTorch.

    python3 features.py CHECKPOINT.safetensors INPUTS.f32 --shape N [T] H W 3 --out features.json
INPUTS.f32: float32 in [0, 1], channels last, as the app decodes frames: clips [n, t, h, w, 3] for
VCOP, frames [n, h, w, 3] for the frame tasks (O3N: its dynamic images)."""
import argparse
import json

import numpy as np
import torch

from pretext_torch import safetensors_io
from pretext_torch.models import build_task_model


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("inputs")
    parser.add_argument("--shape", type=int, nargs="+", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    tensors, metadata = safetensors_io.load(args.checkpoint)
    config = json.loads(metadata["config"])
    model = build_task_model(config)
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    missing = [name for name in missing if not name.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise SystemExit(f"{args.checkpoint} does not fit the model: missing {missing}, unexpected {unexpected}")
    model.eval()
    inputs = torch.from_numpy(np.fromfile(args.inputs, dtype=np.float32).reshape(args.shape))
    with torch.no_grad():
        features = model.encode(inputs)
    with open(args.out, "w") as handle:
        json.dump(features.tolist(), handle)


if __name__ == "__main__":
    main()
