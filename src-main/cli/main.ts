import { parseArgs } from 'node:util';
import { ApiError } from '../shared/errors.ts';
import { runDemo } from './commands/demo.ts';
import { runImportCommand } from './commands/import.ts';
import { runList } from './commands/list.ts';
import { runSample } from './commands/sample.ts';
import { runServe } from './commands/serve.ts';
import { runExportRun, runImportWeights } from './commands/torch.ts';
import { runRuns, runTrain } from './commands/train.ts';
import { runReport } from './commands/report.ts';
import { runEval, runExportFeatures, runExtract, runRetrieve } from './commands/retrieval.ts';
import { CliError, type CommandContext } from './context.ts';

const USAGE = `Usage: pretext <command> [options]

Commands:
  import DIR --library FILE [--json]     import a folder of videos (the library is created if missing)
  list --library FILE [--json]           list the videos of a library
       [--label NAME] [--status ready|failed|missing|duplicate]
  serve --library FILE [--port N]        serve the app to a browser on 127.0.0.1
        [--host ADDRESS] [--create]
  demo --library FILE [--json]           generate a small labelled demo library with ffmpeg and import it
  sample --task TASK --library FILE      print one sampled training tuple (frame indices, crops, label)
         [--preset tiny|paper] [--video ID] [--seed N] [--json]
  train --task TASK --library FILE       train a pretext task (Ctrl-C cancels with a checkpoint)
        [--backbone alexnet|c3d|r3d|r2plus1d] [--preset tiny|paper] [--steps N] [--seed N]
        [--backend auto|gpu|node|webgpu|wasm|cpu] [--replicas N] [--json]
  train --resume RUN --library FILE      resume a cancelled, failed or interrupted run from its last checkpoint
  runs --library FILE [--json]           list training runs
       [--task TASK] [--status STATUS] [--search WORDS]
  export-run --run ID --out FOLDER       write a PyTorch training bundle of a run (torchrun, DDP; clip order)
             --library FILE [--json]
  import-weights FILE.safetensors|DIR    import PyTorch weights as a new run (a folder: its latest step-N.safetensors)
       --task TASK --backbone B --library FILE [--preset tiny|paper] [--json]
  extract --run ID|random --library FILE extract retrieval features (10 clips per video) with a run's
          [--checkpoint auto|best|last]  checkpoint (auto: the last unless the best is clearly better), or random init: --like RUN, or --task/--backbone/--preset
          [--seed N] [--json]            (default clip-order r3d tiny); only new or changed videos are redone
          [--protocol compact|vcop-reference]  compact global pooling (default) or VCOP's reference features
  retrieve --video ID --run ID|random    nearest neighbours of a video (or of one of its clips: --clip I)
           --library FILE [--k N] [--json]
  eval --run ID|random --library FILE    evaluate frozen features (labels = parent folder names):
       [--method retrieval|knn|linear]   top-1/5/10/20/50 retrieval, weighted kNN or linear probe top-1/5
       [--protocol compact|vcop-reference] [--split-seed N] [--test-fraction F] [--test-list FILE] [--json]
  eval --method finetune --run ID        fine-tune the run's encoder + a new classifier on the labelled train split
       --library FILE [--preset tiny|paper] [--steps N] [--checkpoint auto|best|last|STEP] [--seed S]
       [--split-seed N] [--test-fraction F] [--backend B] [--json]   test top-1/5, 10 clips averaged per video
  export-features --run ID|random|--set ID  write the video vectors as NumPy .npy (+ .videos.csv) or CSV,
       --library FILE [--format npy|csv|fiftyone] [--out FILE|FOLDER]   or a FiftyOne folder (samples.json,
       [--split-seed N] [--test-fraction F]   embeddings.npy, retrieval per test video, load_fiftyone.py)
  report --library FILE --out FILE.html  a self-contained paper-style report: evaluation tables with protocol
       [--split-seed N] [--test-fraction F]   and split, run configs and curves, embedding maps, versions
       [--test-list FILE] [--projection pca|umap] [--json]

Options:
  --json       print machine-readable JSON on stdout
  -h, --help   show this help`;

const COMMANDS: Record<string, (context: CommandContext) => Promise<number>> = {
  import: runImportCommand,
  list: runList,
  serve: runServe,
  demo: runDemo,
  sample: runSample,
  train: runTrain,
  runs: runRuns,
  extract: runExtract,
  retrieve: runRetrieve,
  eval: runEval,
  'export-features': runExportFeatures,
  'export-run': runExportRun,
  'import-weights': runImportWeights,
  report: runReport,
};

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      library: { type: 'string', short: 'l' },
      json: { type: 'boolean', default: false },
      port: { type: 'string' },
      host: { type: 'string' },
      create: { type: 'boolean', default: false },
      label: { type: 'string' },
      status: { type: 'string' },
      search: { type: 'string' },
      videos: { type: 'string' },
      task: { type: 'string' },
      preset: { type: 'string' },
      seed: { type: 'string' },
      video: { type: 'string' },
      backbone: { type: 'string' },
      steps: { type: 'string' },
      backend: { type: 'string' },
      replicas: { type: 'string' },
      resume: { type: 'string' },
      run: { type: 'string' },
      set: { type: 'string' },
      like: { type: 'string' },
      checkpoint: { type: 'string' },
      k: { type: 'string' },
      clip: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      'test-fraction': { type: 'string' },
      'test-list': { type: 'string' },
      'split-seed': { type: 'string' },
      method: { type: 'string' },
      protocol: { type: 'string' },
      projection: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) throw new CliError(`Unknown command "${command}".\n\n${USAGE}`, 2);
  return run({ args, options: values, json: values.json });
}

function report(error: unknown, json: boolean): number {
  const exitCode = error instanceof CliError ? error.exitCode : 1;
  const data =
    error instanceof ApiError
      ? error.toData()
      : { code: error instanceof CliError ? 'INVALID_INPUT' : 'INTERNAL', message: (error as Error).message };
  if (json) console.log(JSON.stringify({ error: data }));
  console.error(`error: ${data.message}`);
  return exitCode;
}

// `pretext list | head` closes stdout early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = report(error, argv.includes('--json'));
  },
);
