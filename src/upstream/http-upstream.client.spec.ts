import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { standaloneConfig } from '../../test/support/standalone-config';
import { ScheduleDate } from '../domain/schedule-key';
import { HttpUpstreamClient } from './http-upstream.client';
import { UpstreamError } from './upstream.errors';

describe(HttpUpstreamClient.name, () => {
  const ENVELOPE = '{"Result":[{"ServiceCompanyId":59}],"Message":"","IsSuccess":true}';
  let body: string;
  let server: Server;
  let connections: number;
  let connectionHeaders: (string | undefined)[];
  let client: HttpUpstreamClient;

  beforeEach(async () => {
    connections = 0;
    connectionHeaders = [];
    body = ENVELOPE;
    server = createServer((request, response) => {
      connectionHeaders.push(request.headers.connection);
      response.setHeader('content-type', 'application/json');
      response.end(request.method === 'HEAD' ? undefined : body);
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
