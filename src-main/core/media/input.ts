import path from 'node:path';

/**
 * The argument that names a local file to ffmpeg/ffprobe. The explicit `file:` protocol keeps a
 * file name such as `concat:a|b` or `http:x` from being read as another protocol, and an absolute
 * path keeps a name starting with `-` from being read as an option.
 */
export function fileArg(filePath: string): string {
  return `file:${path.resolve(filePath)}`;
}
