import { useMemo } from 'react';
import { api } from '../api/client';
import type { Template } from '../api/contract';
import { useAsync } from '../lib/use-async';

/** The template catalogue, by id (for names, promoted versions and ports). */
export function useTemplates() {
  const state = useAsync((signal) => api.get<Template[]>('/templates', signal), []);
  const byId = useMemo(() => new Map((state.data ?? []).map((t) => [t.id, t])), [state.data]);
  return { ...state, byId };
}
