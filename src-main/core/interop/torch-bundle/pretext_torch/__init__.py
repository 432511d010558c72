"""Pretext Studio's clip order prediction (VCOP) in PyTorch, for training a run exported from the app
on a cluster with torchrun. Parameter names and padding follow the app's encoders, so checkpoints
import back with `pretext import-weights`."""
