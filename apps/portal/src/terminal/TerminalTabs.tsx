import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { TerminalPanel } from './TerminalPanel';

interface Tab {
  id: number;
  title: string;
}

/** Several terminals on one workspace; all stay connected, one is shown. */
export function TerminalTabs({ workspaceId, autoOpen }: { workspaceId: string; autoOpen: boolean }) {
  const next = useRef(1);
  const [tabs, setTabs] = useState<Tab[]>([]);
  const [active, setActive] = useState<number | null>(null);

  const open = () => {
    const id = next.current++;
    setTabs((t) => [...t, { id, title: `Terminal ${id}` }]);
    setActive(id);
  };
  const close = (id: number) => {
    setTabs((t) => {
      const rest = t.filter((x) => x.id !== id);
      if (active === id) setActive(rest.at(-1)?.id ?? null);
      return rest;
    });
  };

  useEffect(() => {
    if (autoOpen && tabs.length === 0) open();
    // only on first show
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [autoOpen]);

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = tabs.findIndex((t) => t.id === active);
    const target = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    if (target) {
      setActive(target.id);
      document.getElementById(`term-tab-${target.id}`)?.focus();
    }
  };

  return (
    <div className="terminals">
      <div className="tabbar">
        <div role="tablist" aria-label="Terminals" onKeyDown={onKey}>
          {tabs.map((t) => (
            <span key={t.id} className={`tab${t.id === active ? ' active' : ''}`}>
              <button
                id={`term-tab-${t.id}`}
                type="button"
                role="tab"
                aria-selected={t.id === active}
                tabIndex={t.id === active ? 0 : -1}
                onClick={() => setActive(t.id)}
              >
                {t.title}
              </button>
              <button type="button" className="tab-close" aria-label={`Close ${t.title}`} onClick={() => close(t.id)}>
                ✕
              </button>
            </span>
          ))}
        </div>
        <button type="button" className={tabs.length === 0 ? 'primary' : ''} onClick={open}>
          {tabs.length === 0 ? 'Open terminal' : '+ New terminal'}
        </button>
      </div>
      {tabs.map((t) => (
        <TerminalPanel key={t.id} workspaceId={workspaceId} active={t.id === active} label={t.title} />
      ))}
    </div>
  );
}
