export interface SpecChange {
  path: string;
  from: unknown;
  to: unknown;
}

/** Every leaf that differs between two JSON values, by path (`env.FOO`, `ports[0].port`). */
export function specChanges(from: unknown, to: unknown, path = ''): SpecChange[] {
  if (Array.isArray(from) && Array.isArray(to)) {
    const changes: SpecChange[] = [];
    for (let i = 0; i < Math.max(from.length, to.length); i++)
      changes.push(...specChanges(from[i], to[i], `${path}[${i}]`));
    return changes;
  }
  if (isObject(from) && isObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    return keys.flatMap((k) => specChanges(from[k], to[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(from) === JSON.stringify(to) ? [] : [{ path: path || '.', from, to }];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
