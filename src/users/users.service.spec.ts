import { InMemoryBlobStorage } from '../../test/support/in-memory-blob.storage';
import { BlobNames } from '../blob/blob-names';
import { ScheduleDocument } from '../domain/schedule-document';
import { CompanyId } from '../domain/schedule-key';
import { UpstreamClient } from '../upstream/upstream.client';
import { UpstreamError } from '../upstream/upstream.errors';
import { UsersService } from './users.service';

const DIRECTORY =
  '{"Result":[{"UserId":1}],"Message":"Successfully retrieved 1 users","IsSuccess":true}';
const OLDER = '{"Result":[],"Message":"Successfully retrieved 0 users","IsSuccess":true}';

/** Answers the users directory with `answer`, or fails with it; counts calls. */
class UsersUpstream extends UpstreamClient {
  calls = 0;
  constructor(public answer: string | Error) {
    super();
  }
  fetchSchedule(): Promise<Map<CompanyId, ScheduleDocument>> {
    return Promise.reject(new Error('not used'));
  }
  fetchUsers(): Promise<string> {
    this.calls += 1;
    return this.answer instanceof Error
      ? Promise.reject(this.answer)
      : Promise.resolve(this.answer);
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }
}

describe('UsersService', () => {
  let storage: InMemoryBlobStorage;
  let upstream: UsersUpstream;
  let users: UsersService;

  beforeEach(() => {
    storage = new InMemoryBlobStorage();
    upstream = new UsersUpstream(DIRECTORY);
    users = new UsersService(upstream, storage);
  });

  const stored = async () => (await storage.read(BlobNames.users()))?.body.toString();

  describe('get', () => {
    it('should store what a miss fetched, so the next call is a hit', async () => {
      const miss = await users.get();
      const hit = await users.get();

      expect([miss.source, miss.body.toString()]).toEqual(['upstream', DIRECTORY]);
      expect([hit.source, hit.body.toString()]).toEqual(['cache', DIRECTORY]);
      expect(upstream.calls).toBe(1);
    });

    it('should answer a miss even when the write fails', async () => {
      storage.failWrites.add(BlobNames.users());

      const answer = await users.get();

      expect([answer.source, answer.body.toString()]).toEqual(['upstream', DIRECTORY]);
      expect(storage.writes).toBe(0);
    });

    it('should answer from upstream without writing while storage cannot be read', async () => {
      storage.failReads = true;

      const answer = await users.get();

      expect([answer.source, answer.body.toString()]).toEqual(['upstream', DIRECTORY]);
      expect(storage.writes).toBe(0);
    });
  });

  describe('sync', () => {
    it('should store the directory and count its users', async () => {
      const result = await users.sync();

      expect(result).toEqual({ bytes: Buffer.byteLength(DIRECTORY), users: 1 });
      expect(await stored()).toBe(DIRECTORY);
    });

    it('should keep the stored directory when the upstream answer is refused', async () => {
      upstream.answer = OLDER;
      await users.sync();
      upstream.answer = new UpstreamError(
        'not-success',
        'Upstream answered IsSuccess other than true',
      );

      await expect(users.sync()).rejects.toThrow('IsSuccess other than true');
      expect(await stored()).toBe(OLDER);
      expect(storage.writes).toBe(1);
    });
  });
});
