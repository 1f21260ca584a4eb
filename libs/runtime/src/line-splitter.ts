/** Turns a byte stream into complete lines, keeping a partial last line until more arrives. */
export class LineSplitter {
  private rest = '';

  push(chunk: Buffer | string): string[] {
    const text = this.rest + chunk.toString();
    const parts = text.split(/\r?\n/);
    this.rest = parts.pop() ?? '';
    return parts;
  }

  flush(): string[] {
    const last = this.rest;
    this.rest = '';
    return last ? [last] : [];
  }
}
