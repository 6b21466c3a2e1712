import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BlobNames } from '../../src/blob/blob-names';
import { loadConfig } from '../../src/config/app-config';
import { CompanyId, ScheduleDate } from '../../src/domain/schedule-key';

const POLICY_FILE = join(resolve(__dirname, '../..'), 'deploy/azure/lifecycle-policy.json');
// Azure's limit per rule.
const MAX_PREFIXES = 10;

interface LifecycleRule {
  name: string;
  enabled: boolean;
  type: string;
  definition: {
    filters: { blobTypes: string[]; prefixMatch: string[] };
    actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: number } } };
  };
}

describe('Azure lifecycle policy (deploy/azure/lifecycle-policy.json)', () => {
  const policy = JSON.parse(readFileSync(POLICY_FILE, 'utf8')) as { rules: LifecycleRule[] };
  const [rule] = policy.rules;
  const defaults = loadConfig({
    UPSTREAM_BASE_URL: 'http://upstream.invalid',
    AUTH_DISABLED: 'true',
  });
  const container = defaults.blob.container;
  const matches = (name: string) =>
    rule.definition.filters.prefixMatch.some((prefix) => `${container}/${name}`.startsWith(prefix));
  const date = '2026-01-31' as ScheduleDate;

  it('should be one enabled lifecycle rule deleting block blobs', () => {
    expect(policy.rules).toHaveLength(1);
    expect(rule).toMatchObject({ enabled: true, type: 'Lifecycle' });
    expect(rule.definition.filters.blobTypes).toEqual(['blockBlob']);
    expect(rule.definition.filters.prefixMatch.length).toBeLessThanOrEqual(MAX_PREFIXES);
  });

  it('should match every document and manifest name, and nothing else the service stores', () => {
    const dated = [
      ...[1, 9, 26, 137, 2_147_483_647].map((id) => BlobNames.schedule(id as CompanyId, date)),
      BlobNames.manifest(date),
    ];
    const others = [BlobNames.users(), BlobNames.featureToggles(26 as CompanyId), 'health/probe'];

    expect(dated.filter((name) => !matches(name))).toEqual([]);
    expect(others.filter(matches)).toEqual([]);
  });

  it('should keep a document at least RETENTION_DAYS after its date by default', () => {
    // A pre-generated document is last written once its date enters the window, PREGEN_DAYS early.
    expect(rule.definition.actions.baseBlob.delete.daysAfterModificationGreaterThan).toBe(
      defaults.retention.days + defaults.pregen.days,
    );
  });
});
