import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../src/app.factory';
import { PACKAGE_ROOT } from '../../src/common/package-version';
import { loadConfig } from '../../src/config/app-config';
import { buildOpenApiDocument } from '../../src/docs/openapi';

export const OPENAPI_PATH = join(PACKAGE_ROOT, 'openapi.json');

/** The committed form of `/docs-json`: two-space JSON and a final newline. */
export function openApiText(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

// Builds the application without starting it (nothing served, queued or stored), then exits
// without closing: closing would wait for a Redis this needs none of.
async function main(): Promise<void> {
  const app = await createApp(
    loadConfig({
      UPSTREAM_BASE_URL: 'http://127.0.0.1:9',
      AUTH_DISABLED: 'true',
      LOG_LEVEL: 'silent',
    }),
  );
  writeFileSync(OPENAPI_PATH, openApiText(buildOpenApiDocument(app)));
  process.exit(0);
}

if (require.main === module) {
  void main();
}
