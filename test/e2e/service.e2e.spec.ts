import request from 'supertest';
import { signIn, testAdmin, testBaseUrl } from '#testing';

/** The service-level contract: health, readiness, the OpenAPI document, the body limit. */
describe('service endpoints', () => {
  const api = (): ReturnType<typeof request> => request(testBaseUrl());

  it('/healthz answers without credentials and without touching dependencies', async () => {
    const res = await api().get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok' });
  });

  it('/readyz reports Postgres, Redis and Docker each as up', async () => {
    const res = await api().get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      details: { postgres: { status: 'up' }, redis: { status: 'up' }, docker: { status: 'up' } },
    });
  });

  it('serves the OpenAPI document with the workspace routes', async () => {
    const res = await api().get('/api/openapi.json');
    expect(res.status).toBe(200);
    const paths = Object.keys((res.body as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/workspaces',
        '/api/v1/workspaces/{id}/start',
        '/api/v1/templates',
        '/api/v1/tokens',
        '/api/v1/auth/login',
      ]),
    );
  });

  it('refuses a body over 1 MB with 413 problem+json', async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    const res = await admin.post('/templates', {
      name: 'huge',
      description: 'x'.repeat(1_100_000),
      spec: { image: 'berth/busybox:test' },
    });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('answers 404 problem+json for an unknown route', async () => {
    const res = await api().get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});
