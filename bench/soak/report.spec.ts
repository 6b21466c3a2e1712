import { soakReport, type SoakFigures, type SoakSettings } from './report';
import { type ReplicaSample } from './samplers';

const MB = 1024 * 1024;
const settings: SoakSettings = {
  minutes: 3,
  cycleS: 15,
  maxAgeS: 10,
  clients: 20,
  rate: 200,
  dates: 1,
  fault: { mode: 'http-500', startMs: 72_000, endMs: 99_000 },
  warmupMs: 60_000,
};

/** One replica at a steady RSS and cache size, sampled every 5 s for 3 minutes. */
function replica(rssMb: number, cacheMb: number): ReplicaSample[] {
  return Array.from({ length: 37 }, (_, i) => ({
    atMs: i * 5_000,
    rssBytes: rssMb * MB,
    lagP99S: 0.001,
    cacheBytes: cacheMb * MB,
  }));
}

function figures(replicas: ReplicaSample[][]): SoakFigures {
  return {
    load: { requests: 100, errors: 0, statuses: new Map([[200, 100]]), maxP99Ms: 2 },
    replicas,
    // One call to the one date every cycle.
    cycles: Array.from({ length: 12 }, (_, i) => ({
      startMs: i * 15_000,
      endMs: (i + 1) * 15_000,
      calls: 1,
      byDate: { '2026-12-04': 1 },
    })),
  };
}

describe(soakReport.name, () => {
  it('should report RSS besides the document cache per replica, against 200 MB', () => {
    const report = soakReport(settings, figures([replica(250, 60), replica(180, 1)]));

    expect(report.text).toContain('| 1 | 250 | 250 | 250 | 250 | 0.0 % | 60 | 190 |');
    expect(report.text).toContain('| 2 | 180 | 180 | 180 | 180 | 0.0 % | 1 | 179 |');
    expect(report.text).toContain('- goal RSS − document cache at the end ≤ 200 MB: met');
    expect(report.pass).toBe(true);
  });

  it('should miss the goal when one replica needs more than 200 MB besides its cache', () => {
    const report = soakReport(settings, figures([replica(250, 60), replica(260, 50)]));

    expect(report.text).toContain('| 2 | 260 | 260 | 260 | 260 | 0.0 % | 50 | 210 |');
    expect(report.text).toContain('- goal RSS − document cache at the end ≤ 200 MB: MISSED');
    expect(report.pass).toBe(false);
  });
});
