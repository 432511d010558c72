"""Trains the exported run under torchrun: one process per device (nccl on GPUs, gloo on CPU), each
global batch (the app's, from the run's seed) split over the processes, gradients averaged by
DistributedDataParallel, safetensors checkpoints written by rank 0 into <out>/checkpoints/. See
README.md for launching on one node or several."""
import argparse
import json
import os
import time

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from pretext_torch import safetensors_io
from pretext_torch.data import AppTuples, read_videos
from pretext_torch.models import app_state_dict, build_task_model


def parse():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", default=here, help="the exported bundle (run.json, videos.csv)")
    parser.add_argument("--root", action="append", default=[], metavar="INDEX=FOLDER",
                        help="where import root INDEX (see roots.json) lies on this machine; repeatable")
    parser.add_argument("--out", default=os.path.join(here, "output"))
    parser.add_argument("--steps", type=int, help="optimiser steps (default: the run's)")
    parser.add_argument("--batch-size", type=int, help="tuples per step over all processes (default: the run's)")
    parser.add_argument("--checkpoint-every", type=int, help="default: the run's")
    return parser.parse_args()


def roots_for(bundle, overrides):
    with open(os.path.join(bundle, "roots.json")) as handle:
        roots = [entry["path"] for entry in json.load(handle)]
    for override in overrides:
        index, _, folder = override.partition("=")
        roots[int(index)] = folder
    return roots


def save_checkpoint(model, config, step, out):
    folder = os.path.join(out, "checkpoints")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"step-{step:07d}.safetensors")
    metadata = {"format": "pretext-studio/torch-bundle", "config": json.dumps(config), "step": str(step)}
    safetensors_io.save(app_state_dict(model), path + ".tmp", metadata)
    os.replace(path + ".tmp", path)  # a kill mid-write leaves no half checkpoint
    return path


def main():
    args = parse()
    cuda = torch.cuda.is_available()
    dist.init_process_group("nccl" if cuda else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    with open(os.path.join(args.bundle, "run.json")) as handle:
        run = json.load(handle)
    config, task = run["config"], run["config"]["task"]
    steps = args.steps or config["steps"]
    batch = args.batch_size or config["batchSize"]
    every = args.checkpoint_every or config["checkpointEvery"]
    # What this training really did, stored with each checkpoint (the app imports it as the run's config).
    config = dict(config, steps=steps, batchSize=batch, checkpointEvery=every)

    torch.manual_seed(config["seed"])  # the same initial weights in every process
    model = build_task_model(config).to(device)
    ddp = DistributedDataParallel(model, device_ids=[local_rank] if cuda else None)
    optimiser = torch.optim.SGD(model.parameters(), lr=config["learningRate"], momentum=config["momentum"], weight_decay=config["weightDecay"])
    videos = read_videos(args.bundle, "train", roots_for(args.bundle, args.root), run.get("motionGrid"))
    tuples = AppTuples(videos, config, run["stepsPerEpoch"], task["frameSize"], rank, world)

    started = time.time()
    for step in range(1, steps + 1):
        inputs, labels = tuples.batch(step - 1)
        logits = ddp(inputs.to(device))
        loss = torch.nn.functional.cross_entropy(logits, labels.to(device))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if rank == 0:
            print(json.dumps({"step": step, "loss": round(loss.item(), 4), "seconds": round(time.time() - started, 1)}), flush=True)
            if step % every == 0 or step == steps:
                print(json.dumps({"checkpoint": save_checkpoint(model, config, step, args.out)}), flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
