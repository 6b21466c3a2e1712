/** What a benchmark ran on, for its report. */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

function osName(): string {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1];
    if (pretty) {
      return `${pretty}, ${os.type()} ${os.release()}`;
    }
  } catch {
    // not Linux: fall through
  }
  return `${os.type()} ${os.release()}`;
}

/** Markdown bullet lines: date, CPU, cores, RAM, Node, OS, load average. */
export function machineLines(): string[] {
  const cpus = os.cpus();
  return [
    `- date: ${new Date().toISOString()}`,
    `- cpu: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} logical cores; ` +
      `RAM ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB`,
    `- node: ${process.version} (${process.platform}/${process.arch}); os: ${osName()}`,
    `- 1-min load average at start: ${os.loadavg()[0].toFixed(2)} ` +
      '(anything else busy on the machine skews the numbers)',
  ];
}
