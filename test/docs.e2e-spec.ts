import { readFileSync } from 'node:fs';
import { QueryMessages } from '../src/domain/schedule-key';
import { OPENAPI_PATH, openApiText } from '../tools/openapi/write-openapi';
import { HttpAnswer, request } from './support/http';
import { SCHEDULE_PATH } from './support/schedule-api';
import { startTestApp, TestApp } from './support/test-app';

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
}

/** Every route the application registers, with the statuses its documentation must list. */
const ROUTES: readonly { method: string; path: string; statuses: string[] }[] = [
  {
    method: 'get',
    path: '/api/dr-schedule',
    statuses: ['200', '304', '400', '401', '403', '429', '502', '503', '504'],
  },
  {
    method: 'get',
    path: '/api/dr-schedule/users',
    statuses: ['200', '401', '403', '502', '503', '504'],
  },
  { method: 'post', path: '/api/admin/pregen', statuses: ['202', '400', '401', '403', '503'] },
  { method: 'post', path: '/api/admin/users/sync', statuses: ['202', '401', '403', '503'] },
  { method: 'get', path: '/api/admin/jobs', statuses: ['200', '400', '401', '403', '503'] },
  { method: 'get', path: '/api/admin/jobs/{id}', statuses: ['200', '401', '403', '404', '503'] },
  { method: 'get', path: '/api/admin/cycles', statuses: ['200', '400', '401', '403', '503'] },
  { method: 'get', path: '/api/admin/pregen/schedule', statuses: ['200', '401', '403', '503'] },
  {
    method: 'put',
    path: '/api/admin/pregen/schedule',
    statuses: ['200', '400', '401', '403', '503'],
  },
  { method: 'get', path: '/api/admin/serve-mode', statuses: ['200', '401', '403', '503'] },
  { method: 'put', path: '/api/admin/serve-mode', statuses: ['200', '400', '401', '403', '503'] },
  {
    method: 'post',
    path: '/api/admin/jobs/{id}/retry',
    statuses: ['202', '401', '403', '404', '409', '503'],
  },
  {
    method: 'get',
    path: '/api/admin/companies/{id}/feature-toggles',
    statuses: ['200', '400', '401', '403'],
  },
  {
    method: 'put',
    path: '/api/admin/companies/{id}/feature-toggles',
    statuses: ['200', '400', '401', '403', '413', '503'],
  },
  { method: 'get', path: '/health', statuses: ['200', '503'] },
  { method: 'get', path: '/health/live', statuses: ['200', '503'] },
  { method: 'get', path: '/health/ready', statuses: ['200', '503'] },
  { method: 'get', path: '/metrics', statuses: ['200'] },
];

describe('OpenAPI documentation: GET /docs-json and /docs', () => {
  let stack: TestApp;
  let served: HttpAnswer;
  let document: OpenApi;

  beforeAll(async () => {
    stack = await startTestApp({ UPSTREAM_BASE_URL: 'http://127.0.0.1:9' });
    served = await request(`${stack.url}/docs-json`);
    document = served.json<OpenApi>();
  });

  afterAll(async () => {
    await stack.close();
  });

  it('should serve an OpenAPI 3 document', () => {
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(document.openapi).toMatch(/^3\./);
    expect(document.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    });
  });

  it('should serve exactly the committed openapi.json (npm run gen:openapi rewrites it)', () => {
    expect(openApiText(document)).toBe(readFileSync(OPENAPI_PATH, 'utf8'));
  });

  it.each(ROUTES)(
    'should document $method $path with its statuses',
    ({ method, path, statuses }) => {
      const operation = document.paths[path]?.[method];

      expect(operation).toBeDefined();
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(statuses));
    },
  );

  it('should document exactly the registered routes', () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );

    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('should require a bearer token on /api routes only', () => {
    for (const { method, path } of ROUTES) {
      const security = (document.paths[path][method] as { security?: unknown[] }).security;
      const guarded = path.startsWith('/api/');
      expect([path, security]).toEqual([path, guarded ? [{ bearer: [] }] : undefined]);
    }
  });

  it('should list the legacy 400 messages of GET /api/dr-schedule', () => {
    const examples = JSON.stringify(document.paths[SCHEDULE_PATH].get.responses['400']);

    // Their exact words are pinned by src/domain/schedule-key.spec.ts.
    for (const message of Object.values(QueryMessages)) {
      expect(examples).toContain(JSON.stringify(message));
    }
  });

  it('should serve the Swagger UI as HTML', async () => {
    const response = await request(`${stack.url}/docs`);

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text()).toContain('swagger-ui');
  });
});
