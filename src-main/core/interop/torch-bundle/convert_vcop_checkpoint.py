"""Converts a checkpoint of VCOP's reference implementation (xudejing/video-clip-order-prediction:
VCOPN over its C3D or R3D, as train_vcop.py saves its state dict) into safetensors that
`pretext import-weights` reads, so the paper's own model can be browsed in the app.

    python3 convert_vcop_checkpoint.py vcop_r3d.pt r3d.safetensors
    pretext import-weights r3d.safetensors --task clip-order --backbone r3d --preset paper --library L

The names map module by module (README.md, "The papers' checkpoints"); C3D's conv biases are folded
into the BatchNorm that follows each conv (BN(conv + b) with mean m equals BN(conv) with mean m - b,
in training and in evaluation). The reference feeds pixels in [0, 1], the app in [-1, 1]: the first
conv's kernel is halved and its sum over the kernel, halved, goes into the same BatchNorm mean, which
is exact except where that conv reads its zero padding (mid-grey here, black in the reference). The file states the backbone, the width (the first conv's channels
over 64) and the clips (fc8's classes = clips!), which the importer applies to the preset.
R(2+1)D is refused: the reference factorises the shortcut's 1x1x1 projection (conv, BN, ReLU, conv),
which the app's R(2+1)D does with one conv, so no weights of the app's network compute the same."""
import argparse
import math
import re

import torch

from pretext_torch import safetensors_io

HEAD = {"fc7.weight": "head.pair_fc.weight", "fc7.bias": "head.pair_fc.bias",
        "fc8.weight": "head.classifier.weight", "fc8.bias": "head.classifier.bias"}
BN_LEAVES = ("weight", "bias", "running_mean", "running_var")
C3D_LAYERS = {"conv1": "conv1a", "conv2": "conv2a", "conv3a": "conv3a", "conv3b": "conv3b",
              "conv4a": "conv4a", "conv4b": "conv4b", "conv5a": "conv5a", "conv5b": "conv5b"}


def unwrap(checkpoint):
    """The state dict of a VCOPN: saved bare, under "state_dict" / "model", or by DataParallel ("module.")."""
    for key in ("state_dict", "model"):
        if isinstance(checkpoint, dict) and isinstance(checkpoint.get(key), dict):
            checkpoint = checkpoint[key]
    return {re.sub(r"^module\.", "", name): tensor for name, tensor in checkpoint.items()}


def c3d_names():
    """Reference name -> ours, for every weight but the conv biases (folded, see fold_c3d_biases)."""
    names = {}
    for theirs, ours in C3D_LAYERS.items():
        names[f"base_network.{theirs}.weight"] = f"encoder.{ours}.weight"
        for leaf in BN_LEAVES:
            names[f"base_network.bn{theirs[4:]}.{leaf}"] = f"encoder.{ours}.bn.{leaf}"
    return names


def r3d_names():
    names = {"base_network.conv1.temporal_spatial_conv.weight": "encoder.conv1.weight"}
    names.update({f"base_network.bn1.{leaf}": f"encoder.conv1.bn.{leaf}" for leaf in BN_LEAVES})
    for stage in range(2, 6):
        theirs, ours = f"base_network.conv{stage}.block1", f"encoder.conv{stage}"
        for conv in ("conv1", "conv2"):
            names[f"{theirs}.{conv}.temporal_spatial_conv.weight"] = f"{ours}.{conv}.weight"
        names.update({f"{theirs}.bn{index}.{leaf}": f"{ours}.bn{index}.{leaf}" for index in (1, 2) for leaf in BN_LEAVES})
        if stage > 2:  # stages 3-5 halve the map and project the shortcut
            names[f"{theirs}.downsampleconv.temporal_spatial_conv.weight"] = f"{ours}.downsample.weight"
            names.update({f"{theirs}.downsamplebn.{leaf}": f"{ours}.downsample.bn.{leaf}" for leaf in BN_LEAVES})
    return names


def backbone_of(state):
    if "base_network.conv3a.weight" in state:
        return "c3d"
    if "base_network.conv1.temporal_spatial_conv.weight" in state:
        return "r3d"
    if "base_network.conv1.spatial_conv.weight" in state:
        raise ValueError("an R(2+1)D checkpoint: the reference factorises the shortcut's 1x1x1 projection "
                         "(conv, BN, ReLU, conv), the app's R(2+1)D uses one conv, so it cannot be converted")
    raise ValueError("not a VCOP checkpoint of C3D or R3D: no base_network.conv3a or base_network.conv1.temporal_spatial_conv")


def fold_c3d_biases(state, converted):
    """A conv bias b before BatchNorm is a shift of the BN's input: its running mean m becomes m - b."""
    for theirs, ours in C3D_LAYERS.items():
        bias = state.get(f"base_network.{theirs}.bias")
        if bias is not None:
            converted[f"encoder.{ours}.bn.running_mean"] = converted[f"encoder.{ours}.bn.running_mean"] - bias
    return {f"base_network.{theirs}.bias" for theirs in C3D_LAYERS}


def fold_input_range(converted, first_conv):
    """conv(W, (x + 1) / 2) = conv(W / 2, x) + sum(W) / 2: the app's [-1, 1] pixels into a [0, 1] network."""
    kernel = converted[f"{first_conv}.weight"]
    converted[f"{first_conv}.weight"] = kernel / 2
    converted[f"{first_conv}.bn.running_mean"] = converted[f"{first_conv}.bn.running_mean"] - kernel.sum(dim=(1, 2, 3, 4)) / 2


def convert(state):
    """(tensors under the app's PyTorch names, metadata) of a reference VCOPN state dict."""
    backbone = backbone_of(state)
    names = dict(c3d_names() if backbone == "c3d" else r3d_names(), **HEAD)
    missing = [name for name in names if name not in state]
    if missing:
        raise ValueError(f"the checkpoint lacks {missing[0]} ({len(missing)} reference weights missing): "
                         "VCOPN with layer sizes (1, 1, 1, 1) is expected")
    converted = {ours: state[theirs].float() for theirs, ours in names.items()}
    folded = fold_c3d_biases(state, converted) if backbone == "c3d" else set()
    extra = [name for name in state if name not in names and name not in folded and not name.endswith("num_batches_tracked")]
    if extra:
        raise ValueError(f"the checkpoint has {extra[0]}, which the app's VCOP lacks (more blocks per stage, or another head?)")
    first_conv = "encoder.conv1a" if backbone == "c3d" else "encoder.conv1"
    width = converted[f"{first_conv}.weight"].shape[0] / 64
    fold_input_range(converted, first_conv)
    classes = converted["head.classifier.weight"].shape[0]
    clips = next((n for n in range(2, 6) if math.factorial(n) == classes), None)
    if clips is None:
        raise ValueError(f"fc8 has {classes} classes, not the orders of 2 to 5 clips")
    metadata = {"format": "vcop-reference", "backbone": backbone, "width": repr(width), "clips": str(clips)}
    return converted, metadata


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", help="the reference's .pt (a VCOPN state dict)")
    parser.add_argument("out", help="the .safetensors to write")
    args = parser.parse_args()
    try:
        tensors, metadata = convert(unwrap(torch.load(args.checkpoint, map_location="cpu")))
    except ValueError as error:
        raise SystemExit(f"{args.checkpoint}: {error}") from None
    safetensors_io.save(tensors, args.out, metadata)
    print(f"wrote {args.out}: {metadata['backbone']}, width {metadata['width']}, {metadata['clips']} clips, {len(tensors)} tensors")


if __name__ == "__main__":
    main()
