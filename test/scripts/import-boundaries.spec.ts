import path from 'node:path';
import { ESLint } from 'eslint';

/**
 * The import boundaries (tools/import-boundaries.js, wired in eslint.config.js) fail lint on a
 * violation: a lib importing a lib it may not, a lib or app reaching into an app, an API feature
 * folder importing another, production code importing #testing. The project's own config is
 * used; only the boundary rule runs, without type information, so each probe takes milliseconds.
 * The probes are files that do not exist: ESLint lints the text as if it were at that path.
 */
const root = process.cwd();
const eslint = new ESLint({
  cwd: root,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});

async function problems(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const probe = 1;\n`, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

describe('import boundaries', () => {
  it.each([
    ['a lib imports a lib outside its list', 'libs/domain/src/probe.ts', "import { sleep } from '#runtime';"],
    ['a lib imports an app', 'libs/runtime/src/probe.ts', "import '../../../apps/api/src/main.js';"],
    [
      'a nested lib file imports an app',
      'libs/testing/src/lab/probe.ts',
      "import '../../../../apps/worker/src/main.js';",
    ],
    ['a lib reaches into another lib by path', 'libs/auth/src/probe.ts', "import '../../persistence/src/index.js';"],
    ['an app imports another app', 'apps/worker/src/probe.ts', "import '../../api/src/main.js';"],
    ['the CLI imports a server lib', 'apps/cli/src/probe.ts', "import { RUNTIME_DRIVER } from '#runtime';"],
    [
      'the contract imports a server lib',
      'libs/contract/src/probe.ts',
      "import { PrismaService } from '#persistence';",
    ],
    ['the portal imports a server lib', 'apps/portal/src/probe.tsx', "import '../../../libs/runtime/src/index.js';"],
    ['production code imports #testing', 'apps/worker/src/lifecycle/probe.ts', "import { waitFor } from '#testing';"],
    ['an API folder imports another', 'apps/api/src/proxy/probe.ts', "import '../terminal/terminal.gateway.js';"],
    ['an API folder imports a sibling module', 'apps/api/src/exec/probe.ts', "import '../admin/admin.module.js';"],
  ])('%s: lint fails', async (_what, file, source) => {
    const found = await problems(file, source);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^no-restricted-imports: /);
  });

  it.each([
    ['a lib imports a lib on its list', 'libs/runtime/src/probe.ts', "import { BerthError } from '#domain';"],
    ['a lib imports its own files', 'libs/testing/src/lab/probe.ts', "import '../wait-for.js';"],
    ['an API folder imports the shared places', 'apps/api/src/proxy/probe.ts', "import '../access/access.module.js';"],
    ['the API root wires every folder', 'apps/api/src/probe.ts', "import './terminal/terminal.module.js';"],
    ['a spec imports #testing and test/', 'apps/worker/src/lifecycle/probe.spec.ts', "import '#testing';"],
    [
      'a fixture reads the test env',
      'apps/worker/src/lifecycle/probe.fixture.ts',
      "import '../../../../test/setup/test-env.js';",
    ],
  ])('%s: lint passes', async (_what, file, source) => {
    expect(await problems(file, source)).toEqual([]);
  });
});
