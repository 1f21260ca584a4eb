import type { ChoiceParameter, EnvParameter, NumberParameter, ParameterDefinition } from '../api/contract';

export type EnvRow = { key: string; value: string };
export type ParameterValues = Record<string, number | string | EnvRow[]>;

const LABELS: Record<string, string> = { cpus: 'CPUs', memoryMb: 'Memory (MB)' };

export function defaultValues(defs: ParameterDefinition[]): ParameterValues {
  const values: ParameterValues = {};
  for (const d of defs) values[d.name] = d.kind === 'env' ? [] : d.default;
  return values;
}

/** Problems by parameter name, checked in the browser before the API checks again. */
export function parameterProblems(defs: ParameterDefinition[], values: ParameterValues): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const d of defs) {
    const v = values[d.name];
    if (d.kind === 'number') {
      const n = Number(v);
      if (v === '' || !Number.isFinite(n)) problems[d.name] = 'Enter a number.';
      else if (n < d.min || n > d.max) problems[d.name] = `Must be between ${d.min} and ${d.max}.`;
      else if (d.name === 'memoryMb' && !Number.isInteger(n)) problems[d.name] = 'Must be a whole number.';
    } else if (d.kind === 'env') {
      const rows = (v as EnvRow[]).filter((r) => r.key !== '' || r.value !== '');
      const pattern = safeRegExp(d.namePattern);
      const max = d.maxEntries ?? 20;
      if (rows.length > max) problems[d.name] = `At most ${max} variables.`;
      const bad = rows.find((r) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(r.key) || (pattern && !pattern.test(r.key)));
      if (bad) problems[d.name] = `“${bad.key || '(empty name)'}” does not match ${d.namePattern}.`;
    }
  }
  return problems;
}

/** The request body's `parameters`: numbers as numbers, env rows as an object. */
export function toRequest(defs: ParameterDefinition[], values: ParameterValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of defs) {
    const v = values[d.name];
    if (d.kind === 'number') out[d.name] = Number(v);
    else if (d.kind === 'choice') out[d.name] = v;
    else {
      const rows = (v as EnvRow[]).filter((r) => r.key !== '');
      if (rows.length > 0) out[d.name] = Object.fromEntries(rows.map((r) => [r.key, r.value]));
    }
  }
  return out;
}

function safeRegExp(pattern: string): RegExp | null {
  try {
    // Anchored the way the server matches it: the whole name.
    return new RegExp(`^(?:${pattern.replace(/^\^/, '').replace(/\$$/, '')})$`);
  } catch {
    return null;
  }
}

interface Props {
  definitions: ParameterDefinition[];
  values: ParameterValues;
  problems: Record<string, string>;
  onChange: (values: ParameterValues) => void;
}

export function ParameterForm({ definitions, values, problems, onChange }: Props) {
  if (definitions.length === 0) return <p className="muted">This template has no options to choose.</p>;
  const set = (name: string, value: ParameterValues[string]) => onChange({ ...values, [name]: value });
  return (
    <>
      {definitions.map((d) => {
        switch (d.kind) {
          case 'number':
            return (
              <NumberField
                key={d.name}
                def={d}
                value={values[d.name] as number | string}
                problem={problems[d.name]}
                onChange={(v) => set(d.name, v)}
              />
            );
          case 'choice':
            return (
              <ChoiceField
                key={d.name}
                def={d}
                value={String((values[d.name] as number | string | undefined) ?? d.default)}
                onChange={(v) => set(d.name, v)}
              />
            );
          case 'env':
            return (
              <EnvField
                key={d.name}
                def={d}
                rows={(values[d.name] as EnvRow[] | undefined) ?? []}
                problem={problems[d.name]}
                onChange={(v) => set(d.name, v)}
              />
            );
        }
      })}
    </>
  );
}

function NumberField({
  def,
  value,
  problem,
  onChange,
}: {
  def: NumberParameter;
  value: number | string;
  problem?: string;
  onChange: (v: string) => void;
}) {
  const id = `param-${def.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{LABELS[def.name] ?? def.name}</label>
      <input
        id={id}
        type="number"
        min={def.min}
        max={def.max}
        step={def.name === 'memoryMb' ? 1 : 'any'}
        value={value}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onChange(e.target.value)}
      />
      <small id={`${id}-hint`} className={problem ? 'error' : 'hint'}>
        {problem ??
          `${def.description ? `${def.description} · ` : ''}between ${def.min} and ${def.max} (default ${def.default})`}
      </small>
    </div>
  );
}

function ChoiceField({ def, value, onChange }: { def: ChoiceParameter; value: string; onChange: (v: string) => void }) {
  const id = `param-${def.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{def.name}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={def.description ? `${id}-hint` : undefined}
      >
        {def.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      {def.description && (
        <small id={`${id}-hint`} className="hint">
          {def.description}
        </small>
      )}
    </div>
  );
}

function EnvField({
  def,
  rows,
  problem,
  onChange,
}: {
  def: EnvParameter;
  rows: EnvRow[];
  problem?: string;
  onChange: (v: EnvRow[]) => void;
}) {
  const update = (i: number, patch: Partial<EnvRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="field env-rows">
      <legend>Environment variables</legend>
      <small className={problem ? 'error' : 'hint'} id="env-hint">
        {problem ?? `Names must match ${def.namePattern}${def.maxEntries ? `; at most ${def.maxEntries}` : ''}.`}
      </small>
      {rows.map((r, i) => (
        <div className="env-row" key={i}>
          <label className="visually-hidden" htmlFor={`env-key-${i}`}>
            Name {i + 1}
          </label>
          <input
            id={`env-key-${i}`}
            placeholder="NAME"
            value={r.key}
            aria-describedby="env-hint"
            onChange={(e) => update(i, { key: e.target.value })}
          />
          <label className="visually-hidden" htmlFor={`env-value-${i}`}>
            Value {i + 1}
          </label>
          <input
            id={`env-value-${i}`}
            placeholder="value"
            value={r.value}
            onChange={(e) => update(i, { value: e.target.value })}
          />
          <button
            type="button"
            className="link"
            aria-label={`Remove variable ${i + 1}`}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() => onChange([...rows, { key: '', value: '' }])}
        disabled={rows.length >= (def.maxEntries ?? 20)}
      >
        Add variable
      </button>
    </fieldset>
  );
}
