import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { standaloneConfig } from '../../test/support/standalone-config';
import { ScheduleDate } from '../domain/schedule-key';
import { HttpUpstreamClient, validateSchedule } from './http-upstream.client';
import { UpstreamError } from './upstream.errors';

describe(validateSchedule.name, () => {
  it('should return each job company in order', () => {
    const text =
      '{"Result":[{"ServiceCompanyId":59},{"ServiceCompanyId":137}],"Message":"","IsSuccess":true}';
    expect(validateSchedule(text)).toEqual([59, 137]);
  });

  it.each([
    ['{"Result":[', 'invalid-json'],
    ['{"Result":null,"Message":"Database timeout","IsSuccess":false}', 'not-success'],
    ['{"Result":[],"IsSuccess":"true"}', 'not-success'],
    ['[]', 'not-success'],
    ['{"Result":{},"IsSuccess":true}', 'invalid-result'],
    ['{"Result":[1],"IsSuccess":true}', 'invalid-result'],
    ['{"Result":[{"ServiceCompanyId":"59"}],"IsSuccess":true}', 'invalid-result'],
    ['{"Result":[{"ServiceCompanyId":"../1"}],"IsSuccess":true}', 'invalid-result'],
    ['{"Result":[{"ServiceCompanyId":1.5}],"IsSuccess":true}', 'invalid-result'],
    ['{"Result":[{"ServiceCompanyId":0}],"IsSuccess":true}', 'invalid-result'],
    ['{"Result":[{"JobInformationId":1}],"IsSuccess":true}', 'invalid-result'],
  ])('should refuse %s as %s', (text, kind) => {
    let error: unknown;
    try {
      validateSchedule(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).kind).toBe(kind);
  });
});

describe(HttpUpstreamClient.name, () => {
  const ENVELOPE = '{"Result":[{"ServiceCompanyId":59}],"Message":"","IsSuccess":true}';
  let server: Server;
  let connections: number;
  let connectionHeaders: (string | undefined)[];
  let client: HttpUpstreamClient;

  beforeEach(async () => {
    connections = 0;
    connectionHeaders = [];
    server = createServer((request, response) => {
      connectionHeaders.push(request.headers.connection);
      response.setHeader('content-type', 'application/json');
      response.end(request.method === 'HEAD' ? undefined : ENVELOPE);
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
});
