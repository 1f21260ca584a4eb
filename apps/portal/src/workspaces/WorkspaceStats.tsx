import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { WorkspaceStats as Stats } from '../api/contract';
import { formatBytes, formatNumber } from '../lib/format';

const REFRESH_MS = 5000;

/** CPU and memory of a running workspace, refreshed every 5 s (the only periodic request). */
export function WorkspaceStats({ workspaceId }: { workspaceId: string }) {
  const [stats, setStats] = useState<Stats | null>(null);
  const [unavailable, setUnavailable] = useState(false);

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const controller = new AbortController();
    const load = async () => {
      try {
        const s = await api.get<Stats>(`/workspaces/${encodeURIComponent(workspaceId)}/stats`, controller.signal);
        if (stopped) return;
        setStats(s);
        setUnavailable(false);
      } catch {
        if (stopped) return;
        setUnavailable(true);
      }
      if (!stopped && document.visibilityState !== 'hidden') timer = window.setTimeout(() => void load(), REFRESH_MS);
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible' && !stopped) {
        window.clearTimeout(timer);
        void load();
      }
    };
    void load();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      controller.abort();
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [workspaceId]);

  if (!stats) return <span className="muted small">{unavailable ? 'usage unavailable' : 'reading usage…'}</span>;
  const memPct = stats.memoryLimitBytes > 0 ? (stats.memoryBytes / stats.memoryLimitBytes) * 100 : 0;
  return (
    <div className="stats" aria-label="Resource use">
      <Meter label="CPU" value={Math.min(100, stats.cpuPercent)} text={`${formatNumber(stats.cpuPercent)} %`} />
      <Meter
        label="Memory"
        value={memPct}
        text={`${formatBytes(stats.memoryBytes)} / ${formatBytes(stats.memoryLimitBytes)}`}
      />
    </div>
  );
}

function Meter({ label, value, text }: { label: string; value: number; text: string }) {
  return (
    <div className="meter">
      <span className="meter-label">{label}</span>
      <meter min={0} max={100} value={value} aria-label={`${label} ${text}`} />
      <span className="meter-text">{text}</span>
    </div>
  );
}
