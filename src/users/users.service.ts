import { Injectable, Logger } from '@nestjs/common';
import { BlobNames } from '../blob/blob-names';
import { BlobStorage } from '../blob/blob.storage';
import { errorMessage } from '../common/error-message';
import { SCHEDULE_CONTENT_TYPE } from '../domain/schedule-document';
import { UpstreamClient } from '../upstream/upstream.client';

export interface UsersAnswer {
  readonly body: Buffer;
  readonly source: 'cache' | 'upstream';
}

/** The portal users directory, cached in blob storage by a sync job and by every miss. */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly upstream: UpstreamClient,
    private readonly storage: BlobStorage,
  ) {}

  /** Copies the directory; the upstream client refuses a bad answer before anything is written. */
  async sync(): Promise<{ bytes: number; users: number }> {
    return this.store(await this.upstream.fetchUsers());
  }

  async get(): Promise<UsersAnswer> {
    try {
      const stored = await this.storage.read(BlobNames.users());
      if (stored) {
        return { body: stored.body, source: 'cache' };
      }
    } catch (error) {
      this.logger.warn(`Blob storage unavailable, answering from upstream: ${errorMessage(error)}`);
      return { body: Buffer.from(await this.upstream.fetchUsers(), 'utf8'), source: 'upstream' };
    }
    const text = await this.upstream.fetchUsers();
    try {
      await this.store(text);
    } catch (error) {
      this.logger.warn(`Users directory not stored: ${errorMessage(error)}`);
    }
    return { body: Buffer.from(text, 'utf8'), source: 'upstream' };
  }

  private async store(text: string): Promise<{ bytes: number; users: number }> {
    const body = Buffer.from(text, 'utf8');
    await this.storage.write(BlobNames.users(), { body, contentType: SCHEDULE_CONTENT_TYPE });
    const users = (JSON.parse(text) as { Result: unknown[] }).Result.length;
    this.logger.log({ msg: 'users directory stored', users, bytes: body.length });
    return { bytes: body.length, users };
  }
}
