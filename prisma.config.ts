// Offline Prisma recipe (ENVIRONMENT.md): the JS engine with the pg driver adapter, so neither
// `generate` nor `migrate deploy` downloads an engine binary.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  adapter: () =>
    Promise.resolve(
      new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/berth' }),
    ),
});
