// Import boundaries, enforced by ESLint's own `no-restricted-imports` (see eslint.config.js and
// docs/architecture.md, "Import rules"). One table says which lib each lib and app may import
// through its `#alias`; a relative import may never leave its own lib or app (checked per folder
// depth, since a pattern sees the import string, not the resolved file).

/** Libs each lib may import. A lib that is not listed here cannot be imported at all. */
export const LIB_IMPORTS = {
  common: [],
  config: ['common'],
  domain: ['common'],
  metrics: ['common'],
  persistence: ['common', 'config', 'domain'],
  queue: ['common', 'config', 'domain', 'persistence'], // the TransitionBuilder writes Build rows
  runtime: ['common', 'config', 'domain', 'metrics'],
  auth: ['common', 'config', 'domain', 'persistence'],
  // The API's views: schemas derived from the domain's unions, shared by the API, CLI, portal and tests.
  contract: ['domain'],
  // Test helpers may build on any lib; no production code imports them (see TEST_FILES).
  testing: ['common', 'config', 'domain', 'metrics', 'persistence', 'queue', 'runtime', 'auth', 'contract'],
};

/** Libs each app may import. Apps never import each other (no alias exists for an app). */
export const APP_IMPORTS = {
  api: ['common', 'config', 'domain', 'metrics', 'persistence', 'queue', 'runtime', 'auth', 'contract'],
  worker: ['common', 'config', 'domain', 'metrics', 'persistence', 'queue', 'runtime'],
  cli: ['common', 'domain', 'contract'],
  // The browser bundle: nothing with Node.js or a server inside it.
  portal: [],
};

/**
 * apps/api/src: a feature folder imports only the shared places (common/, audit/, access/) and
 * its own files. The couplings below exist today and are named so no new one slips in.
 */
const API_SHARED = ['common', 'audit', 'access'];
const API_COUPLINGS = {
  users: ['auth', 'tokens', 'workspaces'], // account actions: reset, tokens, stopping workspaces
  auth: ['users'], // the signed-in user's view
  ssh: ['workspaces'], // start-on-connect
  common: ['metrics'], // the throttler labels by route
};

/** Specs and test fixtures may also use #testing and the repo's test/ folder. */
const TEST_FILES = ['*.spec.ts', '*.fixture.ts'];
const MAX_DEPTH = 3;

const ups = (n) => `(?:\\.\\./){${n}}`;
const onlyAliases = (allowed) => ({
  regex: allowed.length ? `^#(?!(?:${allowed.join('|')})$)` : '^#',
  message: `this lib or app may import only ${allowed.length ? allowed.map((a) => `#${a}`).join(', ') : 'no lib'} (tools/import-boundaries.js)`,
});

/**
 * From `<root>/src/` plus `depth` folders, `depth + 2` times `../` leaves the root (libs/x or
 * apps/x); one more reaches the repository root, where only `rootAllowed` folders may be entered.
 */
const staysInside = (depth, rootAllowed) => ({
  regex: `^${ups(depth + 2)}${rootAllowed.length ? `(?!\\.\\./(?:${rootAllowed.join('|')})/)` : ''}`,
  message: 'a relative import may not leave its lib or app: import a lib through its #alias',
});

/** API feature folders at this depth, the catch-all first: a later block for a file overrides. */
const apiFolders = (depth) =>
  depth === 0
    ? [{ folder: null, siblings: [] }]
    : [
        { folder: '*', siblings: API_SHARED },
        ...Object.entries(API_COUPLINGS).map(([folder, extra]) => ({ folder, siblings: [...API_SHARED, ...extra] })),
      ];

function blocks(root, allowed, rootAllowed, isApi) {
  const out = [];
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const folders = isApi ? apiFolders(depth) : [{ folder: null, siblings: [] }];
    for (const { folder, siblings } of folders) {
      const dir = `${root}/src/${folder ? `${folder}/${'*/'.repeat(depth - 1)}` : '*/'.repeat(depth)}`;
      const sibling = folder
        ? [
            {
              regex: `^${ups(depth)}(?!(?:${siblings.join('|')})/)[^.]`,
              message: `API folders import only ${siblings.map((s) => `${s}/`).join(', ')} and their own files (docs/architecture.md)`,
            },
          ]
        : [];
      const rule = (aliases, rootDirs) => [
        'error',
        { patterns: [onlyAliases(aliases), staysInside(depth, rootDirs), ...sibling] },
      ];
      out.push({ files: [`${dir}*.{ts,tsx}`], rules: { 'no-restricted-imports': rule(allowed, rootAllowed) } });
      out.push({
        files: TEST_FILES.map((name) => dir + name),
        rules: { 'no-restricted-imports': rule([...new Set([...allowed, 'testing'])], [...rootAllowed, 'test']) },
      });
    }
  }
  return out;
}

export const boundaries = [
  ...Object.entries(LIB_IMPORTS).flatMap(([lib, allowed]) => blocks(`libs/${lib}`, allowed, [], false)),
  ...Object.entries(APP_IMPORTS).flatMap(([app, allowed]) =>
    // The portal reads the generated contract (libs/contract/src/generated) as plain files: types and lists only.
    blocks(`apps/${app}`, allowed, app === 'portal' ? ['libs/contract'] : [], app === 'api'),
  ),
];
