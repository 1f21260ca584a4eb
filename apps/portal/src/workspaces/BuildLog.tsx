import { useEffect, useRef } from 'react';
import type { LogLine } from '../api/contract';

/** The build log, following new lines unless the reader has scrolled up. */
export function BuildLog({ lines, label = 'Build log', tail }: { lines: LogLine[]; label?: string; tail?: number }) {
  const ref = useRef<HTMLPreElement>(null);
  const follow = useRef(true);
  const shown = tail ? lines.slice(-tail) : lines;

  useEffect(() => {
    const el = ref.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [shown.length]);

  return (
    <pre
      ref={ref}
      className="log"
      tabIndex={0}
      aria-label={label}
      onScroll={(e) => {
        const el = e.currentTarget;
        follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
      }}
    >
      {shown.length === 0 ? (
        <span className="muted">No log lines yet.</span>
      ) : (
        shown.map((l, i) => (
          <span key={i} className={`log-line log-${l.stream}`}>
            {l.line}
            {'\n'}
          </span>
        ))
      )}
    </pre>
  );
}
