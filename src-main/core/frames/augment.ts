/**
 * What a FrameView asks of a decoded frame, as pure functions on packed RGB24 rows: crop and resize,
 * mirror, channel splitting, and the conversion to the network's floats.
 */
import type { Crop, Size } from '../tasks/crops.ts';
import type { ChannelIndex, FrameView } from '../tasks/samplers/types.ts';

const CHANNELS = 3;

interface AxisSamples {
  low: Int32Array;
  high: Int32Array;
  weight: Float32Array;
}

/**
 * For each output position along one axis, the two source pixels to blend and the weight of the
 * second. Pixel centres are aligned (as OpenCV and PIL do), so equal lengths copy pixels exactly, and
 * positions are clamped to the crop: nothing outside it leaks in.
 */
function axisSamples(start: number, length: number, outLength: number): AxisSamples {
  const samples = { low: new Int32Array(outLength), high: new Int32Array(outLength), weight: new Float32Array(outLength) };
  const scale = length / outLength;
  for (let i = 0; i < outLength; i++) {
    const position = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), length - 1);
    const low = Math.floor(position);
    samples.low[i] = start + low;
    samples.high[i] = start + Math.min(low + 1, length - 1);
    samples.weight[i] = position - low;
  }
  return samples;
}

function assertCropInside(crop: Crop, frameWidth: number, frameHeight: number): void {
  const inside =
    [crop.x, crop.y, crop.w, crop.h].every(Number.isInteger) &&
    crop.w > 0 && crop.h > 0 && crop.x >= 0 && crop.y >= 0 &&
    crop.x + crop.w <= frameWidth && crop.y + crop.h <= frameHeight;
  if (!inside) throw new RangeError(`crop ${JSON.stringify(crop)} is not inside a ${frameWidth}×${frameHeight} frame`);
}

/** The `crop` of a frame resized to outWidth × outHeight with bilinear interpolation. */
export function cropResize(
  rgb: Uint8Array,
  frameWidth: number,
  frameHeight: number,
  crop: Crop,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  assertCropInside(crop, frameWidth, frameHeight);
  if (rgb.length !== frameWidth * frameHeight * CHANNELS) {
    throw new RangeError(`${rgb.length} bytes are not one ${frameWidth}×${frameHeight} RGB frame`);
  }
  const xs = axisSamples(crop.x, crop.w, outWidth);
  const ys = axisSamples(crop.y, crop.h, outHeight);
  const out = new Uint8Array(outWidth * outHeight * CHANNELS);
  for (let oy = 0; oy < outHeight; oy++) {
    const top = (ys.low[oy] as number) * frameWidth;
    const bottom = (ys.high[oy] as number) * frameWidth;
    const wy = ys.weight[oy] as number;
    for (let ox = 0; ox < outWidth; ox++) {
      const left = xs.low[ox] as number;
      const right = xs.high[ox] as number;
      const wx = xs.weight[ox] as number;
      const topLeft = (top + left) * CHANNELS;
      const topRight = (top + right) * CHANNELS;
      const bottomLeft = (bottom + left) * CHANNELS;
      const bottomRight = (bottom + right) * CHANNELS;
      for (let c = 0; c < CHANNELS; c++) {
        const upperLeft = rgb[topLeft + c] as number;
        const lowerLeft = rgb[bottomLeft + c] as number;
        const upper = upperLeft + ((rgb[topRight + c] as number) - upperLeft) * wx;
        const lower = lowerLeft + ((rgb[bottomRight + c] as number) - lowerLeft) * wx;
        out[(oy * outWidth + ox) * CHANNELS + c] = Math.round(upper + (lower - upper) * wy);
      }
    }
  }
  return out;
}

/** Mirrored left-right. */
export function flipHorizontal(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * CHANNELS;
      out.set(rgb.subarray(from, from + CHANNELS), (y * width + width - 1 - x) * CHANNELS);
    }
  }
  return out;
}

/** OPN's channel splitting: `channel` copied into all three channels. */
export function splitChannel(rgb: Uint8Array, channel: ChannelIndex): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i += CHANNELS) out.fill(rgb[i + channel] as number, i, i + CHANNELS);
  return out;
}

/** A frame as the network sees it: crop → resize to `output` → mirror → channel split. */
export function renderView(frameRgb: Uint8Array, frame: Size, view: FrameView, output: Size): Uint8Array {
  let rgb = cropResize(frameRgb, frame.width, frame.height, view.crop, output.width, output.height);
  if (view.flip) rgb = flipHorizontal(rgb, output.width, output.height);
  if (view.channel !== null) rgb = splitChannel(rgb, view.channel);
  return rgb;
}

/** Writes bytes as floats in [0, 1] into `target` from `offset`. */
export function writeUnitFloats(rgb: Uint8Array, target: Float32Array, offset: number): void {
  for (let i = 0; i < rgb.length; i++) target[offset + i] = (rgb[i] as number) / 255;
}
