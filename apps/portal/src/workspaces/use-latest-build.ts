import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { Build, LogEvent, LogLine } from '../api/contract';

const STAGE_LINE = /^stage (\w+): (\d+) ms$/;

/**
 * The workspace's latest build (transition), kept current from the event stream: log lines are
 * appended as they arrive (and "stage x: n ms" lines fill the timeline at once); the build itself
 * is re-read when the status changes or a new build's lines appear.
 */
export function useLatestBuild(workspaceId: string) {
  const [build, setBuild] = useState<Build | null>(null);
  const [lines, setLines] = useState<LogLine[]>([]);
  const [liveStages, setLiveStages] = useState<Record<string, number>>({});
  const [loaded, setLoaded] = useState(false);
  const current = useRef<string | null>(null);
  const seq = useRef(0);
  const settleRetries = useRef(0);
  const latestRef = useRef<Build | null>(null);

  const refresh = useCallback(
    async (buildId?: string) => {
      const mine = ++seq.current;
      try {
        let latest: Build | undefined;
        if (buildId) latest = await api.get<Build>(`/workspaces/${workspaceId}/builds/${buildId}`);
        else {
          const all = await api.get<Build[]>(`/workspaces/${workspaceId}/builds`);
          const newest = [...all].sort((a, b) => Date.parse(b.queuedAt) - Date.parse(a.queuedAt))[0];
          latest = newest && (await api.get<Build>(`/workspaces/${workspaceId}/builds/${newest.id}`));
        }
        if (mine !== seq.current) return;
        if (!latest) {
          setBuild(null);
          setLines([]);
          return;
        }
        const sameBuild = current.current === latest.id;
        current.current = latest.id;
        latestRef.current = latest;
        setBuild(latest);
        const fetched = latest.logs ?? [];
        setLines((prev) => {
          if (!sameBuild) return fetched;
          // Keep the live lines that arrived after the last fetched one.
          const lastAt = fetched.at(-1)?.at ?? '';
          return [...fetched, ...prev.filter((l) => l.at > lastAt && !fetched.includes(l))];
        });
        if (!sameBuild) setLiveStages({});
      } catch {
        // shown by the page's own load; the next event retries
      } finally {
        if (mine === seq.current) setLoaded(true);
      }
    },
    [workspaceId],
  );

  useEffect(() => {
    current.current = null;
    setBuild(null);
    setLines([]);
    setLoaded(false);
    void refresh();
  }, [refresh]);

  const onLog = useCallback(
    (e: LogEvent) => {
      if (current.current !== e.buildId) {
        void refresh(e.buildId);
        return;
      }
      const at = e.at ?? new Date().toISOString();
      setLines((prev) => [...prev, ...e.lines.map((line) => ({ at, stream: e.stream, line }))]);
      const stages: Record<string, number> = {};
      for (const line of e.lines) {
        const m = STAGE_LINE.exec(line);
        if (m?.[1] && m[2]) stages[m[1]] = Number(m[2]);
      }
      if (Object.keys(stages).length > 0) setLiveStages((s) => ({ ...s, ...stages }));
    },
    [refresh],
  );

  /** After a status change: re-read the build; a stable status with an unfinished build is re-read a few times. */
  const onStatus = useCallback(
    (stable: boolean) => {
      settleRetries.current = 0;
      const check = async () => {
        await refresh();
        if (stable && settleRetries.current < 5) {
          settleRetries.current++;
          window.setTimeout(() => {
            if (latestRef.current && !latestRef.current.finishedAt) void check();
          }, 700);
        }
      };
      void check();
    },
    [refresh],
  );

  const adopt = useCallback((b: Build) => {
    current.current = b.id;
    latestRef.current = b;
    setBuild(b);
    setLines(b.logs ?? []);
    setLiveStages({});
  }, []);

  return { build, lines, liveStages, loaded, onLog, onStatus, adopt, refresh };
}
