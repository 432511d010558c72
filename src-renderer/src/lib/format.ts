/** Pure display helpers; every function accepts the nulls the DTOs carry. */

const DASH = '—';

const isUsable = (value: number | null | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** A video length: "0:07", "12:05", "1:02:03". */
export function formatDuration(seconds: number | null | undefined): string {
  if (!isUsable(seconds)) return DASH;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Time left: "45 s", "1 min 20 s", "2 h 5 min"; null while there is no estimate yet. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'estimating…';
  if (!isUsable(seconds)) return DASH;
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return s > 0 ? `${m} min ${s} s` : `${m} min`;
}

const BYTE_UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** A file size in decimal units: "512 B", "1.5 MB", "12 GB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (!isUsable(bytes)) return DASH;
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit: string = 'B';
  for (const next of BYTE_UNITS) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))} ${unit}`;
}

/** "320×240", or a dash when either side is unknown. */
export function formatResolution(width: number | null, height: number | null): string {
  return isUsable(width) && isUsable(height) ? `${width}×${height}` : DASH;
}

/** "25 fps", "29.97 fps". */
export function formatFps(fps: number | null | undefined): string {
  if (!isUsable(fps)) return DASH;
  return `${Number(fps.toFixed(2))} fps`;
}

/** Thousands separated, locale independent: "12,345". */
export function formatCount(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** An ISO timestamp as "2025-11-26 15:04:05" in local time; the input itself when unparsable. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/** A share in [0, 1] as "12 %" (or "12.5 %" with one digit); negative shares too. */
export function formatPercent(share: number | null | undefined, digits = 0): string {
  if (typeof share !== 'number' || !Number.isFinite(share)) return DASH;
  return `${(share * 100).toFixed(digits)} %`;
}

/** An accuracy: "83.4 %". */
export function formatAccuracy(accuracy: number | null | undefined): string {
  return formatPercent(accuracy, 1);
}

/** "120 / 300". */
export function formatSteps(step: number, total: number): string {
  return `${formatCount(step)} / ${formatCount(total)}`;
}

/** "1 video", "3 videos". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}
