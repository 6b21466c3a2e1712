import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { standaloneConfig } from '../../test/support/standalone-config';
import { ScheduleDate } from '../domain/schedule-key';
import { HttpUpstreamClient } from './http-upstream.client';
import { UpstreamError } from './upstream.errors';

describe(HttpUpstreamClient.name, () => {
  const ENVELOPE = '{"Result":[{"ServiceCompanyId":59}],"Message":"","IsSuccess":true}';
  let body: string;
  let chunked: boolean;
  let answered: Promise<void>;
  let server: Server;
  let connections: number;
  let connectionHeaders: (string | undefined)[];
  let client: HttpUpstreamClient;

  beforeEach(async () => {
    connections = 0;
    connectionHeaders = [];
    body = ENVELOPE;
    chunked = false;
    let answer!: () => void;
    answered = new Promise((resolve) => (answer = resolve));
    server = createServer((request, response) => {
      connectionHeaders.push(request.headers.connection);
      response.setHeader('content-type', 'application/json');
      response.on('finish', answer);
      if (chunked) {
        response.write(body);
      }
      response.end(request.method === 'HEAD' || chunked ? undefined : body);
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new HttpUpstreamClient(
      standaloneConfig({ UPSTREAM_BASE_URL: `http://127.0.0.1:${port}` }).upstream,
      { recordUpstream: () => undefined },
    );
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('should open a connection per call and ask the upstream to close it', async () => {
    await client.fetchSchedule('2026-06-01' as ScheduleDate);
    await client.fetchUsers();
    await client.ping(2_000);

    expect(connections).toBe(3);
    expect(connectionHeaders).toEqual(['close', 'close', 'close']);
  });

  describe('memory reservation', () => {
    const DATE = '2026-06-01' as ScheduleDate;

    it('should read no body until its Content-Length is reserved, even once the upstream has sent it all', async () => {
      let asked!: (length: number | null) => void;
      const reserving = new Promise<number | null>((resolve) => (asked = resolve));
      let grant!: (bytes: number) => void;
      let settled = false;
      const fetching = client.fetchSchedule(DATE, {
        reserve: (length) => new Promise((resolve) => ((grant = resolve), asked(length))),
        grow: () => undefined,
      });
      void fetching.finally(() => (settled = true));
      const [length] = await Promise.all([reserving, answered]);
      await new Promise((resolve) => setImmediate(resolve));

      expect(length).toBe(Buffer.byteLength(ENVELOPE));
      expect(settled).toBe(false);
      grant(Buffer.byteLength(ENVELOPE));
      expect([...(await fetching).keys()]).toEqual([59]);
    });

    it('should reserve the size expected for an answer without Content-Length and count the bytes beyond it', async () => {
      chunked = true;
      const asked: (number | null)[] = [];
      const grown: number[] = [];

      await client.fetchSchedule(DATE, {
        reserve: (length) => Promise.resolve((asked.push(length), 10)),
        grow: (bytes) => void grown.push(bytes),
      });

      expect(asked).toEqual([null]);
      expect(grown).toEqual([1024 * 1024]);
    });
  });

  it.each([
    ['{"Result":[', 'invalid-json', 'Upstream answered invalid JSON'],
    [
      '{"Result":null,"Message":"Database timeout","IsSuccess":false}',
      'not-success',
      'Upstream answered IsSuccess other than true',
    ],
    [
      '{"Result":[],"IsSuccess":"true"}',
      'not-success',
      'Upstream answered IsSuccess other than true',
    ],
    ['[]', 'not-success', 'Upstream answered IsSuccess other than true'],
    [
      '{"Result":{},"IsSuccess":true}',
      'invalid-result',
      'Upstream Result is not an array of objects',
    ],
    [
      '{"Result":[1],"IsSuccess":true}',
      'invalid-result',
      'Upstream Result is not an array of objects',
    ],
    [
      '{"Result":[{"ServiceCompanyId":"59"}],"IsSuccess":true}',
      'invalid-result',
      'Upstream Result[0] has no positive integer ServiceCompanyId',
    ],
    [
      '{"Result":[{"ServiceCompanyId":7},{"ServiceCompanyId":"../1"}],"IsSuccess":true}',
      'invalid-result',
      'Upstream Result[1] has no positive integer ServiceCompanyId',
    ],
    [
      '{"Result":[{"ServiceCompanyId":1.5}],"IsSuccess":true}',
      'invalid-result',
      'Upstream Result[0] has no positive integer ServiceCompanyId',
    ],
    [
      '{"Result":[{"ServiceCompanyId":0}],"IsSuccess":true}',
      'invalid-result',
      'Upstream Result[0] has no positive integer ServiceCompanyId',
    ],
    [
      '{"Result":[{"JobInformationId":1}],"IsSuccess":true}',
      'invalid-result',
      'Upstream Result[0] has no positive integer ServiceCompanyId',
    ],
  ])('should refuse the schedule %s as %s', async (text, kind, message) => {
    body = text;
    const refusal = client.fetchSchedule('2026-06-01' as ScheduleDate);

    await expect(refusal).rejects.toBeInstanceOf(UpstreamError);
    await expect(refusal).rejects.toMatchObject({ kind, message });
  });
});
