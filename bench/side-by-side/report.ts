import { type BenchResults } from './run.js';
import { type Figure } from './stats.js';

const cell = (n: number | null): string => (n === null ? '–' : String(n));
const verdict = (f: Figure): string => (f.met === null ? '' : f.met ? 'met' : '**missed**');

/** bench/results.md: the machine, then one row per figure with its target. */
export function toMarkdown(results: BenchResults, notes: string): string {
  const m = results.machine;
  const rows = results.figures.map(
    (f) =>
      `| ${f.name} | ${cell(f.median)} | ${cell(f.p95)} | ${f.unit} | ${f.runs} | ${f.target} | ${verdict(f)} | ${f.note ?? ''} |`,
  );
  return [
    '# Berth against raw Docker (`npm run bench`)',
    '',
    `Measured ${results.measuredAt} on ${m.cpus} cores (${m.cpuModel}), ${m.memoryGb} GB memory, ${m.engine}, Node.js ${m.node}, ${m.platform}.`,
    'Every figure comes from the real API, worker, Postgres, Redis and Docker engine on this machine, over loopback.',
    '',
    '| figure | median | p95 | unit | runs | target | | note |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    notes.trim(),
    '',
  ].join('\n');
}
