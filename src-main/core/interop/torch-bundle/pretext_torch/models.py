"""The app's VCOP network (src-main/core/models/clip-encoders.ts and task-models.ts) in PyTorch.

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
    return max(1, round(base * width))


def _same_padding(x, kernel, stride, value=0.0):
    """TensorFlow's 'same' padding of the last three axes: total so that out = ceil(in / stride)."""
    pads = []
    for size, k, s in zip(reversed(x.shape[-3:]), reversed(kernel), reversed(stride)):
        total = max((math.ceil(size / s) - 1) * s + k - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads, value=value)


class Conv(nn.Module):
    """Convolution without bias (BatchNorm follows each one), TensorFlow 'same' or 'valid' padding."""

    def __init__(self, cin, cout, kernel, stride=(1, 1, 1), same=True):
        super().__init__()
        self.kernel, self.stride, self.same = tuple(kernel), tuple(stride), same
        self.weight = nn.Parameter(torch.empty(cout, cin, *kernel))
        nn.init.kaiming_normal_(self.weight, nonlinearity="relu")

    def forward(self, x):
        if self.same:
            x = _same_padding(x, self.kernel, self.stride)
        return F.conv3d(x, self.weight, stride=self.stride)


def with_bn(module, channels):
    """Attaches BatchNorm as `module.bn`, where the app keeps it ("conv1a/bn/gamma")."""
    module.bn = nn.BatchNorm3d(channels, eps=1e-5, momentum=0.1)
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
        self.head.classifier = nn.Linear(len(self.pairs) * units, math.factorial(clips))
        # The app's classifier init (Caffe's): near-zero logits, so training starts at chance loss.
        nn.init.normal_(self.head.classifier.weight, std=0.01)
        nn.init.zeros_(self.head.classifier.bias)
        self.dropout = nn.Dropout(dropout)

    def forward(self, tuples):
        """tuples: [b, clips, t, h, w, 3] in [0, 1] or uint8 -> logits [b, clips!]."""
        b, clips = tuples.shape[:2]
        features = self.encoder(to_network_input(tuples.flatten(0, 1))).reshape(b, clips, -1)
        pairs = torch.stack([torch.cat([features[:, i], features[:, j]], dim=1) for i, j in self.pairs], dim=1)
        return self.head.classifier(self.dropout(F.relu(self.head.pair_fc(pairs)).flatten(1)))


def app_state_dict(model):
    """The weights the app imports: num_batches_tracked (PyTorch bookkeeping) left out."""
    return {name: tensor for name, tensor in model.state_dict().items() if not name.endswith("num_batches_tracked")}
