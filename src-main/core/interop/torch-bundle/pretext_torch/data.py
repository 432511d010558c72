"""Videos and VCOP tuples, as the app samples them (src-main/core/tasks/samplers/clip-order.ts):
frames decoded by ffmpeg at a fixed 25 fps and squashed to the task's frame size (bilinear); a
uniformly random start; clip k starts at start + k * (clipLength + interval); one random crop per
clip shared by its frames; the clips shown in one of clips! orders, the label being that order's
lexicographic rank. The random streams differ from the app's (another generator), the distribution
is the same."""
import csv
import itertools
import math
import os
import subprocess
from collections import OrderedDict

import numpy as np
import torch

SAMPLING_FPS = 25


def read_videos(bundle, split, roots):
    """The bundle's videos of `split` ("train" / "validation") with absolute paths: root index -> folder."""
    with open(os.path.join(bundle, "videos.csv"), newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["split"] == split]
    return [dict(row, path=os.path.join(roots[int(row["root"])], row["path"])) for row in rows]


def decode(path, width, height, ffmpeg="ffmpeg"):
    """Every frame of `path` at 25 fps, scaled to width x height: uint8 [frames, height, width, 3]."""
    command = [ffmpeg, "-nostdin", "-v", "error", "-i", path, "-map", "0:V:0",
               "-vf", f"fps=fps={SAMPLING_FPS},scale={width}:{height}:flags=bilinear",
               "-vsync", "passthrough", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"]
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"ffmpeg cannot decode {path}: {result.stderr.decode(errors='replace').strip()}")
    return np.frombuffer(result.stdout, dtype=np.uint8).reshape(-1, height, width, 3)


class ClipOrderTuples(torch.utils.data.IterableDataset):
    """Endless VCOP tuples from this rank's share of the videos (every world_size-th after a seeded
    shuffle, as DistributedSampler shards), a few decoded videos kept in memory."""

    def __init__(self, videos, task, rank, world_size, seed, cached_videos=8):
        self.task, self.cached_videos = task, cached_videos
        order = np.random.default_rng(seed).permutation(len(videos))
        self.videos = [videos[i] for i in order[rank::world_size]]
        if not self.videos:
            raise ValueError(f"rank {rank} has no video: {len(videos)} videos for {world_size} processes")
        self.rng = np.random.default_rng([seed, rank])
        self.orders = list(itertools.permutations(range(task["clips"])))
        self.cache = OrderedDict()

    def frames(self, video):
        path = video["path"]
        if path not in self.cache:
            size = self.task["frameSize"]
            self.cache[path] = decode(path, size["width"], size["height"])
            while len(self.cache) > self.cached_videos:
                self.cache.popitem(last=False)
        self.cache.move_to_end(path)
        return self.cache[path]

    def sample(self):
        task = self.task
        clips, length, interval, crop = task["clips"], task["clipLength"], task["interval"], task["cropSize"]
        span = clips * length + (clips - 1) * interval
        frames = self.frames(self.videos[self.rng.integers(len(self.videos))])
        if len(frames) < span:
            raise ValueError(f"a video has {len(frames)} frames, the task needs {span}; the app should have left it out")
        start = self.rng.integers(0, len(frames) - span + 1)
        label = int(self.rng.integers(math.factorial(clips)))
        height, width = frames.shape[1:3]
        elements = []
        for clip in self.orders[label]:
            first = start + clip * (length + interval)
            y, x = self.rng.integers(0, height - crop + 1), self.rng.integers(0, width - crop + 1)
            elements.append(frames[first : first + length, y : y + crop, x : x + crop])
        return torch.from_numpy(np.stack(elements)), label

    def __iter__(self):
        while True:
            yield self.sample()
