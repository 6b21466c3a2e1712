import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// package.json sits two levels above both src/common and dist/common (the image keeps it in /app).
const manifest = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
) as { version: string };

/** The version of the running build, from package.json. */
export const PACKAGE_VERSION = manifest.version;
