"""The app's task networks (src-main/core/models/frame-encoder.ts, clip-encoders.ts, task-models.ts)
in PyTorch: the AlexNet-style frame encoder with the heads of Shuffle & Learn, OPN and O3N, and VCOP's
3D encoders with its head.

Names: every parameter is named as the app's weight with "/" -> "." and kernel/gamma -> weight,
beta -> bias, running_variance -> running_var, so `pretext import-weights` maps them one to one.
Padding: the app pads like TensorFlow ("same": the extra pixel of an odd total goes after), which
differs from PyTorch's symmetric padding for strided convolutions; every conv and pool here pads
explicitly the TensorFlow way, so the same weights give the same features on both sides.
"""
import itertools
import math

import torch
import torch.nn.functional as F
from torch import nn


def scaled_width(base, width):
    """The app's Math.round: halves round up (Python's round() would round 1.5 and 2.5 both to 2)."""
    return max(1, math.floor(base * width + 0.5))


def _same_padding(x, kernel, stride, value=0.0):
    """TensorFlow's 'same' padding of the last len(kernel) axes: total so that out = ceil(in / stride)."""
    pads = []
    for size, k, s in zip(reversed(x.shape[-len(kernel):]), reversed(kernel), reversed(stride)):
        total = max((math.ceil(size / s) - 1) * s + k - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads, value=value)


class Conv(nn.Module):
    """2D or 3D convolution (by the kernel's length) without bias (BatchNorm follows each one),
    TensorFlow 'same' or 'valid' padding."""

    def __init__(self, cin, cout, kernel, stride=(1, 1, 1), same=True):
        super().__init__()
        self.kernel, self.stride, self.same = tuple(kernel), tuple(stride), same
        self.weight = nn.Parameter(torch.empty(cout, cin, *kernel))
        nn.init.kaiming_normal_(self.weight, nonlinearity="relu")

    def forward(self, x):
        if self.same:
            x = _same_padding(x, self.kernel, self.stride)
        convolve = F.conv2d if len(self.kernel) == 2 else F.conv3d
        return convolve(x, self.weight, stride=self.stride)


def with_bn(module, channels, dims=3):
    """Attaches BatchNorm as `module.bn`, where the app keeps it ("conv1a/bn/gamma")."""
    norm = nn.BatchNorm2d if dims == 2 else nn.BatchNorm3d
    module.bn = norm(channels, eps=1e-5, momentum=0.1)
    return module


def max_pool_same(x, size):
    return F.max_pool3d(_same_padding(x, size, size, value=-math.inf), size, size)


class C3D(nn.Module):
    STAGES = [([64], (1, 2, 2)), ([128], (2, 2, 2)), ([256, 256], (2, 2, 2)), ([512, 512], (2, 2, 2)), ([512, 512], (2, 2, 2))]

    def __init__(self, width):
        super().__init__()
        channels, self.plan = 3, []
        for stage, (filters, pool) in enumerate(self.STAGES):
            for index, base in enumerate(filters):
                name = f"conv{stage + 1}{'ab'[index]}"
                out = scaled_width(base, width)
                setattr(self, name, with_bn(Conv(channels, out, (3, 3, 3)), out))
                self.plan.append((name, None))
                channels = out
            self.plan[-1] = (self.plan[-1][0], pool)
        self.features = channels

    def conv_map(self, x):
        """The last conv map (conv5b), before pool5."""
        for name, pool in self.plan:
            layer = getattr(self, name)
            x = F.relu(layer.bn(layer(x)))
            if pool is not None and name != self.plan[-1][0]:
                x = max_pool_same(x, pool)
        return x

    def forward(self, x):
        return max_pool_same(self.conv_map(x), self.plan[-1][1]).mean(dim=(2, 3, 4))


class SpatioTemporal(nn.Module):
    """R(2+1)D's 1xkxk spatial conv, BN, ReLU, then tx1x1 temporal conv, at the reference's middle width."""

    def __init__(self, cin, cout, kernel, stride):
        super().__init__()
        t, k = kernel[0], kernel[1]
        middle = (t * k * k * cin * cout) // (k * k * cin + t * cout)
        self.spatial = with_bn(Conv(cin, middle, (1, k, k), (1, stride[1], stride[2])), middle)
        self.temporal = Conv(middle, cout, (t, 1, 1), (stride[0], 1, 1))

    def forward(self, x):
        return self.temporal(F.relu(self.spatial.bn(self.spatial(x))))


class ResidualBlock(nn.Module):
    def __init__(self, make_conv, cin, cout, stride):
        super().__init__()
        strides = (stride,) * 3
        self.conv1 = make_conv(cin, cout, (3, 3, 3), strides)
        self.bn1 = nn.BatchNorm3d(cout)
        self.conv2 = make_conv(cout, cout, (3, 3, 3), (1, 1, 1))
        self.bn2 = nn.BatchNorm3d(cout)
        # A 1x1x1 projection needs no padding ('valid'); it samples frames 0, 2, ... like the app.
        self.downsample = with_bn(Conv(cin, cout, (1, 1, 1), strides, same=False), cout) if stride != 1 or cin != cout else None

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        shortcut = x if self.downsample is None else self.downsample.bn(self.downsample(x))
        return F.relu(out + shortcut)


class ResNet3D(nn.Module):
    """R3D (full 3x3x3 convs) or R(2+1)D (factorised): one residual block per stage, as in VCOP."""

    def __init__(self, width, factorised):
        super().__init__()
        make_conv = SpatioTemporal if factorised else Conv
        channels = scaled_width(64, width)
        self.conv1 = with_bn(make_conv(3, channels, (3, 7, 7), (1, 2, 2)), channels)
        for index, (base, stride) in enumerate([(64, 1), (128, 2), (256, 2), (512, 2)]):
            out = scaled_width(base, width)
            setattr(self, f"conv{index + 2}", ResidualBlock(make_conv, channels, out, stride))
            channels = out
        self.features = channels

    def conv_map(self, x):
        x = F.relu(self.conv1.bn(self.conv1(x)))
        for index in range(2, 6):
            x = getattr(self, f"conv{index}")(x)
        return x

    def forward(self, x):
        return self.conv_map(x).mean(dim=(2, 3, 4))


# The app's frame encoder plans: (filters at width 1, kernel, stride, 'same' padding, max pool (size, stride)).
CAFFENET = [(96, 11, 4, False, (3, 2)), (256, 5, 1, True, (3, 2)), (384, 3, 1, True, None), (384, 3, 1, True, None), (256, 3, 1, True, (3, 2))]
SMALL_FRAME_ENCODER = [(96, 5, 2, True, (2, 2)), (256, 3, 1, True, (2, 2)), (384, 3, 1, True, (2, 2))]
FC_UNITS = 4096  # fc6 and fc7 at width 1, both plans


def frame_grid(plan, side):
    """The feature map's side after the plan's last stage, or None when the input is too small."""
    for _, kernel, stride, same, pool in plan:
        side = math.ceil(side / stride) if same else (side - kernel) // stride + 1
        if pool:
            side = (side - pool[0]) // pool[1] + 1
        if side < 1:
            return None
    return side


class FrameEncoder(nn.Module):
    """S&L / OPN / O3N's AlexNet-style encoder: conv-BN-ReLU stages with max pooling (CaffeNet's from
    67 px, a three-stage version below), fc6 and fc7 with ReLU and dropout. Input: frames
    [n, h, w, 3] in [0, 1], channels last, as the app feeds it; output fc7 (or fc6 for OPN)."""

    def __init__(self, input_size, width, features, dropout):
        super().__init__()
        self.plan = CAFFENET if frame_grid(CAFFENET, input_size) else SMALL_FRAME_ENCODER
        side = frame_grid(self.plan, input_size)
        if side is None:
            raise ValueError(f"{input_size} px frames are too small for the frame encoder")
        channels = 3
        for index, (filters, kernel, stride, same, _) in enumerate(self.plan):
            out = scaled_width(filters, width)
            setattr(self, f"conv{index + 1}", with_bn(Conv(channels, out, (kernel, kernel), (stride, stride), same), out, dims=2))
            channels = out
        self.fc6 = nn.Linear(side * side * channels, scaled_width(FC_UNITS, width))
        self.fc7 = nn.Linear(self.fc6.out_features, scaled_width(FC_UNITS, width)) if features == "fc7" else None
        self.features = (self.fc7 or self.fc6).out_features
        self.dropout = nn.Dropout(dropout)

    def forward(self, frames):
        x = frames.permute(0, 3, 1, 2) * 2 - 1
        for index, (_, _, _, _, pool) in enumerate(self.plan):
            layer = getattr(self, f"conv{index + 1}")
            x = F.relu(layer.bn(layer(x)))
            if pool:
                x = F.max_pool2d(x, pool[0], pool[1])
        # The app flattens channels last: fc6's inputs are ordered (y, x, channel).
        x = self.dropout(F.relu(self.fc6(x.permute(0, 2, 3, 1).flatten(1))))
        return x if self.fc7 is None else self.dropout(F.relu(self.fc7(x)))


def order_weights(count):
    """2k - n + 1: the sum of all pairwise differences as one weighted sum (see the app's fusion.ts)."""
    return [2 * k - count + 1 for k in range(count)]


def dynamic_image(frames):
    """O3N's summary of a subsequence [n, t, h, w, 3] in [0, 1]: approximate rank pooling, centred on grey."""
    weights = order_weights(frames.shape[1])
    reach = sum(abs(weight) for weight in weights) / 2
    if reach == 0:
        return frames[:, 0]
    scaled = torch.tensor([weight / reach / 2 for weight in weights], dtype=frames.dtype).reshape(1, -1, 1, 1, 1)
    return (frames * scaled).sum(dim=1) + 0.5


def classifier(inputs, classes):
    """The app's classifier init (Caffe's): near-zero logits, so training starts at chance loss."""
    layer = nn.Linear(inputs, classes)
    nn.init.normal_(layer.weight, std=0.01)
    nn.init.zeros_(layer.bias)
    return layer


def as_unit_floats(tuples):
    return tuples.float() / 255 if tuples.dtype == torch.uint8 else tuples


class FrameTaskNet(nn.Module):
    """The frame tasks' shared part: every element of [b, elements, frames, h, w, 3] through one encoder."""

    def __init__(self, task, width, dropout, features):
        super().__init__()
        self.encoder = FrameEncoder(task["cropSize" if "cropSize" in task else "patchSize"], width, features, dropout)
        self.head = nn.Module()
        self.dropout = nn.Dropout(dropout)

    def summarise(self, elements):
        """[n, frames, h, w, 3] -> the encoder's [n, h, w, 3]: the one frame (S&L, OPN)."""
        return elements[:, 0]

    def encode(self, elements):
        return self.encoder(as_unit_floats(elements))

    def element_features(self, tuples):
        tuples = as_unit_floats(tuples)
        b, elements = tuples.shape[:2]
        return self.encoder(self.summarise(tuples.flatten(0, 1))).reshape(b, elements, -1)


class OrderVerificationNet(FrameTaskNet):
    """S&L: the three fc7 concatenated -> one linear layer (the paper) or a hidden ReLU layer first -> 2 classes."""

    def __init__(self, task, width, dropout):
        super().__init__(task, width, dropout, "fc7")
        concatenated = 3 * self.encoder.features
        if task["head"] == "hidden-layer":
            self.head.hidden = nn.Linear(concatenated, self.encoder.features)
            concatenated = self.encoder.features
        self.head.classifier = classifier(concatenated, 2)

    def forward(self, tuples):
        x = self.element_features(tuples).flatten(1)
        if hasattr(self.head, "hidden"):
            x = F.relu(self.head.hidden(x))
        return self.head.classifier(x)


class SequenceSortingNet(FrameTaskNet):
    """OPN: fc6 of each frame; each of the 6 pairs concatenated -> shared fc7 + ReLU -> dropout; concatenated -> 12 orders."""

    def __init__(self, task, width, dropout):
        super().__init__(task, width, dropout, "fc6")
        units = scaled_width(FC_UNITS, width)
        self.pairs = list(itertools.combinations(range(task["tupleFrames"]), 2))
        self.head.pair_fc7 = nn.Linear(2 * self.encoder.features, units)
        self.head.classifier = classifier(len(self.pairs) * units, math.factorial(task["tupleFrames"]) // 2)

    def forward(self, tuples):
        features = self.element_features(tuples)
        pairs = torch.stack([torch.cat([features[:, i], features[:, j]], dim=1) for i, j in self.pairs], dim=1)
        return self.head.classifier(self.dropout(F.relu(self.head.pair_fc7(pairs))).flatten(1))


class OddOneOutNet(FrameTaskNet):
    """O3N: a dynamic image per subsequence, fc7 of each, fused by concatenation or the sum of differences -> which is odd."""

    def __init__(self, task, width, dropout):
        super().__init__(task, width, dropout, "fc7")
        self.fusion = task["fusion"]
        fused = task["subsequences"] * self.encoder.features if self.fusion == "concat" else self.encoder.features
        self.head.classifier = classifier(fused, task["subsequences"])

    def summarise(self, elements):
        return dynamic_image(elements)

    def forward(self, tuples):
        features = self.element_features(tuples)
        if self.fusion == "concat":
            return self.head.classifier(features.flatten(1))
        weights = torch.tensor(order_weights(features.shape[1]), dtype=features.dtype).reshape(1, -1, 1)
        return self.head.classifier((features * weights).sum(dim=1))


def build_task_model(config):
    """The network of a run's config (run.json's `config`, or a checkpoint's)."""
    task, width, dropout = config["task"], config["width"], config["dropout"]
    frame_nets = {"order-verification": OrderVerificationNet, "sequence-sorting": SequenceSortingNet, "odd-one-out": OddOneOutNet}
    if task["task"] in frame_nets:
        if config["backbone"] != "alexnet":
            raise ValueError(f"frame tasks use the alexnet backbone, not {config['backbone']}")
        return frame_nets[task["task"]](task, width, dropout)
    if task["task"] == "clip-order":
        return ClipOrderNet(config["backbone"], width, task["clips"], dropout)
    raise ValueError(f"no network for task {task['task']!r}")


def build_encoder(backbone, width):
    if backbone == "c3d":
        return C3D(width)
    if backbone in ("r3d", "r2plus1d"):
        return ResNet3D(width, factorised=backbone == "r2plus1d")
    raise ValueError(f"backbone {backbone!r} is not supported: c3d, r3d or r2plus1d")


def to_network_input(clips):
    """uint8 or [0, 1] float clips [n, t, h, w, 3] (as decoded) -> [n, 3, t, h, w] in [-1, 1], as the app centres pixels."""
    if clips.dtype == torch.uint8:
        clips = clips.float() / 255
    return clips.permute(0, 4, 1, 2, 3) * 2 - 1


class ClipOrderNet(nn.Module):
    """VCOP: clip features; each pair (i < j) concatenated -> fc + ReLU (shared); concatenated -> dropout -> fc."""

    def __init__(self, backbone, width, clips, dropout):
        super().__init__()
        self.encoder = build_encoder(backbone, width)
        self.pairs = list(itertools.combinations(range(clips), 2))
        units = scaled_width(512, width)
        self.head = nn.Module()
        self.head.pair_fc = nn.Linear(2 * self.encoder.features, units)
        self.head.classifier = classifier(len(self.pairs) * units, math.factorial(clips))
        self.dropout = nn.Dropout(dropout)

    def encode(self, clips):
        """Clips [n, t, h, w, 3] in [0, 1] or uint8 -> the encoder's features, as the app extracts them."""
        return self.encoder(to_network_input(clips))

    def forward(self, tuples):
        """tuples: [b, clips, t, h, w, 3] in [0, 1] or uint8 -> logits [b, clips!]."""
        b, clips = tuples.shape[:2]
        features = self.encoder(to_network_input(tuples.flatten(0, 1))).reshape(b, clips, -1)
        pairs = torch.stack([torch.cat([features[:, i], features[:, j]], dim=1) for i, j in self.pairs], dim=1)
        return self.head.classifier(self.dropout(F.relu(self.head.pair_fc(pairs)).flatten(1)))


def app_state_dict(model):
    """The weights the app imports: num_batches_tracked (PyTorch bookkeeping) left out."""
    return {name: tensor for name, tensor in model.state_dict().items() if not name.endswith("num_batches_tracked")}
