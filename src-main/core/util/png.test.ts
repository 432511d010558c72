import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTool } from '../media/run.ts';
import { getMediaTools } from '../media/tools.ts';
import { encodePngRgb, pngDataUrl } from './png.ts';

describe('encodePngRgb', () => {
  it('round-trips through ffmpeg’s PNG decoder pixel for pixel', async () => {
    const width = 7;
    const height = 5;
    const rgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37) % 256);
    const dir = mkdtempSync(join(tmpdir(), 'pretext-png-'));
    try {
      const file = join(dir, 'x.png');
      writeFileSync(file, encodePngRgb(rgb, width, height));
      const tools = await getMediaTools();
      const decoded = await runTool(tools.ffmpeg, ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
      expect(decoded.code).toBe(0);
      expect([...decoded.stdout]).toEqual([...rgb]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a buffer of the wrong size and makes data URLs', () => {
    expect(() => encodePngRgb(new Uint8Array(5), 2, 2)).toThrow(RangeError);
    expect(pngDataUrl(new Uint8Array(3), 1, 1)).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
  });
});
