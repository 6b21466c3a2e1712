import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createUpstreamSim, UpstreamSim } from '../tools/upstream-sim/upstream-sim';
import { RunningPrometheus, startPrometheus } from './support/services';
import { ScheduleRefreshService } from '../src/refresh/schedule-refresh.service';
import { request } from './support/http';
import { getSchedule } from './support/schedule-api';
import { startTestApp, TestApp } from './support/test-app';
import { AS_ADMIN } from './support/tokens';
import { waitFor } from './support/wait';

const ROOT = join(__dirname, '..');
const ALERTS = join(ROOT, 'deploy', 'prometheus', 'alerts.yml');
const ALERT_TESTS = join(ROOT, 'deploy', 'prometheus', 'alerts.test.yml');
const DASHBOARD = join(ROOT, 'deploy', 'grafana', 'schedule-cache.json');
const ALERTMANAGER = join(ROOT, 'deploy', 'prometheus', 'alertmanager.yml');
const PROMTOOL = '/usr/bin/promtool';
const AMTOOL = '/usr/bin/amtool';
const DATE = '2026-07-01';
const HITS_AFTER_STORE = 9;

interface ToolRun {
  status: number | null;
  stdout: string;
  output: string;
}

/** Runs Prometheus' or Alertmanager's command-line tool (Debian packages). */
function tool(path: string, args: string[], input?: string): ToolRun {
  const run = spawnSync(path, args, { cwd: ROOT, input, encoding: 'utf8' });
  if (run.error) {
    throw new Error(`${path} did not run (scripts/test.sh installs it): ${run.error.message}`);
  }
  return { status: run.status, stdout: run.stdout, output: `${run.stdout}${run.stderr}` };
}

const promtool = (args: string[], input?: string) => tool(PROMTOOL, args, input);
const amtool = (args: string[]) => tool(AMTOOL, args);

/** Asserts exit status 0, showing the tool's output in the failure message. */
function expectSuccess(run: ToolRun): void {
  expect({ status: run.status, output: run.output }).toEqual({
    status: 0,
    output: expect.any(String) as unknown,
  });
}

function alertRules(): { alert: string; expr: string }[] {
  const file = parse(readFileSync(ALERTS, 'utf8')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  return file.groups.flatMap((group) => group.rules);
}

function alertExpressions(): string[] {
  return alertRules().map((rule) => rule.expr);
}

/** The alert names an inhibit rule's `alertname="…"` or `alertname=~"A|B"` matchers name. */
function alertNames(matchers: string[]): string[] {
  return matchers.flatMap((matcher) => {
    const names = /^alertname=~?"(.*)"$/.exec(matcher)?.[1];
    return names === undefined ? [] : names.split('|');
  });
}

function dashboardExpressions(): string[] {
  interface Panel {
    targets?: { expr?: string }[];
    panels?: Panel[];
  }
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: Panel[];
    templating: { list: { definition?: string }[] };
  };
  const panels = (list: Panel[]): Panel[] =>
    list.flatMap((panel) => [panel, ...panels(panel.panels ?? [])]);
  return [
    ...panels(dashboard.panels).flatMap((panel) =>
      (panel.targets ?? []).map((target) => target.expr ?? ''),
    ),
    ...dashboard.templating.list.map((variable) => variable.definition ?? ''),
  ];
}

/** Metric families (`# TYPE name type`) of an exposition. */
function families(exposition: string): Map<string, string> {
  return new Map(
    [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => [name, type]),
  );
}

/** The family a series name belongs to: itself, or a histogram's `_bucket`/`_count`/`_sum`. */
function familyOf(name: string, known: Map<string, string>): string | undefined {
  if (known.has(name)) {
    return name;
  }
  const base = name.replace(/_(bucket|count|sum)$/, '');
  return known.get(base) === 'histogram' ? base : undefined;
}

/**
 * Keeps only the `schedule_cache_` families. prom-client's default Node metrics fail
 * `promtool check metrics` (exit 3) on names we do not control: nodejs_active_handles_total,
 * nodejs_active_requests_total and nodejs_active_resources_total are gauges ending in `_total`.
 */
function ownFamiliesOnly(exposition: string): string {
  const blocks = exposition.split(/(?=^# HELP )/m);
  return blocks.filter((block) => block.startsWith('# HELP schedule_cache_')).join('');
}

describe('Observability', () => {
  let sim: UpstreamSim;
  let stack: TestApp;
  let prometheus: RunningPrometheus | undefined;
  /** Status and X-Cache of each schedule request of the scripted traffic. */
  const driven: [number, unknown][] = [];

  beforeAll(async () => {
    sim = await createUpstreamSim({ companies: 4, latencyMs: { min: 5, max: 10 } });
    stack = await startTestApp({ UPSTREAM_BASE_URL: sim.url });

    // Scripted traffic for the metrics below: one miss, stored, then a known number of hits.
    const drive = async () => {
      const answer = await getSchedule(
        stack.url,
        { date: DATE, companyId: sim.companyIds()[0] },
        AS_ADMIN,
      );
      driven.push([answer.status, answer.headers['x-cache']]);
    };
    await drive();
    await stack.app.get(ScheduleRefreshService).drain();
    for (let i = 0; i < HITS_AFTER_STORE; i += 1) {
      await drive();
    }
  });

  afterAll(async () => {
    await prometheus?.stop();
    await stack?.close();
    await sim?.close();
  });

  const scrape = async (): Promise<string> => (await request(`${stack.url}/metrics`)).text();

  it('should have valid alert rules that pass their promtool unit tests', () => {
    expectSuccess(promtool(['check', 'rules', ALERTS]));
    expectSuccess(promtool(['test', 'rules', ALERT_TESTS]));
  });

  it('should expose metrics that pass promtool check metrics', async () => {
    const exposition = await scrape();
    const own = ownFamiliesOnly(exposition);

    expect(own).toContain('# TYPE schedule_cache_requests_total counter');
    expectSuccess(promtool(['check', 'metrics'], own));
  });

  it('should expose every metric that the alerts and the dashboard use', async () => {
    const known = families(await scrape());
    const used = new Set(
      [...alertExpressions(), ...dashboardExpressions()].flatMap((expr) =>
        [...expr.matchAll(/\bschedule_cache_[a-z_]+/g)].map(([name]) => name),
      ),
    );

    expect(used.size).toBeGreaterThanOrEqual(10);
    const missing = [...used].filter((name) => familyOf(name, known) === undefined);
    expect(missing).toEqual([]);
    // ScheduleCachePregenStale falls back to the pod's start time (prom-client's default metric).
    expect(known.get('process_start_time_seconds')).toBe('gauge');
  });

  it('should be scraped by Prometheus, which computes the hit ratio that was driven', async () => {
    const target = new URL(stack.url).host;
    prometheus = await startPrometheus(
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${JSON.stringify(ALERTS)}`,
        'scrape_configs:',
        '  - job_name: schedule-cache',
        '    static_configs:',
        `      - targets: [${JSON.stringify(target)}]`,
        '',
      ].join('\n'),
    );
    const promUrl = prometheus.url;
    const query = async (
      expr: string,
    ): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
      const answer = await request(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = answer.json<{
        status: string;
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      }>();
      expect(body.status).toBe('success');
      return body.data.result;
    };

    expect(driven).toEqual([[200, 'MISS'], ...Array(HITS_AFTER_STORE).fill([200, 'HIT'])]);
    const expected = HITS_AFTER_STORE / (HITS_AFTER_STORE + 1);
    const ratioExpr =
      'sum(schedule_cache_requests_total{result="hit"})' +
      ' / sum(schedule_cache_requests_total{result=~"hit|miss"})';

    const ratio = await waitFor(`Prometheus to compute the hit ratio ${expected}`, async () => {
      const [sample] = await query(ratioExpr);
      return sample !== undefined && Number(sample.value[1]) === expected && sample;
    });
    expect(Number(ratio.value[1])).toBeCloseTo(expected, 12);

    const up = await query(`up{job="schedule-cache"}`);
    expect(up.map(({ metric, value }) => [metric.instance, value[1]])).toEqual([[target, '1']]);

    // Prometheus itself loaded every rule of alerts.yml.
    const rules = (await request(`${promUrl}/api/v1/rules`)).json<{
      data: { groups: { name: string; rules: { name: string }[] }[] };
    }>();
    expect(rules.data.groups.map((group) => [group.name, group.rules.length])).toEqual([
      ['schedule-cache', alertExpressions().length],
    ]);
  });
});

describe('Alert delivery: deploy/prometheus/alertmanager.yml', () => {
  const config = parse(readFileSync(ALERTMANAGER, 'utf8')) as {
    inhibit_rules: { source_matchers: string[]; target_matchers: string[] }[];
  };

  it('should pass amtool check-config', () => {
    expectSuccess(amtool(['check-config', ALERTMANAGER]));
  });

  it.each([
    ['critical', 'on-call-webhook,team-email'],
    ['warning', 'team-email'],
    ['info', 'team-email'],
  ])('should route %s alerts to %s', (severity, receivers) => {
    const routed = amtool([
      'config',
      'routes',
      'test',
      `--config.file=${ALERTMANAGER}`,
      `severity=${severity}`,
    ]);

    expect({ status: routed.status, receivers: routed.stdout.trim() }).toEqual({
      status: 0,
      receivers,
    });
  });

  it('should hold back the pre-generation alerts while ScheduleCachePregenPaused fires', () => {
    const byPause = config.inhibit_rules.filter((rule) =>
      alertNames(rule.source_matchers).includes('ScheduleCachePregenPaused'),
    );

    expect(byPause.flatMap((rule) => alertNames(rule.target_matchers)).sort()).toEqual([
      'ScheduleCachePregenFailures',
      'ScheduleCachePregenJobsFailed',
      'ScheduleCachePregenStale',
    ]);
  });

  it('should name only alerts of alerts.yml in its inhibit rules', () => {
    const defined = alertRules().map((rule) => rule.alert);
    const named = config.inhibit_rules.flatMap((rule) =>
      alertNames([...rule.source_matchers, ...rule.target_matchers]),
    );

    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !defined.includes(name))).toEqual([]);
  });
});
