import { isDatabaseUnavailable } from './database-errors.js';

/** The shapes below were observed from Prisma 6 + @prisma/adapter-pg against a stopped and a restarting Postgres. */
describe('isDatabaseUnavailable', () => {
  const adapterError = (cause: object): Error =>
    Object.assign(new Error('driver adapter error'), { name: 'DriverAdapterError', cause });
  const prismaError = (code: string, meta: object = {}): Error =>
    Object.assign(new Error('prisma error'), { name: 'PrismaClientKnownRequestError', code, meta });

  it.each([
    [
      'a pooled connection cut by a restart (57P01)',
      adapterError({ kind: 'postgres', code: '57P01', message: 'terminating connection due to administrator command' }),
    ],
    [
      'a stopped server, raw query (P2010 wrapping DatabaseNotReachable)',
      prismaError('P2010', {
        driverAdapterError: {
          name: 'DriverAdapterError',
          cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 },
        },
      }),
    ],
    ['a stopped server in a transaction (P1001)', prismaError('P1001')],
    [
      'a query cut mid-way (P2010 with 57P01)',
      prismaError('P2010', { driverAdapterError: { cause: { kind: 'postgres', code: '57P01' } } }),
    ],
    [
      'a socket error from node-postgres',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    [
      'every pooled connection busy past maxWait (P2028, seen in a burst)',
      Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), {
        name: 'PrismaClientKnownRequestError',
        code: 'P2028',
      }),
    ],
  ])('recognises %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', prismaError('P2002')],
    ['a syntax error', adapterError({ kind: 'postgres', code: '42601', message: 'syntax error' })],
    ['a record not found', prismaError('P2025')],
    ['a plain error', new Error('boom')],
    ['not an error at all', 'P1001'],
  ])('does not take %s for an outage', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
