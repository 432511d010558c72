/**
 * The compute backend, chosen at run time: tfjs-node-gpu (CUDA) → tfjs-node → WebGPU (dawn.node) →
 * wasm → cpu, or the one the user forces. The optional packages are imported dynamically, so a missing
 * one costs a line in the report, never the start-up.
 *
 * Facts measured here (2-core CPU, tfjs 4.22): wasm runs XNNPACK with SIMD on one thread (tfjs starts
 * its threaded build only in browsers; forced to start in Node, two threads made a mid-size R3D or S&L
 * step 3–4 % faster, so it is not done), its memory ceiling is 4 GB, and it lacks or gets wrong kernels that
 * training needs, so `wasm-kernels.ts` registers replacements; the cpu backend is plain JavaScript,
 * 10–1000× slower than wasm per conv kernel. A software WebGPU adapter (Mesa's lavapipe, SwiftShader)
 * runs tiny training steps 2–5× slower than wasm, so 'auto' passes it by; `webgpu-backend.ts` says
 * why tfjs's own WebGPU setup is not used.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type { BackendReport, BackendStatus, GpuAdapterSummary } from '../../shared/dto.ts';
import { ApiError } from '../../shared/errors.ts';
import { describeAdapter } from '../../shared/gpu-adapter.ts';
import type { BackendChoice } from '../../shared/training.ts';
import * as tf from './tf.ts';
import { softwareSkip } from './host-adapter.ts';
import { findAdapter, type GpuLike } from './webgpu-adapter.ts';

export type ConcreteBackend = Exclude<BackendChoice, 'auto'>;

export interface UnavailableBackend {
  name: string;
  reason: string;
}

export interface BackendSelection {
  /** What runs, e.g. "wasm" or "tfjs-node-gpu". */
  backend: string;
  choice: ConcreteBackend;
  /** Each faster backend that was tried or probed and why it cannot run here (or why auto passed it by). */
  unavailable: UnavailableBackend[];
  /** The GPU adapter in use (webgpu). */
  adapter?: GpuAdapterSummary;
}

/** What a cheap look says: nothing when the backend runs here. */
interface Probe {
  /** Why it cannot run here. */
  unavailable?: string;
  /** It runs, but 'auto' should pass it by: why. */
  autoSkips?: string;
  adapter?: GpuAdapterSummary;
}

const RUNS: Probe = {};

function unavailableBecause(reason: string | null): Probe {
  return reason === null ? RUNS : { unavailable: reason };
}

interface BackendOption {
  choice: ConcreteBackend;
  name: string;
  /** What to know when it runs. */
  note: string;
  /** Whether it can run here. Cheap: loads no native library (dawn.node aside). */
  probe(): Promise<Probe>;
  /** Registers and initialises the tfjs backend (returning the GPU adapter it uses, if any); throws with the reason when it cannot. */
  activate(): Promise<GpuAdapterSummary | void>;
}

const require = createRequire(import.meta.url);

/** The package's entry file, or null when it is not installed. */
function resolvePackage(name: string): string | null {
  try {
    return require.resolve(name);
  } catch {
    return null;
  }
}

/** A specifier TypeScript does not resolve at build time: the package may be absent. */
async function importOptional<T>(name: string): Promise<T> {
  return (await import(name)) as T;
}

async function useTfjsBackend(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tfjs could not initialise its '${name}' backend`);
}

/** tfjs-node(-gpu) downloads libtensorflow when installed; offline installs end without it. */
function tfjsNodeProbe(packageName: string): () => Promise<string | null> {
  return async () => {
    const entry = resolvePackage(packageName);
    if (!entry) return 'not installed (its libtensorflow download needs network at install time)';
    const lib = join(dirname(entry), '..', 'lib');
    const hasBinding = existsSync(lib) && readdirSync(lib).some((folder) => existsSync(join(lib, folder, 'tfjs_binding.node')));
    return hasBinding ? null : 'installed without its native binding (the libtensorflow download failed)';
  };
}

interface TfjsNodePackage {
  choice: ConcreteBackend;
  packageName: string;
  note: string;
  /** What the package needs of the machine, said with every reason it cannot run. */
  needs?: string;
  /** Whether this machine can run it at all (checked before anything loads). */
  fits?: () => boolean;
}

function tfjsNodeOption({ choice, packageName, note, needs, fits }: TfjsNodePackage): BackendOption {
  const withNeeds = (reason: string) => (needs ? `${reason}; ${needs}` : reason);
  return {
    choice,
    name: packageName.replace('@tensorflow/', ''),
    note,
    probe: async () => {
      if (fits && !fits()) return { unavailable: withNeeds(`not for ${process.platform}-${process.arch}`) };
      const reason = await tfjsNodeProbe(packageName)();
      return unavailableBecause(reason === null ? null : withNeeds(reason));
    },
    activate: async () => {
      try {
        // Registers the 'tensorflow' backend.
        await importOptional(packageName);
        await useTfjsBackend('tensorflow');
      } catch (error) {
        throw new Error(withNeeds(error instanceof Error ? error.message : String(error)), { cause: error });
      }
    },
  };
}

/** tfjs-node-gpu 4.22 links libtensorflow 2.9, built for exactly these (tensorflow/tfjs#8362: not CUDA 12). */
export const TFJS_NODE_GPU_NEEDS = 'tfjs-node-gpu needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1 on x64 Linux or Windows (not CUDA 12, not macOS)';

interface DawnModule {
  create(options: string[]): GpuLike;
  globals: Record<string, unknown>;
}

let dawnGpu: Promise<{ gpu: GpuLike; globals: DawnModule['globals'] } | null> | null = null;

/** One Dawn instance per process, created on first use. */
function dawn() {
  dawnGpu ??= (async () => {
    if (!resolvePackage('webgpu')) return null;
    const { create, globals } = await importOptional<DawnModule>('webgpu');
    return { gpu: create([]), globals };
  })();
  return dawnGpu;
}

/** The adapter Dawn offers, or why there is none. */
async function dawnAdapter() {
  if (!resolvePackage('@tensorflow/tfjs-backend-webgpu')) return { reason: 'not installed (@tensorflow/tfjs-backend-webgpu)' } as const;
  const instance = await dawn();
  if (!instance) return { reason: 'not installed (webgpu, the dawn.node package)' } as const;
  const found = await findAdapter(instance.gpu);
  return found ? { ...found, ...instance } : ({ reason: 'no adapter found (no GPU driver Dawn can use)' } as const);
}

const webgpuOption: BackendOption = {
  choice: 'webgpu',
  name: 'webgpu',
  note: 'WebGPU through Dawn (dawn.node)',
  probe: async () => {
    const found = await dawnAdapter();
    if ('reason' in found) return { unavailable: found.reason };
    const { summary } = found;
    return summary.software
      ? { adapter: summary, autoSkips: softwareSkip(summary) }
      : { adapter: summary };
  },
  activate: async () => {
    const found = await dawnAdapter();
    if ('reason' in found) throw new Error(found.reason);
    // What tfjs-backend-webgpu expects of a browser: the WebGPU constants and navigator.gpu.
    Object.assign(globalThis, found.globals);
    const scope = globalThis as { navigator?: object };
    scope.navigator ??= {};
    Object.defineProperty(scope.navigator, 'gpu', { value: found.gpu, configurable: true });
    const { registerWebGpuBackend } = await import('./webgpu-backend.ts');
    registerWebGpuBackend(found.adapter);
    await useTfjsBackend('webgpu');
    return found.summary;
  },
};

const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'];

/** The folder holding the .wasm binaries, with a trailing separator as setWasmPaths wants. */
function wasmFolder(): string | null {
  const entry = resolvePackage('@tensorflow/tfjs-backend-wasm');
  if (!entry) return null;
  const folder = dirname(entry);
  return WASM_FILES.every((file) => existsSync(join(folder, file))) ? folder + sep : null;
}

let wasmPathsSet = false;

const wasmOption: BackendOption = {
  choice: 'wasm',
  name: 'wasm',
  note: 'XNNPACK with SIMD on one thread (tfjs starts its threads only in browsers), at most 4 GB of memory',
  probe: async () => {
    if (!('WebAssembly' in globalThis)) return { unavailable: 'this runtime has no WebAssembly' };
    return unavailableBecause(wasmFolder() ? null : 'its .wasm files are missing from @tensorflow/tfjs-backend-wasm');
  },
  activate: async () => {
    const folder = wasmFolder();
    if (!folder) throw new Error('its .wasm files are missing');
    // Loaded on demand: once imported, the package is tfjs's default backend, which fails every
    // tensor op until it is initialised.
    const [{ setWasmPaths }, { registerWasmTrainingKernels }] = await Promise.all([
      import('@tensorflow/tfjs-backend-wasm'),
      import('./wasm-kernels.ts'),
    ]);
    registerWasmTrainingKernels();
    // A file path, not a URL: in Node the module reads the binary with fs. Settable once, before init.
    if (!wasmPathsSet) {
      setWasmPaths(folder);
      wasmPathsSet = true;
    }
    await useTfjsBackend('wasm');
  },
};

const cpuOption: BackendOption = {
  choice: 'cpu',
  name: 'cpu',
  note: 'plain JavaScript: always works, the slowest',
  probe: async () => RUNS,
  activate: () => useTfjsBackend('cpu'),
};

/** Fastest first: the order 'auto' tries them in. */
const OPTIONS: readonly BackendOption[] = [
  tfjsNodeOption({
    choice: 'gpu',
    packageName: '@tensorflow/tfjs-node-gpu',
    note: 'TensorFlow with CUDA 11.2 and cuDNN 8.1',
    needs: TFJS_NODE_GPU_NEEDS,
    fits: () => process.arch === 'x64' && (process.platform === 'linux' || process.platform === 'win32'),
  }),
  tfjsNodeOption({ choice: 'node', packageName: '@tensorflow/tfjs-node', note: 'TensorFlow on the CPU, all cores' }),
  webgpuOption,
  wasmOption,
  cpuOption,
];

type Activation = { adapter: GpuAdapterSummary | undefined } | { reason: string };

async function activation(option: BackendOption): Promise<Activation> {
  try {
    return { adapter: (await option.activate()) ?? undefined };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Makes `choice` (or, for 'auto', the fastest backend that works here and is no software GPU) the
 * tfjs backend. A forced backend that cannot run throws ApiError UNSUPPORTED with the reason.
 */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<BackendSelection> {
  const candidates = choice === 'auto' ? OPTIONS : OPTIONS.filter((option) => option.choice === choice);
  const unavailable: UnavailableBackend[] = [];
  for (const option of candidates) {
    const probe = await option.probe();
    const reason = probe.unavailable ?? (choice === 'auto' ? probe.autoSkips : undefined);
    if (reason !== undefined) {
      unavailable.push({ name: option.name, reason });
      continue;
    }
    const started = await activation(option);
    if ('reason' in started) {
      unavailable.push({ name: option.name, reason: started.reason });
      continue;
    }
    return { backend: option.name, choice: option.choice, unavailable, ...(started.adapter ? { adapter: started.adapter } : {}) };
  }
  const why = unavailable.map((entry) => `${entry.name}: ${entry.reason}`).join('; ');
  throw new ApiError('UNSUPPORTED', `The ${choice} compute backend is not available here (${why}).`, { unavailable });
}

/** One line per skipped backend, e.g. "webgpu: no adapter found (…)", for the CLI and logs. */
export function describeSelection(selection: BackendSelection): string[] {
  const adapter = selection.adapter ? ` on ${describeAdapter(selection.adapter)}` : '';
  return [`using ${selection.backend}${adapter}`, ...selection.unavailable.map((entry) => `${entry.name}: ${entry.reason}`)];
}

/**
 * What 'auto' would pick here and why each other backend can or cannot run, without switching.
 * `webgpu` replaces dawn.node's entry (the desktop app asks its compute host page instead).
 */
export async function backendReport(webgpu?: () => Promise<BackendStatus>): Promise<BackendReport> {
  const backends = await Promise.all(
    OPTIONS.map(async (option): Promise<BackendStatus> => {
      if (webgpu && option.choice === 'webgpu') return webgpu();
      const probe = await option.probe();
      return {
        name: option.name,
        available: probe.unavailable === undefined,
        note: probe.unavailable ?? probe.autoSkips ?? option.note,
        ...(probe.autoSkips ? { autoSkips: probe.autoSkips } : {}),
        ...(probe.adapter ? { adapter: probe.adapter } : {}),
      };
    }),
  );
  const selected = backends.find((backend) => backend.available && !backend.autoSkips)?.name ?? 'cpu';
  return { selected, backends };
}
