import { BoundedLineReader } from './bounded-lines.js';
import { DockerDemuxer } from './docker-demux.js';

function reader(maxLineBytes = 8, maxTotalBytes = 64): { r: BoundedLineReader; lines: string[] } {
  const lines: string[] = [];
  return { r: new BoundedLineReader((l) => lines.push(...l), { maxLineBytes, maxTotalBytes }), lines };
}

describe('BoundedLineReader', () => {
  it('joins lines across chunks and keeps the unfinished one until the end', () => {
    const { r, lines } = reader();
    r.push('ab');
    r.push('c\r\nde\nf');
    expect(lines).toEqual(['abc', 'de']);
    r.end();
    expect(lines).toEqual(['abc', 'de', 'f']);
  });

  it('splits a long line at the limit, marked, whatever the chunking', () => {
    const { r, lines } = reader(4, 1000);
    for (const c of 'abcdefghij\nxy') r.push(c);
    r.end();
    expect(lines).toEqual(['abcd [line split at 4 bytes]', 'efgh [line split at 4 bytes]', 'ij', 'xy']);
    const exact = reader(4, 1000);
    exact.r.push('abcd\nefgh');
    exact.r.push('\n');
    expect(exact.lines).toEqual(['abcd', 'efgh']);
  });

  it('keeps its own copy of an unfinished line: the caller reuses one read buffer', () => {
    const { r, lines } = reader(100, 1000);
    const buffer = Buffer.from('abc');
    r.push(buffer);
    buffer.write('xyz');
    r.push(Buffer.from('\n'));
    expect(lines).toEqual(['abc']);
  });

  it('stops keeping output past the limit, says so once, and still counts what it dropped', () => {
    const { r, lines } = reader(100, 10);
    r.push('12345\n1234\n');
    r.push('more\nand more\n');
    r.end();
    expect(lines).toEqual(['12345', '[output truncated after 10 bytes]']);
    expect(r.truncated).toBe(true);
    expect(r.seenBytes).toBe(25);
  });

  it('costs time linear in the input: 64 MB in 64 kB chunks without a newline', () => {
    const { r, lines } = reader(16_384, 1024 * 1024);
    const chunk = Buffer.alloc(65_536, 0x78);
    for (let i = 0; i < 1024; i += 1) r.push(chunk);
    r.end();
    expect(r.seenBytes).toBe(64 * 1024 * 1024);
    expect(lines.at(-1)).toBe('[output truncated after 1048576 bytes]');
    expect(lines.length).toBeLessThan(70);
  });
});

describe('DockerDemuxer', () => {
  it('splits frames across any chunking, without mixing the streams', () => {
    const frame = (type: number, text: string): Buffer => {
      const header = Buffer.alloc(8);
      header.writeUInt8(type, 0);
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    const all = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err\n'), frame(1, 'out two\n')]);
    for (const size of [1, 3, 7, 8, 100]) {
      const got = { stdout: '', stderr: '' };
      const demuxer = new DockerDemuxer((which, piece) => (got[which] += piece.toString()));
      for (let i = 0; i < all.length; i += size) demuxer.push(all.subarray(i, i + size));
      expect(got).toEqual({ stdout: 'out one\nout two\n', stderr: 'err\n' });
    }
  });
});
