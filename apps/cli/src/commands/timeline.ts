import { ApiError, type BerthApi, type WorkspaceSummary } from '../api.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const WAIT_SLICE_S = 120;

export interface FollowOptions {
  /** Statuses that end the wait (failed always does). */
  until: readonly string[];
  timeoutS: number;
  /** Progress on stderr: a redrawn line on a TTY, plain lines otherwise; nothing when quiet. */
  quiet: boolean;
}

/**
 * Shows a workspace's way to a status, stage by stage, from its event stream (no polling), and
 * answers the workspace as it ends. A broken stream falls back to the API's `waitFor`.
 */
export async function followWorkspace(api: BerthApi, id: string, options: FollowOptions): Promise<WorkspaceSummary> {
  const done = (status: string): boolean => options.until.includes(status) || status === 'failed';
  const progress = new Progress(options.quiet ? null : process.stderr);
  const deadline = Date.now() + options.timeoutS * 1000;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutS * 1000);
  try {
    for await (const event of api.events(id, abort.signal)) {
      const data = event.data as { status?: string; stream?: string; lines?: string[] };
      if (event.type === 'status' && data.status) {
        progress.status(data.status);
        if (done(data.status)) break;
      }
      if (event.type === 'log' && data.stream === 'system') {
        for (const line of data.lines ?? []) {
          const stage = /^stage (\S+): (\d+) ms$/.exec(line);
          if (stage) progress.stage(stage[1] ?? '?', Number(stage[2]));
        }
      }
    }
  } catch {
    // the stream broke: `waitFor` below answers from the server's own events
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  let current = await readWorkspace(api, id);
  while (!done(current.status) && Date.now() < deadline) {
    const timeout = Math.min(WAIT_SLICE_S, Math.ceil((deadline - Date.now()) / 1000));
    current = await readWorkspace(api, id, { waitFor: options.until[0], timeout });
    progress.status(current.status);
  }
  progress.end();
  return current;
}

/** The workspace, or `deleted` once it answers 404 (a delete's last step). */
async function readWorkspace(
  api: BerthApi,
  id: string,
  query?: { waitFor?: string; timeout?: number },
): Promise<WorkspaceSummary> {
  try {
    return await api.workspace(id, query);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404)
      return { id, name: '', status: 'deleted', templateId: '', ownerId: '', lastError: null };
    throw error;
  }
}

/** The timeline on stderr: every stage and status as a line; on a TTY a spinner line below them. */
class Progress {
  private frame = 0;
  private current = '';
  private readonly started = Date.now();
  private readonly tick: NodeJS.Timeout | undefined;

  constructor(private readonly out: NodeJS.WriteStream | null) {
    if (out?.isTTY) this.tick = setInterval(() => this.redraw(), 100);
    this.tick?.unref();
  }

  status(status: string): void {
    if (status === this.current) return;
    this.current = status;
    this.line(`status ${status}`);
  }

  stage(name: string, ms: number): void {
    this.line(`stage ${name}: ${ms} ms`);
  }

  end(): void {
    if (this.tick) clearInterval(this.tick);
    if (this.out?.isTTY) this.out.write('\r\x1b[K');
  }

  private line(text: string): void {
    if (!this.out) return;
    if (this.out.isTTY) this.out.write(`\r\x1b[K  ${text}\n`);
    else this.out.write(`${text}\n`);
    this.redraw();
  }

  private redraw(): void {
    if (!this.out?.isTTY) return;
    const seconds = Math.round((Date.now() - this.started) / 1000);
    this.frame = (this.frame + 1) % SPINNER.length;
    this.out.write(`\r\x1b[K${SPINNER[this.frame]} ${this.current || 'waiting'} (${seconds}s)`);
  }
}
