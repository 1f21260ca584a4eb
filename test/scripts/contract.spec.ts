import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type OpenAPIObject } from '@nestjs/swagger';
import { describeApi, type NestRoute } from '../../apps/api/src/openapi-document.js';
import { GENERATED_CONTRACT, generateContractTypes } from '../../apps/api/src/contract-types.js';

/**
 * The API contract (docs/architecture.md, "The contract"), checked without a server: the OpenAPI
 * document passes Redocly's recommended rules, every route Nest registers is in it with its
 * responses, and the committed generated types are what `npm run contract` would write now.
 */
const root = process.cwd();
let document: OpenAPIObject;
let routes: NestRoute[];

beforeAll(async () => {
  ({ document, routes } = await describeApi());
});

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
}

function redoclyLint(file: string): Promise<LintReport> {
  const cli = path.join(root, 'node_modules/.bin/redocly');
  const args = [cli, 'lint', '--config=redocly.yaml', '--format=json', file];
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { cwd: root, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      try {
        resolve(JSON.parse(stdout) as LintReport);
      } catch {
        reject(error ?? new Error(`redocly printed no report: ${stdout}`));
      }
    }),
  );
}

type Operation = { operationId?: string; summary?: string; security?: unknown[]; responses?: Record<string, unknown> };
const operationOf = (route: NestRoute): Operation | undefined =>
  (document.paths[route.path.replace(/:(\w+)/g, '{$1}')] as Record<string, Operation> | undefined)?.[
    route.method.toLowerCase()
  ];

describe('the OpenAPI contract', () => {
  it('passes redocly lint (recommended rules) with no error and no warning', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-openapi-'));
    try {
      const file = path.join(dir, 'openapi.json');
      fs.writeFileSync(file, JSON.stringify(document));
      const report = await redoclyLint(file);
      const found = report.problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`);
      expect(found).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('describes every route Nest registers, with an operationId, a summary, security and responses', () => {
    expect(routes.length).toBeGreaterThan(60);
    const problems: string[] = [];
    for (const route of routes) {
      const op = operationOf(route);
      const name = `${route.method} ${route.path}`;
      if (!op) {
        problems.push(`${name}: not in the document`);
        continue;
      }
      if (!op.operationId || !op.summary)
        problems.push(`${name}: no @Operation (apps/api/src/common/api-operation.ts)`);
      if (!op.security) problems.push(`${name}: no security`);
      const codes = Object.keys(op.responses ?? {});
      if (!codes.some((c) => /^[23]\d\d$/.test(c))) problems.push(`${name}: no success response`);
      if (!codes.some((c) => /^4\d\d$/.test(c))) problems.push(`${name}: no error response`);
    }
    expect(problems).toEqual([]);
  });

  it('has no operation that Nest does not register', () => {
    const registered = new Set(routes.map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`));
    const documented = Object.entries(document.paths).flatMap(([p, methods]) =>
      Object.keys(methods as object).map((m) => `${m} ${p}`),
    );
    expect(documented.filter((d) => !registered.has(d))).toEqual([]);
  });

  it('has committed generated types that match the document (npm run contract)', async () => {
    const committed = fs.readFileSync(GENERATED_CONTRACT, 'utf8');
    // Not toEqual on 4000 lines: a stale file is named with the fix.
    const fresh = await generateContractTypes();
    if (committed !== fresh) throw new Error(`${GENERATED_CONTRACT} is stale: run \`npm run contract\` and commit it`);
  });
});
