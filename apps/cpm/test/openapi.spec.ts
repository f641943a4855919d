import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { openApiDocument } from '../src/openapi.js';
import { testCpm, type TestCpm } from './helpers.js';

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** `METHOD /path/{param}` for every route registered on the app. */
function expressRoutes(app: Express): string[] {
  const stack = (app as unknown as { router: { stack: RouteLayer[] } }).router.stack;
  return stack
    .filter((l): l is Required<RouteLayer> => l.route !== undefined)
    .flatMap((l) =>
      Object.keys(l.route.methods)
        .filter((m) => m !== '_all')
        .map((m) => `${m.toUpperCase()} ${l.route.path.replace(/:(\w+)/g, '{$1}')}`),
    )
    .sort();
}

function documentedRoutes(): string[] {
  return Object.entries(openApiDocument.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

describe('OpenAPI document', () => {
  let cpm: TestCpm;
  before(() => {
    cpm = testCpm();
  });
  after(() => cpm.close());

  it('describes exactly the routes the app has', () => {
    const routes = expressRoutes(cpm.app);
    expect(routes).to.include('POST /api/v1/pipelines/{id}/records');
    expect(routes).to.deep.equal(documentedRoutes());
  });

  it('names a role for every authenticated operation and none for public ones', () => {
    for (const ops of Object.values(openApiDocument.paths)) {
      for (const op of Object.values(ops)) {
        const secured = (op.security ?? []).length > 0;
        expect(op['x-required-role'] !== undefined, op.operationId).to.equal(secured);
        if (secured) expect(op.responses, op.operationId).to.include.keys('401', '403');
      }
    }
  });

  it('is served at /api/v1/openapi.json without a key', async () => {
    const res = await request(cpm.app).get('/api/v1/openapi.json').expect(200);
    expect((res.body as { openapi: string }).openapi).to.equal('3.1.0');
    expect(res.body).to.deep.equal(JSON.parse(JSON.stringify(openApiDocument)));
  });
});
