import { describe, expect, it } from 'vitest';
import { parseRange, rangeReply } from './range-reply.ts';

const file = { path: '/videos/a.mp4', size: 1000, mtime: new Date('2026-01-02T03:04:05Z') };

describe('rangeReply', () => {
  it('answers a whole GET with 200 and every byte', () => {
    const reply = rangeReply(file, { method: 'GET', range: undefined }, { 'cache-control': 'no-cache' });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ start: 0, end: 999 });
    expect(reply.headers).toMatchObject({ 'content-type': 'video/mp4', 'content-length': '1000', 'cache-control': 'no-cache' });
    expect(reply.headers['content-range']).toBeUndefined();
  });

  it('answers a range with 206, its bytes and content-range', () => {
    const reply = rangeReply(file, { method: 'GET', range: 'bytes=100-' }, {});
    expect(reply).toMatchObject({ status: 206, body: { start: 100, end: 999 } });
    expect(reply.headers).toMatchObject({ 'content-length': '900', 'content-range': 'bytes 100-999/1000' });
  });

  it('sends no body for HEAD or an empty file, and 416 for a range past the end', () => {
    expect(rangeReply(file, { method: 'HEAD', range: 'bytes=0-9' }).body).toBeNull();
    expect(rangeReply({ ...file, size: 0 }, { method: 'GET', range: undefined })).toMatchObject({ status: 200, body: null });
    expect(rangeReply(file, { method: 'GET', range: 'bytes=1000-' })).toEqual({
      status: 416,
      headers: { 'content-range': 'bytes */1000' },
      body: null,
    });
  });

  it('parses suffix ranges and ignores what it cannot read', () => {
    expect(parseRange('bytes=-10', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange('bytes=0-5,7-9', 1000)).toBeNull();
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable');
  });
});
