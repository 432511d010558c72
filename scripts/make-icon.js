#!/usr/bin/env node
// Draws resources/icon.png (512×512, the size electron-builder turns into .icns/.ico and Linux
// icons): a film strip whose three frames are out of order, the pretext task the app is about.
// Plain Node (zlib), no image libraries; run it again only to change the design.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4; // per axis: 16 samples a pixel smooth the edges

const hex = (value) => [1, 3, 5].map((at) => parseInt(value.slice(at, at + 2), 16));
const mix = (a, b, t) => a.map((channel, index) => channel + (b[index] - channel) * t);

function insideRoundedRect(x, y, [x0, y0, x1, y1], radius) {
  const dx = Math.max(x0 + radius - x, 0, x - (x1 - radius));
  const dy = Math.max(y0 + radius - y, 0, y - (y1 - radius));
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && dx * dx + dy * dy <= radius * radius;
}

const TILE = [32, 32, 480, 480];
const BAND = [32, 168, 480, 344];
const FRAMES = [67, 201, 335].map((left) => [left, 212, left + 110, 300]);
const FRAME_COLOURS = ['#c7d2fe', '#a5f3fc', '#fde68a'].map(hex);
const DOTS_PER_FRAME = [2, 3, 1]; // frames 2, 3, 1: shuffled, as in order verification
const HOLES = Array.from({ length: 11 }, (_, index) => 46 + index * 40).flatMap((left) => [
  [left, 180, left + 22, 196],
  [left, 316, left + 22, 332],
]);

/** The colour (RGBA, 0–255) of one sample point. */
function sample(x, y) {
  if (!insideRoundedRect(x, y, TILE, 92)) return [0, 0, 0, 0];
  const background = mix(hex('#4338ca'), hex('#7c3aed'), (y - TILE[1]) / (TILE[3] - TILE[1]));
  if (!insideRoundedRect(x, y, BAND, 0)) return [...background, 255];
  if (HOLES.some((hole) => insideRoundedRect(x, y, hole, 4))) return [229, 231, 235, 255];
  for (const [index, frame] of FRAMES.entries()) {
    if (!insideRoundedRect(x, y, frame, 12)) continue;
    const dots = DOTS_PER_FRAME[index];
    const centreX = (frame[0] + frame[2]) / 2;
    for (let dot = 0; dot < dots; dot += 1) {
      const dotX = centreX + (dot - (dots - 1) / 2) * 28;
      if ((x - dotX) ** 2 + (y - 256) ** 2 <= 10 ** 2) return [30, 27, 75, 255];
    }
    return [...FRAME_COLOURS[index], 255];
  }
  return [17, 24, 39, 255];
}

const rows = [];
for (let y = 0; y < SIZE; y += 1) {
  const row = Buffer.alloc(1 + SIZE * 4); // leading 0: PNG filter "none"
  for (let x = 0; x < SIZE; x += 1) {
    const total = [0, 0, 0, 0];
    for (let sy = 0; sy < SAMPLES; sy += 1) {
      for (let sx = 0; sx < SAMPLES; sx += 1) {
        const [r, g, b, a] = sample(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
        // Premultiplied, so transparent samples do not darken the edges.
        total[0] += r * a;
        total[1] += g * a;
        total[2] += b * a;
        total[3] += a;
      }
    }
    const alpha = total[3] / SAMPLES ** 2;
    const pixel = total[3] === 0 ? [0, 0, 0, 0] : [...total.slice(0, 3).map((sum) => sum / total[3]), alpha];
    pixel.forEach((value, channel) => row.writeUInt8(Math.round(value), 1 + x * 4 + channel));
  }
  rows.push(row);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, checksum]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter choice, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const target = resolve(import.meta.dirname, '../resources/icon.png');
writeFileSync(target, png);
console.log(`wrote ${target} (${png.length} bytes)`);
