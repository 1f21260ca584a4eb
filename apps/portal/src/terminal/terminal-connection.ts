/**
 * One terminal session over a WebSocket to /api/v1/workspaces/:id/terminal (same origin, cookie
 * auth). Server → client: binary frames of output bytes. Client → server: JSON text frames
 * `{"type":"input","data"}` and `{"type":"resize","cols","rows"}`. After an unexpected close
 * (a network blip) it reconnects with backoff, reporting the state for the UI.
 */

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'ended' | 'failed';

export interface TerminalConnectionOptions {
  workspaceId: string;
  size: () => { cols: number; rows: number };
  onOutput: (data: Uint8Array | string) => void;
  onState: (state: ConnectionState, detail?: string) => void;
  /** Asked before each retry: false stops reconnecting (e.g. the workspace is no longer running). */
  shouldRetry: () => Promise<boolean>;
}

const MAX_ATTEMPTS = 30;

export class TerminalConnection {
  private socket: WebSocket | null = null;
  private attempts = 0;
  private timer: number | undefined;
  private disposed = false;
  private everOpened = false;

  constructor(private readonly options: TerminalConnectionOptions) {
    window.addEventListener('online', this.onOnline);
  }

  connect(): void {
    if (this.disposed) return;
    window.clearTimeout(this.timer);
    const { cols, rows } = this.options.size();
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}/api/v1/workspaces/${encodeURIComponent(this.options.workspaceId)}/terminal?cols=${cols}&rows=${rows}`;
    this.options.onState(this.everOpened ? 'reconnecting' : 'connecting');
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      this.everOpened = true;
      this.options.onState('open');
      // The size may have changed while connecting.
      this.resize(this.options.size().cols, this.options.size().rows);
    };
    socket.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
      this.options.onOutput(typeof e.data === 'string' ? e.data : new Uint8Array(e.data));
    };
    socket.onclose = (e) => {
      if (this.socket !== socket || this.disposed) return;
      this.socket = null;
      // 1000: the shell exited (or the server closed the session on purpose): no reconnect.
      if (e.code === 1000) {
        this.options.onState('ended', e.reason || 'The session ended.');
        return;
      }
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.disposed) return;
    if (this.attempts >= MAX_ATTEMPTS) {
      this.options.onState('failed', 'Could not reconnect.');
      return;
    }
    this.attempts++;
    this.options.onState('reconnecting');
    const delay = Math.min(10_000, 500 * 2 ** Math.min(this.attempts - 1, 5));
    this.timer = window.setTimeout(() => {
      this.options.shouldRetry().then(
        (retry) => {
          if (this.disposed) return;
          if (retry) this.connect();
          else this.options.onState('ended', 'The workspace is not running.');
        },
        () => this.scheduleReconnect(),
      );
    }, delay);
  }

  private readonly onOnline = () => {
    if (!this.socket && !this.disposed && this.attempts > 0) {
      window.clearTimeout(this.timer);
      this.connect();
    }
  };

  send(data: string): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'input', data }));
  }

  resize(cols: number, rows: number): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'resize', cols, rows }));
  }

  /** Reconnect now (the user asked), resetting the attempt count. */
  retry(): void {
    this.attempts = 0;
    this.socket?.close();
    this.socket = null;
    this.connect();
  }

  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.timer);
    window.removeEventListener('online', this.onOnline);
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
  }
}
