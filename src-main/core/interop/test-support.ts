/** Finding a Python with PyTorch for the tests that check our networks against it (not a test file). */
import { spawnSync } from 'node:child_process';

/**
 * The first interpreter that imports `modules`: $PYTHON, python3 on PATH, Debian's /usr/bin/python3
 * (python3-torch); with the reason when none does, for the skip message.
 */
export function pythonWith(modules: readonly string[]): { python: string | null; why: string } {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((name): name is string => Boolean(name));
  for (const python of candidates) {
    if (spawnSync(python, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' }).status === 0) return { python, why: '' };
  }
  return { python: null, why: `none of ${candidates.join(', ')} can import ${modules.join(' and ')} (Debian: apt-get install python3-torch)` };
}
