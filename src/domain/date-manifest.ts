import { CompanyId, ScheduleDate, toCompanyId } from './schedule-key';

export interface ManifestEntry {
  readonly jobs: number;
  readonly sha256: string;
  readonly bytes: number;
}

/** What the last complete refresh of a date wrote: every company that had jobs that day. */
export interface DateManifest {
  readonly date: ScheduleDate;
  readonly generatedAt: string;
  readonly cycleId?: string;
  readonly companies: ReadonlyMap<CompanyId, ManifestEntry>;
}

export function serializeManifest(manifest: DateManifest): Buffer {
  return Buffer.from(
    JSON.stringify({ ...manifest, companies: Object.fromEntries(manifest.companies) }),
    'utf8',
  );
}

/** Null for anything that is not a manifest we wrote: treated like no manifest at all. */
export function parseManifest(bytes: Buffer): DateManifest | null {
  try {
    const raw = JSON.parse(bytes.toString('utf8')) as {
      date: ScheduleDate;
      generatedAt: string;
      cycleId?: string;
      companies: Record<string, ManifestEntry>;
    };
    const companies = new Map<CompanyId, ManifestEntry>();
    for (const [key, entry] of Object.entries(raw.companies)) {
      const companyId = toCompanyId(key);
      if (companyId === null || typeof entry?.sha256 !== 'string') {
        return null;
      }
      companies.set(companyId, entry);
    }
    return { date: raw.date, generatedAt: raw.generatedAt, cycleId: raw.cycleId, companies };
  } catch {
    return null;
  }
}
