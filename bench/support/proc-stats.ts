/** Memory and CPU time of processes and of the whole machine, from Linux's /proc. */
import { readFile } from 'node:fs/promises';

/** A `kB` line of /proc/<pid>/status (VmRSS, VmHWM) in bytes; null when unreadable. */
export async function procStatusBytes(pid: number, key: 'VmRSS' | 'VmHWM'): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** User + system CPU seconds of a process so far (USER_HZ = 100); null when unreadable. */
export async function procCpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 here (0-based: 11, 12).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * Busy CPU seconds of the whole machine so far (aggregate line of /proc/stat, USER_HZ = 100):
 * everything but idle, iowait and steal. null where unreadable.
 */
export async function machineBusySeconds(): Promise<number | null> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    if (ticks.length < 7 || ticks.some((t) => !Number.isFinite(t))) {
      return null;
    }
    const [user, nice, system, , , irq, softirq] = ticks;
    return (user + nice + system + irq + softirq) / 100;
  } catch {
    return null;
  }
}

/** Samples a process's VmRSS every `intervalMs` until stopped. */
export class RssSampler {
  private max = 0;
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  private async sample(): Promise<void> {
    const rss = await procStatusBytes(this.pid, 'VmRSS');
    if (rss !== null) {
      this.max = Math.max(this.max, rss);
      this.samples++;
    }
  }

  stop(): { maxBytes: number; samples: number } {
    clearInterval(this.timer);
    return { maxBytes: this.max, samples: this.samples };
  }
}
