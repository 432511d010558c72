"""Encoder features of clips with a checkpoint, as the app's encoder computes them (global average
pool of the last stage): for checking an import, or for using the weights in PyTorch.

    python3 features.py CHECKPOINT.safetensors CLIPS.f32 --shape N T H W 3 --out features.json
CLIPS.f32: float32 [n, t, h, w, 3] in [0, 1], channels last, as the app decodes frames."""
import argparse
import json

import numpy as np
import torch

from pretext_torch import safetensors_io
from pretext_torch.models import ClipOrderNet, to_network_input


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("clips")
    parser.add_argument("--shape", type=int, nargs=5, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    tensors, metadata = safetensors_io.load(args.checkpoint)
    config = json.loads(metadata["config"])
    model = ClipOrderNet(config["backbone"], config["width"], config["task"]["clips"], config["dropout"])
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    missing = [name for name in missing if not name.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise SystemExit(f"{args.checkpoint} does not fit the model: missing {missing}, unexpected {unexpected}")
    model.eval()
    clips = torch.from_numpy(np.fromfile(args.clips, dtype=np.float32).reshape(args.shape))
    with torch.no_grad():
        features = model.encoder(to_network_input(clips))
    with open(args.out, "w") as handle:
        json.dump(features.tolist(), handle)


if __name__ == "__main__":
    main()
