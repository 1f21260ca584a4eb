import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { SpecProblem, ValidationResult } from '../api/contract';

export type SpecCheck =
  | { state: 'checking' }
  | { state: 'valid'; spec: Record<string, unknown> }
  | { state: 'invalid'; problems: SpecProblem[] };

interface Props {
  id: string;
  value: string;
  onChange: (text: string) => void;
  onCheck: (check: SpecCheck) => void;
}

/**
 * The template spec as JSON, linted as you type: JSON syntax here, then the server's own
 * validation (POST /templates/validate, nothing stored) shown inline, every problem with its field.
 */
export function SpecEditor({ id, value, onChange, onCheck }: Props) {
  const [check, setCheck] = useState<SpecCheck>({ state: 'checking' });

  useEffect(() => {
    let cancelled = false;
    const report = (c: SpecCheck) => {
      if (cancelled) return;
      setCheck(c);
      onCheck(c);
    };
    report({ state: 'checking' });
    let spec: unknown;
    try {
      spec = JSON.parse(value);
    } catch (e) {
      report({ state: 'invalid', problems: [{ field: 'JSON', message: errorMessage(e) }] });
      return;
    }
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
      report({ state: 'invalid', problems: [{ field: 'spec', message: 'The spec must be a JSON object.' }] });
      return;
    }
    const timer = window.setTimeout(() => {
      api.post<ValidationResult>('/templates/validate', { spec }).then(
        (r) =>
          report(
            r.valid
              ? { state: 'valid', spec: spec as Record<string, unknown> }
              : { state: 'invalid', problems: r.problems },
          ),
        (e: unknown) => report({ state: 'invalid', problems: [{ field: 'server', message: errorMessage(e) }] }),
      );
    }, 350);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
    // onCheck is a callback prop; re-validating on its identity would loop.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);

  const problems = check.state === 'invalid' ? check.problems : [];
  return (
    <div className="field">
      <label htmlFor={id}>Spec (JSON)</label>
      <textarea
        id={id}
        className="code"
        rows={16}
        spellCheck={false}
        value={value}
        aria-invalid={problems.length > 0 ? true : undefined}
        aria-describedby={`${id}-problems`}
        onChange={(e) => onChange(e.target.value)}
      />
      <div id={`${id}-problems`} aria-live="polite" data-testid="spec-problems">
        {check.state === 'checking' && <small className="hint">Checking…</small>}
        {check.state === 'valid' && <small className="ok">✓ The spec is valid.</small>}
        {problems.length > 0 && (
          <ul className="problems">
            {problems.map((p, i) => (
              <li key={i} className="error">
                <code>{p.field}</code>: {p.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
