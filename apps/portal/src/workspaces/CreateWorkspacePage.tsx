import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, errorMessage } from '../api/client';
import type { Workspace } from '../api/contract';
import { Empty, ErrorBanner, Loading } from '../components/States';
import { navigate } from '../lib/router';
import { defaultValues, ParameterForm, parameterProblems, type ParameterValues, toRequest } from './ParameterForm';
import { TemplateGallery } from './TemplateGallery';
import { useTemplates } from './use-templates';

/** Contract: a workspace name is a DNS label. */
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function nameProblem(name: string): string | null {
  if (name === '') return 'Enter a name.';
  if (name.length > 63) return 'At most 63 characters.';
  if (/[A-Z]/.test(name)) return 'Use lowercase letters only.';
  if (!DNS_LABEL.test(name)) return 'Use a-z, 0-9 and -, starting and ending with a letter or digit.';
  return null;
}

export function CreateWorkspacePage({ preselect }: { preselect: string | null }) {
  const templates = useTemplates();
  const available = useMemo(() => (templates.data ?? []).filter((t) => t.active), [templates.data]);
  const [templateId, setTemplateId] = useState<string | null>(preselect);
  const [name, setName] = useState('');
  const [values, setValues] = useState<ParameterValues>({});
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  const template = available.find((t) => t.id === templateId);
  const definitions = template?.active?.spec.parameters ?? [];

  useEffect(() => {
    if (!templateId && available.length === 1) setTemplateId(available[0]?.id ?? null);
  }, [available, templateId]);
  useEffect(() => {
    setValues(defaultValues(template?.active?.spec.parameters ?? []));
  }, [template]);

  const problems = parameterProblems(definitions, values);
  const nameError = nameProblem(name);
  const showNameError = (submitted || name !== '') && nameError;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (nameError) {
      nameRef.current?.focus();
      return;
    }
    if (!template || Object.keys(problems).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const ws = await api.post<Workspace>('/workspaces', {
        name,
        templateId: template.id,
        parameters: toRequest(definitions, values),
      });
      navigate(`/workspaces/${ws.id}`);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 409
          ? `You already have a workspace named “${name}”.`
          : errorMessage(err),
      );
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="page-title" className="narrow">
      <h1 id="page-title">New workspace</h1>
      <ErrorBanner message={templates.error} onRetry={templates.reload} />
      {templates.loading && !templates.data && <Loading label="Loading templates…" />}
      {templates.data && available.length === 0 && (
        <Empty>
          <p>No templates are available yet. Ask an administrator to create one.</p>
        </Empty>
      )}
      {available.length > 0 && (
        <form onSubmit={(e) => void submit(e)} noValidate aria-label="Create workspace">
          <TemplateGallery templates={available} selected={templateId} onSelect={setTemplateId} />
          <div className="field">
            <label htmlFor="ws-name">Name</label>
            <input
              ref={nameRef}
              id="ws-name"
              value={name}
              autoComplete="off"
              spellCheck={false}
              maxLength={63}
              aria-invalid={showNameError ? true : undefined}
              aria-describedby="ws-name-hint"
              onChange={(e) => setName(e.target.value)}
            />
            <small id="ws-name-hint" className={showNameError ? 'error' : 'hint'}>
              {showNameError || 'Lowercase letters, digits and -, e.g. api-dev.'}
            </small>
          </div>
          {template && (
            <fieldset className="options">
              <legend>Options for {template.name}</legend>
              <ParameterForm definitions={definitions} values={values} problems={problems} onChange={setValues} />
            </fieldset>
          )}
          {submitted && !template && (
            <p className="error" role="alert">
              Choose a template.
            </p>
          )}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Creating…' : 'Create workspace'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
