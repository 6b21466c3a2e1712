import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest package.json above this file: the repo's from src/, dist/ and dist-tools/, /app's in the image. */
function packageJsonPath(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      return path;
    }
    if (dirname(dir) === dir) {
      throw new Error(`No package.json above ${__dirname}`);
    }
  }
}

const manifest = packageJsonPath();

/** The folder of package.json: the repo, or /app in the image. */
export const PACKAGE_ROOT = dirname(manifest);

/** The version of the running build, from package.json. */
export const PACKAGE_VERSION = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string })
  .version;
