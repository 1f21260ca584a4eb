import { useEffect, useRef } from 'react';
import { API_BASE, api, ApiError } from '../api/client';
import type { LogEvent, StatusEvent } from '../api/contract';

export interface WorkspaceEventHandlers {
  onStatus?: (e: StatusEvent) => void;
  onLog?: (e: LogEvent) => void;
  /** The stream is gone for good (the workspace is deleted or not ours). */
  onGone?: () => void;
}

/**
 * Live status and build log of one workspace from its Server-Sent Events stream (no polling).
 * EventSource reconnects by itself after a blip; when it gives up (the server answered with an
 * error status) we ask the API why: a 401 shows the sign-in page, a 404 means the workspace is gone.
 */
export function useWorkspaceEvents(workspaceId: string | null, handlers: WorkspaceEventHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;

  useEffect(() => {
    if (!workspaceId) return;
    let closed = false;
    let retry: number | undefined;
    let source: EventSource | null = null;

    const open = () => {
      source = new EventSource(`${API_BASE}/workspaces/${encodeURIComponent(workspaceId)}/events`, {
        withCredentials: true,
      });
      source.addEventListener('status', (e) => {
        const data = parse<StatusEvent>(e);
        if (!data) return;
        ref.current.onStatus?.(data);
        if (data.status === 'deleted') {
          closed = true;
          source?.close();
          ref.current.onGone?.();
        }
      });
      source.addEventListener('log', (e) => {
        const data = parse<LogEvent>(e);
        if (data) ref.current.onLog?.(data);
      });
      source.onerror = () => {
        if (closed || !source || source.readyState !== EventSource.CLOSED) return;
        // The server refused the stream (not a network blip): find out why, then maybe retry.
        api.get(`/workspaces/${encodeURIComponent(workspaceId)}`).then(
          () => {
            if (!closed) retry = window.setTimeout(open, 3000);
          },
          (error: unknown) => {
            if (error instanceof ApiError && error.status === 404) ref.current.onGone?.();
            else if (!closed) retry = window.setTimeout(open, 5000);
          },
        );
      };
    };
    open();
    return () => {
      closed = true;
      window.clearTimeout(retry);
      source?.close();
    };
  }, [workspaceId]);
}

function parse<T>(e: Event): T | null {
  try {
    return JSON.parse((e as MessageEvent<string>).data) as T;
  } catch {
    return null;
  }
}
