"""The app's four samplers (src-main/core/tasks/samplers/) and its epoch of tuples
(samplers/dataset.ts), ported line by line: with the app's random numbers (rng.py), its motion scores
(exported in the bundle) and the same seed, they pick the app's very tuples: the same videos, frame
indices, crops, flips, channels and labels. A tuple says what to show; data.py renders the pixels.

A tuple: {"video": id, "label": int, "size": (width, height), "elements": [[view, ...], ...]}, one
list of views per element (S&L and OPN: one frame, O3N: a subsequence, VCOP: a clip), each view
{"frame": index, "crop": (x, y, w, h), "flip": bool, "channel": None or 0..2}."""
import math

import numpy as np

from .rng import create_rng


def js_round(value):
    """JavaScript's Math.round: halves round up (Python's round() would round them to even)."""
    return math.floor(value + 0.5)


# --- permutations (src-main/core/tasks/permutations.ts) -------------------------------------------

def permutation_from_rank(n, rank):
    """The permutation of 0..n-1 with lexicographic rank `rank`."""
    unused, result = list(range(n)), []
    for i in range(n - 1, -1, -1):
        block = math.factorial(i)
        result.append(unused.pop(rank // block))
        rank %= block
    return result


def permutation_rank(p):
    return sum(sum(1 for later in p[i + 1:] if later < p[i]) * math.factorial(len(p) - 1 - i) for i in range(len(p)))


def order_class_of(p):
    """OPN's class: an order and its reverse share one, numbered by their canonical (smaller) rank."""
    n = len(p)
    canonical = [permutation_rank(min(q, q[::-1])) for q in (permutation_from_rank(n, r) for r in range(math.factorial(n)))]
    return sorted(set(canonical)).index(canonical[permutation_rank(p)])


# --- crops (src-main/core/tasks/crops.ts); sizes and frames are (width, height) -------------------

def clamp(value, low, high):
    return min(max(value, low), high)


def fit_inside(size, frame):
    return min(size[0], frame[0]), min(size[1], frame[1])


def crop_around(cx, cy, size, frame):
    width, height = fit_inside(size, frame)
    return (clamp(js_round(cx - width / 2), 0, frame[0] - width), clamp(js_round(cy - height / 2), 0, frame[1] - height), width, height)


def centre_crop(size, frame):
    return crop_around(frame[0] / 2, frame[1] / 2, size, frame)


def random_crop(size, frame, rng):
    width, height = fit_inside(size, frame)
    x = rng.int(0, frame[0] - width + 1)
    y = rng.int(0, frame[1] - height + 1)
    return (x, y, width, height)


def jitter_crop(crop, shift, frame, rng):
    x, y, width, height = crop
    x = clamp(x + rng.int(-shift, shift + 1), 0, frame[0] - width)
    y = clamp(y + rng.int(-shift, shift + 1), 0, frame[1] - height)
    return (x, y, width, height)


# --- motion (src-main/core/tasks/motion.ts) --------------------------------------------------------

def high_motion_window_starts(scores, length, top_fraction):
    """Starts of the most moving windows of `length` frames (every start when nothing moves)."""
    count = len(scores) - length + 1
    if count <= 0:
        return []
    cumulative = [0.0]
    for score in scores:
        cumulative.append(cumulative[-1] + float(score))
    if length > 1:
        motions = [(cumulative[start + length] - cumulative[start + 1]) / (length - 1) for start in range(count)]
    else:
        motions = [cumulative[start + 1] - cumulative[start] for start in range(count)]
    if not any(motion > 0 for motion in motions):
        return list(range(count))
    threshold = sorted(motions, reverse=True)[max(1, math.ceil(top_fraction * count)) - 1]
    return [start for start, motion in enumerate(motions) if motion >= threshold and motion > 0]


def grid_over_frames(cells, start, end):
    """The mean cell grid over frames [start, end), summed in float32 as the app sums it."""
    values = np.zeros(cells.shape[1:], dtype=np.float32)
    for frame in range(start, end):
        values = values + cells[frame]
    return (values.astype(np.float64) / (end - start)).astype(np.float32)


def motion_aware_patch(grid, frame, patch):
    """OPN's patch: centred on the busiest block of cells (the mean of equally busy ones)."""
    rows, cols = grid.shape
    width, height = fit_inside(patch, frame)
    cell_width, cell_height = frame[0] / cols, frame[1] / rows
    block_cols = clamp(js_round(width / cell_width), 1, cols)
    block_rows = clamp(js_round(height / cell_height), 1, rows)
    sums = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for row in range(rows):
        for col in range(cols):
            sums[row + 1][col + 1] = float(grid[row, col]) + sums[row][col + 1] + sums[row + 1][col] - sums[row][col]
    blocks = []
    for row in range(rows - block_rows + 1):
        for col in range(cols - block_cols + 1):
            bottom, right = row + block_rows, col + block_cols
            blocks.append((row, col, sums[bottom][right] - sums[row][right] - sums[bottom][col] + sums[row][col]))
    most = max(block[2] for block in blocks)
    busiest = [block for block in blocks if block[2] >= most - 1e-9 * max(1, abs(most))]
    centre_col = sum(block[1] for block in busiest) / len(busiest) + block_cols / 2
    centre_row = sum(block[0] for block in busiest) / len(busiest) + block_rows / 2
    return crop_around(centre_col * cell_width, centre_row * cell_height, (width, height), frame)


# --- windows (src-main/core/tasks/samplers/windows.ts) --------------------------------------------

def spaced_frames_needed(count, min_gap):
    return (count - 1) * min_gap + 1


def choose_window_start(frame_count, motion, length, top_fraction, rng):
    if motion is None:
        return rng.int(0, frame_count - length + 1)
    starts = high_motion_window_starts(motion, length, top_fraction)
    return starts[rng.int(0, len(starts))]


def spaced_offsets(count, span, min_gap, rng):
    """`count` sorted offsets in [0, span), at least min_gap apart (Floyd's draw, then the gaps back)."""
    compressed = span - (count - 1) * (min_gap - 1)
    chosen = []
    for j in range(compressed - count, compressed):
        candidate = rng.int(0, j + 1)
        chosen.append(j if candidate in chosen else candidate)
    return [value + i * (min_gap - 1) for i, value in enumerate(sorted(chosen))]


def spaced_frames(frame_count, motion, count, config, rng):
    window = min(config["windowFrames"], frame_count)
    start = choose_window_start(frame_count, motion, window, config["motionTopFraction"], rng)
    return [start + offset for offset in spaced_offsets(count, window, config["minGap"], rng)]


def _view(frame, crop, flip=False, channel=None):
    return {"frame": frame, "crop": crop, "flip": flip, "channel": channel}


def _frame_of(slot):
    return slot["width"], slot["height"]


# --- the samplers: frames needed, one tuple, one batch ---------------------------------------------

class OrderVerification:
    """Shuffle & Learn: (b, c, d) is correct (1); (b, a, d) and (b, e, d) are wrong (0)."""
    SHOWS = {"positive": (1, 2, 3), "negative-before": (1, 0, 3), "negative-after": (1, 4, 3)}

    @staticmethod
    def frames_needed(config):
        return spaced_frames_needed(5, config["minGap"])

    @classmethod
    def build(cls, slot, rng, config, kind):
        candidates = spaced_frames(slot["frameCount"], slot["motion"], 5, config, rng)
        size = (config["cropSize"], config["cropSize"])
        crop = random_crop(size, _frame_of(slot), rng)
        elements = [[_view(candidates[index], crop)] for index in cls.SHOWS[kind]]
        return {"video": slot["id"], "label": 1 if kind == "positive" else 0, "size": size, "elements": elements}

    @staticmethod
    def negative(rng):
        return "negative-before" if rng.chance(0.5) else "negative-after"

    @classmethod
    def batch(cls, slots, rng, config):
        """Exactly round(ratio x batch) negatives per batch, shuffled, as the paper sets them."""
        kinds_rng = rng.fork("kinds")
        negatives = js_round(config["negativeRatio"] * len(slots))
        kinds = kinds_rng.shuffle([cls.negative(kinds_rng) if i < negatives else "positive" for i in range(len(slots))])
        return [cls.build(slot, rng.fork(i), config, kinds[i]) for i, slot in enumerate(slots)]


class SequenceSorting:
    """OPN: 4 frames in one of 24 orders, 12 classes; motion-aware patch, jitter, flip, channel split."""

    @staticmethod
    def frames_needed(config):
        return spaced_frames_needed(4, config["minGap"])

    @staticmethod
    def build(slot, rng, config):
        frame = _frame_of(slot)
        frames = spaced_frames(slot["frameCount"], slot["motion"], 4, config, rng)
        order = permutation_from_rank(4, rng.int(0, 24))
        size = (config["patchSize"], config["patchSize"])
        if slot["cells"] is None:
            patch = random_crop(size, frame, rng)
        else:
            patch = motion_aware_patch(grid_over_frames(slot["cells"], frames[0] + 1, frames[-1] + 1), frame, size)
        flip = bool(config["flip"]) and rng.chance(0.5)
        elements = []
        for rank in order:
            crop = jitter_crop(patch, config["jitter"], frame, rng)
            channel = rng.int(0, 3) if config["channelSplit"] else None
            elements.append([_view(frames[rank], crop, flip, channel)])
        return {"video": slot["id"], "label": order_class_of(order), "size": size, "elements": elements}


class OddOneOut:
    """O3N: N + 1 subsequences, one shown in a wrong order; its position is the label."""

    @staticmethod
    def frames_needed(config):
        return spaced_frames_needed(config["framesPerSubsequence"], config["frameStride"])

    @classmethod
    def starts(cls, slot, config, rng):
        span, starts = cls.frames_needed(config), []
        for _ in range(config["subsequences"]):
            start = choose_window_start(slot["frameCount"], slot["motion"], span, config["motionTopFraction"], rng)
            tries = 1
            while tries < 10 and start in starts:  # distinct where the video has room
                start = choose_window_start(slot["frameCount"], slot["motion"], span, config["motionTopFraction"], rng)
                tries += 1
            starts.append(start)
        return starts

    @classmethod
    def build(cls, slot, rng, config):
        length = config["framesPerSubsequence"]
        odd = rng.int(0, config["subsequences"])
        odd_order = permutation_from_rank(length, rng.int(1, math.factorial(length)))
        size = (config["cropSize"], config["cropSize"])
        elements = []
        for index, start in enumerate(cls.starts(slot, config, rng)):
            in_order = [start + i * config["frameStride"] for i in range(length)]
            shown = [in_order[rank] for rank in odd_order] if index == odd else in_order
            crop = random_crop(size, _frame_of(slot), rng)
            elements.append([_view(frame, crop) for frame in shown])
        return {"video": slot["id"], "label": odd, "size": size, "elements": elements}


class ClipOrder:
    """VCOP: clips at a uniform start, shown in one of clips! orders (the label is its rank)."""

    @staticmethod
    def frames_needed(config):
        return config["clips"] * config["clipLength"] + (config["clips"] - 1) * config["interval"]

    @classmethod
    def build(cls, slot, rng, config):
        start = rng.int(0, slot["frameCount"] - cls.frames_needed(config) + 1)
        label = rng.int(0, math.factorial(config["clips"]))
        size = (config["cropSize"], config["cropSize"])
        elements = []
        for clip in permutation_from_rank(config["clips"], label):
            first = start + clip * (config["clipLength"] + config["interval"])
            crop = centre_crop(size, _frame_of(slot)) if config["mode"] == "eval" else random_crop(size, _frame_of(slot), rng)
            elements.append([_view(first + i, crop) for i in range(config["clipLength"])])
        return {"video": slot["id"], "label": label, "size": size, "elements": elements}


SAMPLERS = {"order-verification": OrderVerification, "sequence-sorting": SequenceSorting, "odd-one-out": OddOneOut, "clip-order": ClipOrder}


def sampler_for(config):
    if config["task"] not in SAMPLERS:
        raise ValueError(f"no sampler for task {config['task']!r}")
    return SAMPLERS[config["task"]]


def sample_batch(sampler, slots, rng, config):
    if hasattr(sampler, "batch"):
        return sampler.batch(slots, rng, config)
    return [sampler.build(slot, rng.fork(i), config) for i, slot in enumerate(slots)]


def sample_epoch(videos, config, seed, epoch, count, batch_size):
    """The app's epoch `epoch` of `count` tuples (createBatchPipeline + sampleEpoch). `videos`: slots
    {"id", "frameCount", "width", "height", "motion" (scores or None), "cells" ([frames, rows, cols]
    or None)} in the app's order (videos.csv's). Shuffled passes over the usable videos, then batches,
    every choice from its own fork of the seed."""
    rng = create_rng(seed).fork(f"epoch:{epoch}")
    sampler = sampler_for(config)
    usable = [video for video in videos if video["frameCount"] >= sampler.frames_needed(config)]
    if not usable:
        return []
    order_rng = rng.fork("order")
    passes = math.ceil(count / len(usable))
    slots = [video for index in range(passes) for video in order_rng.fork(index).shuffle(usable)][:count]
    batches = [slots[start : start + batch_size] for start in range(0, len(slots), batch_size)]
    return [tuple_ for index, batch in enumerate(batches) for tuple_ in sample_batch(sampler, batch, rng.fork(f"batch:{index}"), config)]
