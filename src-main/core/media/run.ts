/**
 * Runs an external tool (ffmpeg, ffprobe) without a shell and collects what it prints.
 * Callers decide what a non-zero exit means; this only fails for spawn errors, cancellation,
 * timeouts and runaway output.
 */
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { abortError } from '../util/abort.ts';

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Stdout beyond this many bytes kills the tool and rejects (default 64 MiB). */
  maxStdoutBytes?: number;
  /** Written to the tool's stdin, which is then closed; without it stdin is closed at once. */
  stdin?: string | Buffer;
}

export interface RunResult {
  stdout: Buffer;
  /** The last STDERR_TAIL_BYTES of stderr: enough for the error that ended the run. */
  stderr: string;
  /** Exit code; 128 + signal number when the tool died from a signal we did not send. */
  code: number;
}

const DEFAULT_MAX_STDOUT_BYTES = 64 * 1024 * 1024;
const STDERR_TAIL_BYTES = 4096;

/** Keeps only the newest `limit` bytes of a stream, so a chatty tool cannot grow memory. */
function tailKeeper(limit: number) {
  let chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk: Buffer): void {
      chunks.push(chunk);
      size += chunk.length;
      if (size > 2 * limit) {
        const joined = Buffer.concat(chunks).subarray(-limit);
        chunks = [joined];
        size = joined.length;
      }
    },
    text: (): string => Buffer.concat(chunks).subarray(-limit).toString('utf8'),
  };
}

function exitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const signalNumber = signal ? osConstants.signals[signal] : undefined;
  return 128 + (signalNumber ?? 0);
}

export function runTool(
  binary: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const { signal, timeoutMs, maxStdoutBytes = DEFAULT_MAX_STDOUT_BYTES, stdin } = options;
  const toolName = path.basename(binary);
  return new Promise<RunResult>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(toolName));
      return;
    }
    const child = spawn(binary, args, {
      shell: false,
      windowsHide: true,
      stdio: 'pipe',
    });

    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    const stderrTail = tailKeeper(STDERR_TAIL_BYTES);
    // The first reason to stop wins; we still wait for 'close' so the process is really gone
    // (and its files released) before the promise settles.
    let failure: Error | null = null;
    let settled = false;

    const stop = (reason: Error): void => {
      if (failure) return;
      failure = reason;
      child.kill('SIGKILL');
    };
    const onAbort = (): void => stop(abortError(toolName));
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => stop(new Error(`${toolName} timed out after ${timeoutMs} ms`)), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdoutBytes) {
        stop(new Error(`${toolName} printed more than ${maxStdoutBytes} bytes; output was cut off`));
        return;
      }
      stdoutChunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => stderrTail.push(chunk));
    // Closed at once when there is no input, so a tool waiting on stdin sees EOF instead of hanging;
    // the error handler stops a tool that exits without reading its input from crashing us (EPIPE).
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);

    child.on('error', (error) => finish(() => reject(failure ?? error)));
    child.on('close', (code, exitSignal) =>
      finish(() => {
        if (failure) reject(failure);
        else
          resolve({
            stdout: Buffer.concat(stdoutChunks),
            stderr: stderrTail.text(),
            code: exitCode(code, exitSignal),
          });
      }),
    );
  });
}
