/**
 * Splits the engine's multiplexed attach stream (8-byte header: stream type, 3 zero bytes, a
 * big-endian payload length) into stdout and stderr without copying payloads: each piece handed on
 * is a view of the chunk it arrived in. docker-modem's demuxStream concatenates its whole buffer
 * with every chunk and copies each frame again, which at a gigabyte of output is most of the cost.
 */
export class DockerDemuxer {
  private header = Buffer.alloc(8);
  private headerBytes = 0;
  private remaining = 0;
  private type = 0;

  constructor(private readonly onData: (stream: 'stdout' | 'stderr', piece: Buffer) => void) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(8 - this.headerBytes, chunk.length - at);
        chunk.copy(this.header, this.headerBytes, at, at + take);
        this.headerBytes += take;
        at += take;
        if (this.headerBytes < 8) return;
        this.headerBytes = 0;
        this.type = this.header.readUInt8(0);
        this.remaining = this.header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - at);
      const piece = chunk.subarray(at, at + take);
      at += take;
      this.remaining -= take;
      // 1 is stdout, 2 stderr; 0 (stdin echo) is never asked for and dropped.
      if (this.type === 1) this.onData('stdout', piece);
      else if (this.type === 2) this.onData('stderr', piece);
    }
  }
}
