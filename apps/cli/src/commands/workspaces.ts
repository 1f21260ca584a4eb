import { type Command } from 'commander';
import { ApiError, type BerthApi, type Workspace, type WorkspaceSummary } from '../api.js';
import { CliFailure, EXIT } from '../exit-codes.js';
import { print, table, wantsJson } from '../output.js';
import { collect, connect, parseParams } from './context.js';
import { followWorkspace } from './timeline.js';
import { findTemplate } from './templates.js';

/** What a transition waits for with --wait. */
const SETTLES = {
  start: 'running',
  restart: 'running',
  rebuild: 'running',
  update: 'running',
  stop: 'stopped',
} as const;

export const DEFAULT_WAIT_S = '600';

export function registerWorkspaces(program: Command): void {
  const ws = program.command('ws').description('workspaces: create, list, start, stop, exec, logs, remove');

  ws.command('ls')
    .description('list your workspaces')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const list = await connect().workspaces();
      print(
        cmd,
        list,
        list.length === 0
          ? 'no workspaces'
          : table([['NAME', 'STATUS', 'ID'], ...list.map((w) => [w.name, w.status, w.id])]),
      );
    });

  ws.command('show <name>')
    .description('one workspace, in full')
    .option('--json', 'print JSON')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const api = connect();
      const found = await api.workspace((await api.workspaceByName(name)).id);
      print(cmd, found, describe(found));
    });

  ws.command('create <name>')
    .description('create a workspace from a template (name or id)')
    .requiredOption('-t, --template <template>', 'template name or id')
    .option('-p, --param <key=value>', 'a template parameter (repeatable)', collect, [])
    .option('--wait', 'follow the start, stage by stage, until it is running (exit 5 if it fails)')
    .option('--timeout <seconds>', 'how long --wait waits', DEFAULT_WAIT_S)
    .option('--exist-ok', 'a workspace of that name already there is success (scripts run twice)')
    .option('--idempotency-key <key>', 'repeat a create safely (default: a fresh key per run)')
    .option('--json', 'print JSON')
    .action(
      async (
        name: string,
        opts: {
          template: string;
          param: string[];
          wait?: boolean;
          timeout: string;
          existOk?: boolean;
          idempotencyKey?: string;
        },
        cmd: Command,
      ) => {
        const api = connect();
        const template = await findTemplate(api, opts.template);
        let created: Workspace;
        let existed = false;
        try {
          created = await api.call(
            api.client.POST('/api/v1/workspaces', {
              body: { name, templateId: template.id, parameters: parseParams(opts.param) },
              params: { header: opts.idempotencyKey ? { 'Idempotency-Key': opts.idempotencyKey } : {} },
            }),
          );
        } catch (error) {
          if (!(opts.existOk && error instanceof ApiError && error.status === 409)) throw error;
          created = await api.workspaceByName(name);
          existed = true;
          if (created.templateId !== template.id)
            throw new CliFailure(`workspace ${name} exists with another template`, EXIT.conflict);
        }
        const final = opts.wait ? await wait(api, created.id, ['running'], opts.timeout, cmd) : created;
        print(cmd, { ...final, existed }, `${name}: ${existed ? 'exists' : 'created'}, ${final.status}`);
        failIfFailed(final);
      },
    );

  for (const kind of ['start', 'stop', 'restart', 'rebuild', 'update'] as const) {
    ws.command(`${kind} <name>`)
      .description(`${kind} a workspace`)
      .option('--wait', `wait until it is ${SETTLES[kind]}`)
      .option('--timeout <seconds>', 'how long --wait waits', DEFAULT_WAIT_S)
      .option('--json', 'print JSON')
      .action(async (name: string, opts: { wait?: boolean; timeout: string }, cmd: Command) => {
        const api = connect();
        const target = await api.workspaceByName(name);
        const { build } = await api.call(transition(api, kind, target.id));
        if (!opts.wait) return print(cmd, build, `${name}: ${kind} requested (build ${build.id})`);
        const final = await wait(api, target.id, [SETTLES[kind]], opts.timeout, cmd);
        print(cmd, final, `${name}: ${final.status}`);
        failIfFailed(final);
      });
  }

  ws.command('rm <name>')
    .description('delete a workspace (its home volume goes to the trash where the server keeps one)')
    .option('--wait', 'wait until it is gone')
    .option('--timeout <seconds>', 'how long --wait waits', DEFAULT_WAIT_S)
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { wait?: boolean; timeout: string }, cmd: Command) => {
      const api = connect();
      const target = await api.workspaceByName(name);
      await api.call(api.client.DELETE('/api/v1/workspaces/{id}', { params: { path: { id: target.id } } }));
      const final = opts.wait ? await wait(api, target.id, ['deleted'], opts.timeout, cmd) : undefined;
      print(
        cmd,
        { id: target.id, name, status: final?.status ?? 'deleting' },
        `${name}: ${final?.status ?? 'deleting'}`,
      );
    });

  ws.command('logs <name>')
    .description("the latest build's log; -f keeps following new lines")
    .option('-f, --follow', 'follow new log lines until interrupted')
    .option('--json', 'print JSON lines')
    .action(async (name: string, opts: { follow?: boolean }, cmd: Command) => {
      const api = connect();
      const target = await api.workspaceByName(name);
      const [latest] = await api.call(
        api.client.GET('/api/v1/workspaces/{id}/builds', { params: { path: { id: target.id } } }),
      );
      const json = wantsJson(cmd);
      if (latest) {
        const build = await api.call(
          api.client.GET('/api/v1/workspaces/{id}/builds/{buildId}', {
            params: { path: { id: target.id, buildId: latest.id } },
          }),
        );
        for (const l of build.logs ?? [])
          process.stdout.write(json ? `${JSON.stringify(l)}\n` : `${l.at} ${l.stream} ${l.line}\n`);
      }
      if (!opts.follow) return;
      for await (const event of api.events(target.id)) {
        if (event.type !== 'log') continue;
        const data = event.data as { at: string; stream: string; lines: string[] };
        for (const line of data.lines)
          process.stdout.write(
            json
              ? `${JSON.stringify({ at: data.at, stream: data.stream, line })}\n`
              : `${data.at} ${data.stream} ${line}\n`,
          );
      }
    });

  ws.command('exec <name> <command...>')
    .description('run a command in a running workspace (after --); exits with its exit status')
    .option('--timeout <seconds>', 'end the command after this long (1-600)', '60')
    .option('--json', 'print {exitCode, stdout, stderr, truncated}')
    .action(async (name: string, command: string[], opts: { timeout: string }, cmd: Command) => {
      const api = connect();
      const target = await api.workspaceByName(name);
      const result = await api.call(
        api.client.POST('/api/v1/workspaces/{id}/exec', {
          params: { path: { id: target.id } },
          body: { command, timeoutSeconds: Number(opts.timeout) },
        }),
      );
      if (wantsJson(cmd)) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        process.stdout.write(result.stdout);
        process.stderr.write(result.stderr);
      }
      process.exitCode = result.exitCode;
    });
}

/** The typed request of one lifecycle transition. */
function transition(api: BerthApi, kind: keyof typeof SETTLES, id: string) {
  const init = { params: { path: { id } } };
  switch (kind) {
    case 'start':
      return api.client.POST('/api/v1/workspaces/{id}/start', init);
    case 'stop':
      return api.client.POST('/api/v1/workspaces/{id}/stop', init);
    case 'restart':
      return api.client.POST('/api/v1/workspaces/{id}/restart', init);
    case 'rebuild':
      return api.client.POST('/api/v1/workspaces/{id}/rebuild', { ...init, body: {} });
    case 'update':
      return api.client.POST('/api/v1/workspaces/{id}/update', { ...init, body: {} });
  }
}

export async function wait(
  api: BerthApi,
  id: string,
  until: string[],
  timeout: string,
  cmd: Command,
): Promise<WorkspaceSummary> {
  const timeoutS = Number(timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new CliFailure('--timeout wants seconds', EXIT.usage);
  return followWorkspace(api, id, { until, timeoutS, quiet: wantsJson(cmd) });
}

export function failIfFailed(ws: WorkspaceSummary): void {
  if (ws.status === 'failed')
    throw new CliFailure(`workspace ${ws.name} failed: ${ws.lastError ?? 'no reason given'}`, EXIT.server);
}

function describe(w: Workspace): string[] {
  const ports = w.ports;
  return [
    `name:      ${w.name}`,
    `id:        ${w.id}`,
    `status:    ${w.status}${w.lastError ? ` (${w.lastError})` : ''}`,
    `template:  ${w.templateId} v${String(w.templateVersion)}${w.outdated ? ' (a newer version is promoted)' : ''}`,
    ...ports.map((p) => `port ${p.port}: ${p.url} (${p.share})`),
  ];
}
