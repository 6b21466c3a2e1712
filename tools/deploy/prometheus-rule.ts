import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
export const ALERTS_PATH = join(ROOT, 'deploy/prometheus/alerts.yml');
export const PROMETHEUS_RULE_PATH = join(ROOT, 'deploy/k8s/prometheusrule.yaml');

const HEADER = `# Generated from deploy/prometheus/alerts.yml by \`npm run gen:prometheus-rule\`: edit that file,
# then regenerate (tools/deploy/manifests.spec.ts fails when they differ). Needs the Prometheus
# Operator's CRDs; \`release\` is the label kube-prometheus-stack's ruleSelector matches by default:
# set it to your Helm release name (docs/production-setup.md).
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: schedule-cache
  labels:
    app.kubernetes.io/name: schedule-cache
    release: kube-prometheus-stack
spec:
`;

/** alerts.yml's groups, comments included, as the spec of a PrometheusRule. */
export function prometheusRule(alertsYml: string): string {
  const groups = alertsYml.slice(alertsYml.search(/^groups:/m)).trimEnd();
  return HEADER + groups.replace(/^(?=.)/gm, '  ') + '\n';
}

if (require.main === module) {
  writeFileSync(PROMETHEUS_RULE_PATH, prometheusRule(readFileSync(ALERTS_PATH, 'utf8')));
}
