import { configSchema, type BerthConfig } from './config.schema.js';

/** Parses the environment; on failure names each bad variable and exits, without a stack trace. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): BerthConfig {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  process.stderr.write(`berth: invalid configuration: ${problems}\n`);
  process.exit(1);
}
