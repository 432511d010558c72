"""Videos and tuples as the app makes them: frames decoded by ffmpeg at a fixed 25 fps and squashed to
the task's frame size (bilinear); the app's epochs of tuples (sampling.py, same seed, same motion
scores, so the same tuples); each frame view rendered as the app renders it (src-main/core/frames/
augment.ts: crop, bilinear resize with aligned pixel centres, mirror, channel split)."""
import csv
import os
import subprocess
from collections import OrderedDict

import numpy as np
import torch

from .sampling import sample_epoch

SAMPLING_FPS = 25


def read_videos(bundle, split, roots, motion_grid=None):
    """The bundle's videos of `split` ("train" / "validation") in the app's order, as sampling slots:
    absolute paths (root index -> folder), frame counts, and the motion the app sampled with
    (motion/ID.f32: per frame the score, then the grid's cells) when the bundle carries it."""
    with open(os.path.join(bundle, "videos.csv"), newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["split"] == split]
    videos = []
    for row in rows:
        video = {"id": int(row["id"]), "path": os.path.join(roots[int(row["root"])], row["path"]), "frameCount": int(row["frames"]), "motion": None, "cells": None}
        if motion_grid is not None:
            grid = (motion_grid["rows"], motion_grid["cols"])
            values = np.fromfile(os.path.join(bundle, "motion", f"{row['id']}.f32"), dtype="<f4").reshape(video["frameCount"], 1 + grid[0] * grid[1])
            video["motion"], video["cells"] = values[:, 0].copy(), values[:, 1:].reshape(-1, *grid).copy()
        videos.append(video)
    return videos


def decode(path, width, height, ffmpeg="ffmpeg"):
    """Every frame of `path` at 25 fps, scaled to width x height: uint8 [frames, height, width, 3]."""
    command = [ffmpeg, "-nostdin", "-v", "error", "-i", path, "-map", "0:V:0",
               "-vf", f"fps=fps={SAMPLING_FPS},scale={width}:{height}:flags=bilinear",
               "-vsync", "passthrough", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"]
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"ffmpeg cannot decode {path}: {result.stderr.decode(errors='replace').strip()}")
    return np.frombuffer(result.stdout, dtype=np.uint8).reshape(-1, height, width, 3)


def _axis_samples(start, length, out_length):
    """Per output pixel: the two source pixels to blend and the second's weight (float32, as the app stores it)."""
    position = np.clip((np.arange(out_length) + 0.5) * (length / out_length) - 0.5, 0, length - 1)
    low = np.floor(position).astype(np.int64)
    weight = (position - low).astype(np.float32).astype(np.float64)
    return start + low, start + np.minimum(low + 1, length - 1), weight


def crop_resize(frame, crop, size):
    """`crop` (x, y, w, h) of an RGB frame resized bilinearly to size (w, h), rounded as the app rounds."""
    x, y, w, h = crop
    if (w, h) == tuple(size):
        return frame[y : y + h, x : x + w]
    x0, x1, wx = _axis_samples(x, w, size[0])
    y0, y1, wy = _axis_samples(y, h, size[1])
    pixels = frame.astype(np.float64)
    top_left, top_right = pixels[y0][:, x0], pixels[y0][:, x1]
    bottom_left, bottom_right = pixels[y1][:, x0], pixels[y1][:, x1]
    wx, wy = wx[None, :, None], wy[:, None, None]
    upper = top_left + (top_right - top_left) * wx
    lower = bottom_left + (bottom_right - bottom_left) * wx
    return np.floor(upper + (lower - upper) * wy + 0.5).astype(np.uint8)


def render_view(frames, view, size):
    """One frame view as the network sees it: crop -> resize -> mirror -> channel split."""
    if view["frame"] >= len(frames):
        raise ValueError(f"frame {view['frame']} asked of a video of {len(frames)} frames: it decodes shorter here than in the app")
    rgb = crop_resize(frames[view["frame"]], view["crop"], size)
    if view["flip"]:
        rgb = rgb[:, ::-1]
    if view["channel"] is not None:
        rgb = np.repeat(rgb[:, :, view["channel"] : view["channel"] + 1], 3, axis=2)
    return rgb


class AppTuples:
    """This process's share of the app's training tuples. Epoch e is the app's epoch e (stepsPerEpoch
    batches of the global batch size, sampled from the seed); each global batch is split into
    world-size consecutive slices, this rank taking its own, so the processes together train on
    exactly the batches the app would."""

    def __init__(self, videos, config, steps_per_epoch, frame_size, rank, world_size, cached_videos=8):
        if config["batchSize"] % world_size:
            raise ValueError(f"batch size {config['batchSize']} does not split over {world_size} processes")
        self.videos, self.config, self.steps_per_epoch = videos, config, steps_per_epoch
        self.frame_size, self.rank, self.per_rank = frame_size, rank, config["batchSize"] // world_size
        self.slots = [dict(video, width=frame_size["width"], height=frame_size["height"]) for video in videos]
        self.by_id = {video["id"]: video for video in videos}
        self.cached_videos, self.cache = cached_videos, OrderedDict()
        self.epoch, self.tuples = None, []

    def frames(self, video_id):
        path = self.by_id[video_id]["path"]
        if path not in self.cache:
            self.cache[path] = decode(path, self.frame_size["width"], self.frame_size["height"])
            while len(self.cache) > self.cached_videos:
                self.cache.popitem(last=False)
        self.cache.move_to_end(path)
        return self.cache[path]

    def render(self, tuple_):
        frames = self.frames(tuple_["video"])
        return np.stack([np.stack([render_view(frames, view, tuple_["size"]) for view in element]) for element in tuple_["elements"]])

    def batch(self, step):
        """Step `step` (0-based) of training: this rank's inputs uint8 [b, elements, frames, h, w, 3] and labels."""
        epoch, index = divmod(step, self.steps_per_epoch)
        batch_size = self.config["batchSize"]
        if epoch != self.epoch:
            self.epoch = epoch
            self.tuples = sample_epoch(self.slots, self.config["task"], self.config["seed"], epoch, self.steps_per_epoch * batch_size, batch_size)
            if not self.tuples:
                raise ValueError("no video can host a tuple of this task: every one is too short")
        first = index * batch_size + self.rank * self.per_rank
        mine = self.tuples[first : first + self.per_rank]
        inputs = torch.from_numpy(np.stack([self.render(tuple_) for tuple_ in mine]))
        return inputs, torch.tensor([tuple_["label"] for tuple_ in mine])
