import fs from 'node:fs';
import { type Command } from 'commander';
import { templateSpecSchema } from '#domain';
import { type BerthApi, type View } from '../api.js';
import { CliFailure, EXIT } from '../exit-codes.js';
import { print, table } from '../output.js';
import { connect } from './context.js';
import { specChanges } from './spec-compare.js';

type Version = View<'TemplateVersion'>;
export type Template = View<'Template'>;

const listTemplates = (api: BerthApi): Promise<Template[]> =>
  api.all((cursor) => api.client.GET('/api/v1/templates', { params: { query: { limit: 200, cursor } } }));

/** A template kept as code: `{name, description?, spec, message?}` in a JSON file. */
interface TemplateFile {
  name: string;
  description?: string;
  spec: Record<string, unknown>;
  message?: string;
}

export async function findTemplate(api: BerthApi, nameOrId: string): Promise<Template> {
  const found = (await listTemplates(api)).find((t) => t.name === nameOrId || t.id === nameOrId);
  if (!found) throw new CliFailure(`no template named ${nameOrId}`, EXIT.notFound);
  return found;
}

export function registerTemplates(program: Command): void {
  const templates = program.command('templates').description('templates kept as code: ls, show, diff, apply');

  templates
    .command('ls')
    .description('list templates')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const list = await listTemplates(connect());
      print(cmd, list, table([['NAME', 'VERSION', 'ID'], ...list.map((t) => [t.name, String(t.activeVersion), t.id])]));
    });

  templates
    .command('show <template>')
    .description('a template with its promoted spec')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, _opts: unknown, cmd: Command) => {
      const t = await findTemplate(connect(), nameOrId);
      print(cmd, t, [`${t.name} v${t.activeVersion} (${t.id})`, JSON.stringify(t.active?.spec ?? null, null, 2)]);
    });

  templates
    .command('diff')
    .description("what `apply` would change: the file's spec against the template's latest version")
    .requiredOption('-f, --file <file>', 'template JSON file')
    .option('--json', 'print JSON')
    .action(async (opts: { file: string }, cmd: Command) => {
      const api = connect();
      const file = readTemplateFile(opts.file);
      const latest = await latestVersion(api, file.name);
      const changes = latest ? specChanges(latest.spec, normalise(file.spec)) : null;
      print(
        cmd,
        { name: file.name, exists: latest !== null, version: latest?.version ?? null, changes },
        latest === null
          ? `${file.name}: new template`
          : changes?.length
            ? changes.map((c) => `~ ${c.path}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`)
            : `${file.name}: no changes (v${latest.version})`,
      );
    });

  templates
    .command('apply')
    .description('create the template, or a new version when the spec changed (nothing otherwise)')
    .requiredOption('-f, --file <file>', 'template JSON file')
    .option('--json', 'print JSON')
    .action(async (opts: { file: string }, cmd: Command) => {
      const api = connect();
      const file = readTemplateFile(opts.file);
      const existing = (await listTemplates(api)).find((t) => t.name === file.name);
      if (!existing) {
        const created = await api.call(
          api.client.POST('/api/v1/templates', {
            body: {
              name: file.name,
              spec: file.spec,
              ...(file.description === undefined ? {} : { description: file.description }),
              ...(file.message === undefined ? {} : { message: file.message }),
            },
          }),
        );
        return print(cmd, { action: 'created', template: created }, `${file.name}: created (v1)`);
      }
      const latest = await latestVersion(api, file.name);
      if (latest && specChanges(latest.spec, normalise(file.spec)).length === 0)
        return print(
          cmd,
          { action: 'unchanged', version: latest.version },
          `${file.name}: unchanged (v${latest.version})`,
        );
      const version = await api.call(
        api.client.POST('/api/v1/templates/{id}/versions', {
          params: { path: { id: existing.id } },
          body: { spec: file.spec, ...(file.message === undefined ? {} : { message: file.message }) },
        }),
      );
      print(
        cmd,
        { action: 'versioned', version },
        `${file.name}: new version v${version.version} (${version.status}; promote it when it is ready)`,
      );
    });
}

async function latestVersion(api: BerthApi, name: string): Promise<Version | null> {
  const existing = (await listTemplates(api)).find((t) => t.name === name);
  if (!existing) return null;
  const versions = await api.call(
    api.client.GET('/api/v1/templates/{id}/versions', { params: { path: { id: existing.id } } }),
  );
  return versions.reduce<Version | null>((a, v) => (a === null || v.version > a.version ? v : a), null);
}

function readTemplateFile(path: string): TemplateFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliFailure(`${path}: ${error instanceof Error ? error.message : String(error)}`, EXIT.usage);
  }
  const f = parsed as Partial<TemplateFile> | null;
  if (typeof f?.name !== 'string' || typeof f.spec !== 'object' || f.spec === null)
    throw new CliFailure(`${path}: wants {"name": "...", "spec": {...}}`, EXIT.usage);
  return f as TemplateFile;
}

/** The spec as the server stores it (defaults filled in), so an unchanged file compares equal. */
function normalise(spec: Record<string, unknown>): unknown {
  const parsed = templateSpecSchema.safeParse(spec);
  // An invalid spec is left as it is: apply sends it and the server names the problem.
  return parsed.success ? JSON.parse(JSON.stringify(parsed.data)) : spec;
}
