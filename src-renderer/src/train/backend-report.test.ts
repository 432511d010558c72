import { describe, expect, it } from 'vitest';
import type { BackendReport } from '@shared/dto.ts';
import { BACKEND_CHOICES } from '@shared/training.ts';
import { softwareOnlyBackendReport } from '../lib/testing/stubs.ts';
import { REPORT_NAMES, backendRows, choiceOf, choiceProblem } from './backend-report.ts';

const SOFTWARE_WEBGPU = {
  name: 'webgpu',
  available: true,
  note: 'mesa llvmpipe (software) is a CPU emulating a GPU',
  autoSkips: 'mesa llvmpipe (software) is a CPU emulating a GPU',
  adapter: { vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'llvmpipe: Mesa 25.0.7', software: true, isFallbackAdapter: false },
};

describe('backend report', () => {
  it('knows the name each choice is reported under', () => {
    expect(Object.keys(REPORT_NAMES)).toEqual(BACKEND_CHOICES.filter((c) => c !== 'auto'));
    expect(choiceOf('tfjs-node-gpu')).toBe('gpu');
    expect(choiceOf('tfjs-node')).toBe('node');
    expect(choiceOf('gpu')).toBe('gpu');
    expect(choiceOf('wasm')).toBe('wasm');
    expect(choiceOf('metal')).toBeNull();
  });

  it('marks what auto picks, the faster ones that cannot run, and the chosen one', () => {
    const rows = backendRows(softwareOnlyBackendReport(), 'cpu');
    expect(rows.map((r) => [r.name, r.choice, r.selected, r.fasterUnavailable, r.requested])).toEqual([
      ['tfjs-node-gpu', 'gpu', false, true, false],
      ['tfjs-node', 'node', false, true, false],
      ['webgpu', 'webgpu', false, true, false],
      ['wasm', 'wasm', true, false, false],
      ['cpu', 'cpu', false, false, true],
    ]);
  });

  it('shows the GPU adapter and that auto passes a software one by, without calling it unavailable', () => {
    const report = softwareOnlyBackendReport();
    report.backends[2] = SOFTWARE_WEBGPU;
    const webgpu = backendRows(report, 'auto').find((row) => row.name === 'webgpu');
    expect(webgpu).toMatchObject({ available: true, autoSkips: true, fasterUnavailable: false, selected: false, adapter: 'mesa llvmpipe (software)' });
    expect(backendRows(softwareOnlyBackendReport(), 'auto').find((row) => row.name === 'webgpu')).toMatchObject({ autoSkips: false, adapter: null });
  });

  it('says why an explicit choice will not run', () => {
    const report = softwareOnlyBackendReport();
    expect(choiceProblem(report, 'auto')).toBeNull();
    expect(choiceProblem(report, 'wasm')).toBeNull();
    expect(choiceProblem(report, 'gpu')).toContain('not installed');
    expect(choiceProblem(report, 'webgpu')).toBe('no adapter found (no GPU driver Dawn can use)');
    const software = softwareOnlyBackendReport();
    software.backends[2] = SOFTWARE_WEBGPU;
    expect(choiceProblem(software, 'webgpu')).toBeNull();
    const unknown: BackendReport = { selected: 'cpu', backends: [{ name: 'cpu', available: true, note: '' }] };
    expect(choiceProblem(unknown, 'gpu')).toBeNull();
  });
});
