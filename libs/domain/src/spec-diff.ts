import { type TemplateSpec } from './template-spec.js';

/** What moving a workspace from one effective spec to another would change (rollout dry-run). */
export interface SpecChanges {
  /** Always true: the container is recreated from the new version's image. */
  containerRecreated: true;
  /** Always true: the home volume is kept (it is named from the workspace id). */
  volumeKept: true;
  image: { from: string | null; to: string | null } | null;
  env: { added: string[]; removed: string[]; changed: string[] };
  ports: { added: number[]; removed: number[] };
  resources: { field: 'cpus' | 'memoryMb' | 'pidsLimit'; from: number; to: number }[];
  user: { from: string; to: string } | null;
  homePath: { from: string; to: string } | null;
  startScriptChanged: boolean;
  initScriptChanged: boolean;
  capAdd: { added: string[]; removed: string[] };
  /** Plain-language consequences worth a second look before updating. */
  warnings: string[];
}

export function diffSpecs(
  from: TemplateSpec,
  to: TemplateSpec,
  images: { from: string | null; to: string | null },
): SpecChanges {
  const envKeys = new Set([...Object.keys(from.env), ...Object.keys(to.env)]);
  const env = { added: [] as string[], removed: [] as string[], changed: [] as string[] };
  for (const key of [...envKeys].sort()) {
    if (!(key in from.env)) env.added.push(key);
    else if (!(key in to.env)) env.removed.push(key);
    else if (from.env[key] !== to.env[key]) env.changed.push(key);
  }
  const fromPorts = new Set(from.ports.map((p) => p.port));
  const toPorts = new Set(to.ports.map((p) => p.port));
  const resources = (['cpus', 'memoryMb', 'pidsLimit'] as const)
    .filter((field) => from.resources[field] !== to.resources[field])
    .map((field) => ({ field, from: from.resources[field], to: to.resources[field] }));
  const warnings: string[] = [];
  if (from.homePath !== to.homePath)
    warnings.push(`the home volume will be mounted at ${to.homePath} instead of ${from.homePath}`);
  if (from.user !== to.user)
    warnings.push(
      `processes will run as ${to.user} instead of ${from.user}; files in the home volume keep their owner`,
    );
  if ((from.initScript ?? '') !== (to.initScript ?? ''))
    warnings.push('the initScript changed but does not run again unless the update asks to reinitialize');
  const shrunk = resources.filter((r) => r.to < r.from).map((r) => r.field);
  if (shrunk.length > 0) warnings.push(`lower limits: ${shrunk.join(', ')}`);
  return {
    containerRecreated: true,
    volumeKept: true,
    image: images.from === images.to ? null : images,
    env,
    ports: {
      added: [...toPorts].filter((p) => !fromPorts.has(p)).sort((a, b) => a - b),
      removed: [...fromPorts].filter((p) => !toPorts.has(p)).sort((a, b) => a - b),
    },
    resources,
    user: from.user === to.user ? null : { from: from.user, to: to.user },
    homePath: from.homePath === to.homePath ? null : { from: from.homePath, to: to.homePath },
    startScriptChanged: (from.startScript ?? '') !== (to.startScript ?? ''),
    initScriptChanged: (from.initScript ?? '') !== (to.initScript ?? ''),
    capAdd: {
      added: to.capAdd.filter((c) => !from.capAdd.includes(c)),
      removed: from.capAdd.filter((c) => !to.capAdd.includes(c)),
    },
    warnings,
  };
}
