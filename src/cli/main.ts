#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { HttpAdminApi } from './admin-api.client';
import { runCli, settingsFromEnv } from './cli.program';

void runCli(process.argv.slice(2), {
  api: () => new HttpAdminApi(settingsFromEnv(process.env)),
  write: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  writeErr: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path, 'utf8'),
  // exitCode, not exit(): what was written reaches a pipe before the process ends.
}).then((code) => (process.exitCode = code));
