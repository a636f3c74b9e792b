import { inflateSync } from 'node:zlib';

/**
 * The pixels of a PNG as Chromium writes screenshots (8-bit RGB or RGBA, not interlaced), to
 * tell whether a new screenshot differs from the committed one in anything but its encoding
 * (Chromium's encoder does not always pick the same row filters for the same image).
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Unfiltered pixel bytes with width and height, or null when the file is not such a PNG. */
export function pngPixels(file: Buffer): { width: number; height: number; data: Buffer } | null {
  if (file.length < 8 || !file.subarray(0, 8).equals(SIGNATURE)) return null;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at + 8 <= file.length; ) {
    const length = file.readUInt32BE(at);
    const type = file.toString('latin1', at + 4, at + 8);
    const body = file.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, color, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      channels = color === 6 ? 4 : color === 2 ? 3 : 0;
      if (depth !== 8 || channels === 0 || interlace !== 0) return null;
    } else if (type === 'IDAT') idat.push(body);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[y * stride + x - channels]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels]! : 0;
      const predictor = filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4 ? paeth(a, b, c) : 0;
      out[y * stride + x] = (row[x]! + predictor) & 0xff;
    }
  }
  return { width, height, data: out };
}

/**
 * Same size and at most `tolerance` pixels differ: antialiasing at an input's border can come
 * out one shade different between runs, which is no reason to rewrite a committed picture.
 */
export function samePixels(a: Buffer, b: Buffer, tolerance = 16): boolean {
  const pa = pngPixels(a);
  const pb = pngPixels(b);
  if (pa === null || pb === null || pa.width !== pb.width || pa.height !== pb.height || pa.data.length !== pb.data.length) return false;
  const channels = pa.data.length / (pa.width * pa.height);
  let differing = 0;
  for (let i = 0; i < pa.data.length; i += channels) {
    if (pa.data.compare(pb.data, i, i + channels, i, i + channels) !== 0 && ++differing > tolerance) return false;
  }
  return true;
}
