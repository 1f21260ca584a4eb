import type { Build } from '../api/contract';
import { formatDuration } from '../lib/format';

type StageState = 'done' | 'active' | 'failed' | 'waiting' | 'skipped';

interface Stage {
  key: string;
  label: string;
  state: StageState;
  ms: number | null;
}

const MIDDLE: Readonly<Record<string, readonly string[]>> = {
  start: ['image', 'volume', 'container', 'scripts'],
  restart: ['stop', 'image', 'volume', 'container', 'scripts'],
  rebuild: ['stop', 'image', 'volume', 'container', 'scripts'],
  update: ['stop', 'image', 'volume', 'container', 'scripts'],
  stop: ['stop'],
  delete: ['stop', 'volume'],
};
const FINAL: Record<string, string> = { stop: 'stopped', delete: 'deleted' };
const LABELS: Record<string, string> = {
  queued: 'Queued',
  image: 'Image',
  volume: 'Home volume',
  container: 'Container',
  scripts: 'Scripts',
  ports: 'Ports answering',
  stop: 'Stop container',
  ready: 'Ready',
  stopped: 'Stopped',
  deleted: 'Deleted',
};
const STATE_TEXT: Record<StageState, string> = {
  done: 'done',
  active: 'in progress',
  failed: 'failed',
  waiting: 'waiting',
  skipped: 'skipped',
};

/** Stage timings of one build, plus the live ones parsed from its log ("stage image: 12 ms"). */
export function timelineStages(build: Build, liveStages: Record<string, number>): Stage[] {
  const stagesMs = { ...liveStages, ...build.stages };
  const finished = build.finishedAt !== null || build.status === 'succeeded' || build.status === 'failed';
  const failed = build.status === 'failed';
  const stages: Stage[] = [];
  const queuedMs = build.startedAt ? Date.parse(build.startedAt) - Date.parse(build.queuedAt) : null;
  stages.push({
    key: 'queued',
    label: LABELS.queued ?? 'Queued',
    state: build.startedAt || finished ? 'done' : 'active',
    ms: queuedMs,
  });

  let blocked = false; // a stage before this one is unfinished or failed
  const middle = [...(MIDDLE[build.kind] ?? Object.keys(stagesMs))];
  // Waiting for declared ports (templates with their own command) happens after the scripts.
  if ('ports' in stagesMs && !middle.includes('ports')) middle.splice(middle.indexOf('scripts') + 1, 0, 'ports');
  for (const key of middle) {
    const ms = stagesMs[key];
    let state: StageState;
    if (ms !== undefined) state = 'done';
    else if (blocked) state = failed ? 'skipped' : 'waiting';
    else if (failed) state = 'failed';
    else if (finished) state = 'skipped';
    else state = build.startedAt ? 'active' : 'waiting';
    if (ms === undefined) blocked = true;
    stages.push({ key, label: LABELS[key] ?? key, state, ms: ms ?? null });
  }
  const finalKey = FINAL[build.kind] ?? 'ready';
  const total = build.finishedAt ? Date.parse(build.finishedAt) - Date.parse(build.queuedAt) : null;
  stages.push({
    key: finalKey,
    label: LABELS[finalKey] ?? finalKey,
    state: build.status === 'succeeded' ? 'done' : failed ? (blocked ? 'skipped' : 'failed') : 'waiting',
    ms: build.status === 'succeeded' ? total : null,
  });
  return stages;
}

export function BuildTimeline({ build, liveStages }: { build: Build; liveStages: Record<string, number> }) {
  const stages = timelineStages(build, liveStages);
  return (
    <ol className="timeline" aria-label={`${build.kind} progress`}>
      {stages.map((s) => (
        <li key={s.key} className={`stage stage-${s.state}`} data-stage={s.key} data-state={s.state}>
          <span className="stage-dot" aria-hidden="true">
            {s.state === 'done' ? '✓' : s.state === 'failed' ? '✕' : s.state === 'active' ? '' : ''}
          </span>
          <span className="stage-label">{s.label}</span>
          <span className="stage-time">
            <span className="visually-hidden">{STATE_TEXT[s.state]} </span>
            {s.ms !== null
              ? s.key === 'ready' || s.key === 'stopped' || s.key === 'deleted'
                ? `total ${formatDuration(s.ms)}`
                : formatDuration(s.ms)
              : s.state === 'active'
                ? '…'
                : ''}
          </span>
        </li>
      ))}
    </ol>
  );
}
