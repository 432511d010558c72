"""Loads a Pretext Studio feature-set export into FiftyOne: one video sample per library video with
its label (`ground_truth`), its embedding (`embedding`), its side of the evaluation split (a
`train` / `test` tag), and for each test video the retrieval the app scored (`retrieved`: the
nearest training videos' labels with their cosine similarity, `first_match_rank`).

    python3 load_fiftyone.py EXPORT_FOLDER [--name NAME] [--visualize]

--visualize also computes a 2D map of the embeddings with FiftyOne Brain. Needs `fiftyone`
(pip install fiftyone) and numpy; the videos must lie where samples.json says (edit `filepath` if
they moved)."""
import argparse
import json
import os

import numpy as np


def read_export(folder):
    """(samples.json as a dict, the embeddings [samples, features]), checked against each other."""
    with open(os.path.join(folder, "samples.json")) as handle:
        export = json.load(handle)
    embeddings = np.load(os.path.join(folder, "embeddings.npy"))
    if embeddings.shape[0] != len(export["samples"]):
        raise SystemExit(f"embeddings.npy has {embeddings.shape[0]} rows for {len(export['samples'])} samples")
    return export, embeddings


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--name", help="the FiftyOne dataset's name (default: the feature set's)")
    parser.add_argument("--visualize", action="store_true")
    args = parser.parse_args()
    export, embeddings = read_export(args.folder)

    import fiftyone as fo  # imported late: --help and the checks above work without it

    dataset = fo.Dataset(args.name or export["set"]["name"])
    dataset.info = {"pretext_set": export["set"], "evaluation": export["evaluation"]}
    samples = []
    for entry in export["samples"]:
        sample = fo.Sample(filepath=entry["filepath"], tags=[entry["split"]], video_id=entry["video_id"])
        if entry["label"] is not None:
            sample["ground_truth"] = fo.Classification(label=entry["label"])
        sample["embedding"] = embeddings[entry["embedding_index"]].tolist()
        retrieval = entry["retrieval"]
        if retrieval is not None:
            sample["retrieved"] = fo.Classifications(classifications=[
                fo.Classification(label=n["label"] or "(unlabelled)", confidence=n["similarity"], video_id=n["video_id"])
                for n in retrieval["neighbours"]])
            sample["first_match_rank"] = retrieval["first_match_rank"]
        samples.append(sample)
    dataset.add_samples(samples)
    if args.visualize:
        import fiftyone.brain as fob
        fob.compute_visualization(dataset, embeddings=embeddings, brain_key="pretext_embeddings")
    print(f"loaded {len(dataset)} videos into FiftyOne dataset {dataset.name!r}")


if __name__ == "__main__":
    main()
