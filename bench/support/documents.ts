/** The documents the scenarios serve: picked from the simulator, or seeded into Azurite. */
import { BlobNames } from '../../src/blob/blob-names';
import { type CompanyId, type ScheduleDate } from '../../src/domain/schedule-key';
import { type ContainerClient } from '@azure/storage-blob';
import { createHash } from 'node:crypto';

import { type UpstreamSim } from '../../tools/upstream-sim/upstream-sim';
import { utcDate } from './schedule-http';

const TARGET_DOC_BYTES = 100 * 1024;
/** Not a simulated company: its document is only ever the seeded one. */
const HOT_COMPANY_ID = 999_001;

export interface SimDocument {
  companyId: number;
  date: string;
  simBytes: number;
}

export interface SeededDocument {
  companyId: number;
  date: string;
  body: Buffer;
}

export interface HotDocument extends SeededDocument {
  etag: string | null;
}

/**
 * The simulated (company, date) whose answer is closest to TARGET_DOC_BYTES, for the scenarios
 * that need the upstream to refresh the document (the sim's answers are ~10-80 KB or ~330 KB).
 */
export function simDocument(sim: UpstreamSim): SimDocument {
  let best = { companyId: 0, date: '', simBytes: 0 };
  for (let offset = 10; offset < 25; offset++) {
    const date = utcDate(offset);
    for (const companyId of sim.companyIds()) {
      const simBytes = Buffer.byteLength(sim.responseBody(date, companyId));
      if (Math.abs(simBytes - TARGET_DOC_BYTES) < Math.abs(best.simBytes - TARGET_DOC_BYTES)) {
        best = { companyId, date, simBytes };
      }
    }
  }
  return best;
}

/** A legacy envelope of ~TARGET_DOC_BYTES: the sim's jobs of one date, as many as fit. */
export function hotDocument(sim: UpstreamSim): SeededDocument {
  const date = utcDate(50);
  const jobs: string[] = [];
  let size = 0;
  for (const job of sim.jobsFor(date)) {
    if (size >= TARGET_DOC_BYTES) {
      break;
    }
    const text = JSON.stringify(job);
    jobs.push(text);
    size += text.length + 1;
  }
  const body = Buffer.from(
    `{"Result":[${jobs.join(',')}],"Message":"Successfully retrieved ${jobs.length} jobs","IsSuccess":true}`,
  );
  return { companyId: HOT_COMPANY_ID, date, body };
}

/** Stores a document straight into the container, with the metadata the service writes. */
export async function seedDocument(
  container: ContainerClient,
  { companyId, date, body }: SeededDocument,
): Promise<void> {
  await container
    .getBlockBlobClient(BlobNames.schedule(companyId as CompanyId, date as ScheduleDate))
    .uploadData(body, {
      blobHTTPHeaders: { blobContentType: 'application/json; charset=utf-8' },
      metadata: {
        sha256: createHash('sha256').update(body).digest('hex'),
        bytes: String(body.length),
        jobs: String(jobCount(body)),
        generatedat: new Date().toISOString(),
      },
    });
}

function jobCount(body: Buffer): number {
  const parsed = JSON.parse(body.toString('utf8')) as { Result?: unknown };
  return Array.isArray(parsed.Result) ? parsed.Result.length : 0;
}

/** The template with its envelope Message made unique: same size ± a few bytes, other bytes. */
export function distinctCopy(template: Buffer, tag: string): Buffer {
  const text = template.toString('utf8');
  const at = text.lastIndexOf('"Message":"');
  if (at < 0) {
    throw new Error('the document has no "Message" to make it distinct');
  }
  const start = at + '"Message":"'.length;
  return Buffer.from(`${text.slice(0, start)}${tag} ${text.slice(start)}`, 'utf8');
}
