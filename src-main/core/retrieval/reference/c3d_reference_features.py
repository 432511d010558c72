"""VCOP's retrieval feature for C3D, written independently in PyTorch, for the cross-check in
reference-check.test.ts: conv5b (3x3x3 convolutions padded by 1, BatchNorm in eval mode, ReLU; max
pools (1,2,2) after conv1a and (2,2,2) after conv2a, conv3b, conv4b), then MaxPool3d(kernel (1,2,2),
stride (1,2,2)) and a channels-first flatten, as retrieve_clips.py feeds C3D(return_conv=True).

Reads  <dir>/weights.json: {"stages": [[conv names], ...], "params": {name: {"shape": [...], "data": [...]}}}
       <dir>/clip.f32: float32 [n, t, h, w, 3] in [0, 1] (channels last, as the app decodes)
       <dir>/shape.json: [n, t, h, w, 3]
Writes <dir>/torch-features.json: [[...], ...] one vector per clip.
"""
import json
import sys

import numpy as np
import torch
import torch.nn.functional as F

folder = sys.argv[1]
with open(f"{folder}/weights.json") as handle:
    model = json.load(handle)
with open(f"{folder}/shape.json") as handle:
    shape = json.load(handle)
params = {name: torch.tensor(value["data"], dtype=torch.float32).reshape(value["shape"]) for name, value in model["params"].items()}
clip = torch.from_numpy(np.fromfile(f"{folder}/clip.f32", dtype=np.float32).reshape(shape))

# Channels last -> PyTorch's N, C, T, H, W; the app's network maps [0, 1] to [-1, 1] first.
x = clip.permute(0, 4, 1, 2, 3) * 2 - 1
pools = [(1, 2, 2), (2, 2, 2), (2, 2, 2), (2, 2, 2), None]
with torch.no_grad():
    for stage, pool in zip(model["stages"], pools):
        for name in stage:
            # tfjs kernels are [t, h, w, in, out]; PyTorch's [out, in, t, h, w].
            weight = params[f"{name}/kernel"].permute(4, 3, 0, 1, 2).contiguous()
            x = F.conv3d(x, weight, bias=None, stride=1, padding=1)
            x = F.batch_norm(
                x,
                params[f"{name}/bn/running_mean"],
                params[f"{name}/bn/running_variance"],
                params[f"{name}/bn/gamma"],
                params[f"{name}/bn/beta"],
                training=False,
                eps=1e-5,
            )
            x = F.relu(x)
        if pool is not None:
            x = F.max_pool3d(x, kernel_size=pool, stride=pool)
    x = F.max_pool3d(x, kernel_size=(1, 2, 2), stride=(1, 2, 2))
    features = x.reshape(x.shape[0], -1)

with open(f"{folder}/torch-features.json", "w") as handle:
    json.dump(features.tolist(), handle)

