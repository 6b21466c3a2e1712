import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from './app-config';
import { EnvironmentVariables } from './env.dto';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const variables = [
  ...read('src/config/env.dto.ts').matchAll(/^ {2}([A-Z][A-Z0-9_]+)[!?]?(?::| =)/gm),
].map((m) => m[1]);

describe(EnvironmentVariables.name, () => {
  it('should have every variable it reads in the docs/configuration.md tables', () => {
    const docs = read('docs/configuration.md');
    const documented = new Set(
      [...docs.matchAll(/^\| `([A-Z][A-Z0-9_]+)` +\|/gm)].map((m) => m[1]),
    );

    expect(variables.length).toBeGreaterThan(20);
    expect(variables.filter((name) => !documented.has(name))).toEqual([]);
  });

  describe('.env.example', () => {
    const lines = read('.env.example').split('\n');
    /** `NAME=value` lines, set or commented out with `# `. */
    const entries = lines.flatMap((line) => {
      const match = /^(# )?([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
      return match ? [{ name: match[2], value: match[3], set: match[1] === undefined }] : [];
    });

    it('should list every variable the service reads, and no other', () => {
      const listed = entries.map((entry) => entry.name);

      expect(variables.filter((name) => !listed.includes(name))).toEqual([]);
      expect(listed.filter((name) => !variables.includes(name))).toEqual([]);
    });

    it('should set values that boot the service', () => {
      const set = Object.fromEntries(
        entries.filter((entry) => entry.set).map((entry) => [entry.name, entry.value]),
      );

      expect(() => loadConfig(set)).not.toThrow();
    });
  });
});
