import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { Template } from '../api/contract';
import { navigate } from '../lib/router';
import { type SpecCheck, SpecEditor } from './SpecEditor';

const STARTER = JSON.stringify(
  {
    image: 'berth/debian:bookworm',
    user: '1000:1000',
    homePath: '/home/dev',
    env: {},
    ports: [],
    resources: { cpus: 2, memoryMb: 2048, pidsLimit: 1024 },
    parameters: [{ name: 'cpus', kind: 'number', min: 1, max: 4, default: 2 }],
  },
  null,
  2,
);

export function NewTemplatePage() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [message, setMessage] = useState('');
  const [specText, setSpecText] = useState(STARTER);
  const [check, setCheck] = useState<SpecCheck>({ state: 'checking' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameOk = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(name);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (check.state !== 'valid' || !nameOk) return;
    setBusy(true);
    setError(null);
    try {
      const t = await api.post<Template>('/templates', {
        name,
        description,
        spec: check.spec,
        ...(message ? { message } : {}),
      });
      navigate(`/admin/templates/${t.id}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="page-title" className="narrow">
      <h1 id="page-title">New template</h1>
      <form onSubmit={(e) => void submit(e)} aria-label="New template">
        <div className="field">
          <label htmlFor="tpl-name">Name</label>
          <input
            id="tpl-name"
            value={name}
            required
            aria-invalid={name !== '' && !nameOk ? true : undefined}
            aria-describedby="tpl-name-hint"
            onChange={(e) => setName(e.target.value)}
          />
          <small id="tpl-name-hint" className={name !== '' && !nameOk ? 'error' : 'hint'}>
            A DNS label: a-z, 0-9 and -.
          </small>
        </div>
        <div className="field">
          <label htmlFor="tpl-description">Description</label>
          <input id="tpl-description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="tpl-message">Changelog message</label>
          <input
            id="tpl-message"
            value={message}
            placeholder="first version"
            onChange={(e) => setMessage(e.target.value)}
          />
        </div>
        <SpecEditor id="tpl-spec" value={specText} onChange={setSpecText} onCheck={setCheck} />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy || check.state !== 'valid' || !nameOk}>
            {busy ? 'Creating…' : 'Create template'}
          </button>
        </div>
      </form>
    </section>
  );
}
