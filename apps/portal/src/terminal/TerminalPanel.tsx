import '@xterm/xterm/css/xterm.css';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { Workspace } from '../api/contract';
import { type ConnectionState, TerminalConnection } from './terminal-connection';

const STATE_LABEL: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  ended: 'Session ended',
  failed: 'Disconnected',
};

interface Props {
  workspaceId: string;
  active: boolean;
  label: string;
}

/** One xterm.js terminal bound to one WebSocket session; fits its box and follows window resizes. */
export function TerminalPanel({ workspaceId, active, label }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const fitRef = useRef<FitAddon | null>(null);
  const connRef = useRef<TerminalConnection | null>(null);
  const [state, setState] = useState<ConnectionState>('connecting');
  const [detail, setDetail] = useState<string | undefined>();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 14,
      scrollback: 5000,
      theme: { background: '#0f172a', foreground: '#e2e8f0', cursor: '#93c5fd' },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    safeFit(fit);
    termRef.current = term;
    fitRef.current = fit;

    let wasOpen = false;
    const conn = new TerminalConnection({
      workspaceId,
      size: () => ({ cols: term.cols, rows: term.rows }),
      onOutput: (data) => term.write(data),
      onState: (s, d) => {
        setState(s);
        setDetail(d);
        if (s === 'open' && wasOpen) term.write('\r\n\x1b[2m— reconnected —\x1b[0m\r\n');
        if (s === 'open') wasOpen = true;
      },
      shouldRetry: async () =>
        (await api.get<Workspace>(`/workspaces/${encodeURIComponent(workspaceId)}`)).status === 'running',
    });
    connRef.current = conn;
    const input = term.onData((data) => conn.send(data));
    const resize = term.onResize(({ cols, rows }) => conn.resize(cols, rows));
    conn.connect();

    const observer = new ResizeObserver(() => {
      if (el.offsetParent !== null) safeFit(fit);
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      input.dispose();
      resize.dispose();
      conn.dispose();
      term.dispose();
      termRef.current = null;
      connRef.current = null;
    };
  }, [workspaceId]);

  useEffect(() => {
    if (!active) return;
    const fit = fitRef.current;
    if (fit) safeFit(fit);
    termRef.current?.focus();
  }, [active]);

  return (
    <div className="terminal-panel" hidden={!active} role="tabpanel" aria-label={label} data-state={state}>
      <div className="terminal-status" role="status" aria-live="polite">
        <span className={`conn conn-${state}`}>{STATE_LABEL[state]}</span>
        {detail && state !== 'open' && <span className="muted small"> {detail}</span>}
        {(state === 'ended' || state === 'failed') && (
          <button type="button" className="small-button" onClick={() => connRef.current?.retry()}>
            Reconnect
          </button>
        )}
      </div>
      <div className="terminal-box" ref={box} />
    </div>
  );
}

function safeFit(fit: FitAddon): void {
  try {
    fit.fit();
  } catch {
    // not laid out yet (hidden tab); fitted when shown
  }
}
