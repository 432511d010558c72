/** Files as a POSIX ustar archive: what serve mode hands a browser instead of writing a server path. */

export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

const BLOCK = 512;

/** One ustar header field: text, NUL-padded to its width. */
function field(header: Uint8Array, offset: number, width: number, text: string): void {
  header.set(new TextEncoder().encode(text).subarray(0, width), offset);
}

const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0');

/** The files inside one folder of a ustar archive (`tar xf` or Python's tarfile unpack it). */
export function tarArchive(folder: string, files: readonly ExportFile[], mtime = Math.floor(Date.now() / 1000)): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const file of files) {
    const name = `${folder}/${file.name}`;
    if (new TextEncoder().encode(name).length > 100) throw new RangeError(`${name} is too long for a tar header`);
    const header = new Uint8Array(BLOCK);
    field(header, 0, 100, name);
    field(header, 100, 8, octal(0o644, 8));
    field(header, 108, 8, octal(0, 8));
    field(header, 116, 8, octal(0, 8));
    field(header, 124, 12, octal(file.bytes.length, 12));
    field(header, 136, 12, octal(mtime, 12));
    field(header, 148, 8, ' '.repeat(8)); // the checksum counts its own field as spaces
    field(header, 156, 1, '0');
    field(header, 257, 8, 'ustar\u000000');
    const checksum = header.reduce((sum, byte) => sum + byte, 0);
    field(header, 148, 8, `${octal(checksum, 7)}\u0000 `);
    parts.push(header, file.bytes, new Uint8Array((BLOCK - (file.bytes.length % BLOCK)) % BLOCK));
  }
  parts.push(new Uint8Array(2 * BLOCK)); // two zero blocks end the archive
  const archive = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    archive.set(part, offset);
    offset += part.length;
  }
  return archive;
}
