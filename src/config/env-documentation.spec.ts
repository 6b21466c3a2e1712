import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentVariables } from './env.dto';

const ROOT = join(__dirname, '..', '..');

describe(EnvironmentVariables.name, () => {
  it('should have every variable it reads in the docs/configuration.md tables', () => {
    const dto = readFileSync(join(ROOT, 'src/config/env.dto.ts'), 'utf8');
    const docs = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
    const variables = [...dto.matchAll(/^ {2}([A-Z][A-Z0-9_]+)[!?]?(?::| =)/gm)].map((m) => m[1]);
    const documented = new Set(
      [...docs.matchAll(/^\| `([A-Z][A-Z0-9_]+)` +\|/gm)].map((m) => m[1]),
    );

    expect(variables.length).toBeGreaterThan(20);
    expect(variables.filter((name) => !documented.has(name))).toEqual([]);
  });
});
