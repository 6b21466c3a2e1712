import { IncomingMessage, ServerResponse } from 'node:http';
import pino from 'pino';
import { InMemoryBlobStorage } from '../../test/support/in-memory-blob.storage';
import { LocalRefreshCoordinator } from '../../test/support/local-refresh.coordinator';
import { ScriptedUpstream } from '../../test/support/scripted-upstream';
import { standaloneConfig } from '../../test/support/standalone-config';
import { Authenticator } from '../auth/authenticator';
import { AuthenticationError } from '../auth/auth.errors';
import { Principal } from '../auth/principal';
import { TokenVerifier } from '../auth/token-verifier';
import { FeatureTogglesService } from '../features/feature-toggles.service';
import { MetricsService } from '../metrics/metrics.service';
import { RateLimiter, Refusal } from '../rate-limit/rate-limiter';
import { DocumentCache } from './document-cache';
import { RefreshRequests } from './refresh-requests';
import { ScheduleHitLane } from './schedule-hit-lane';
import { CompanyId, ScheduleDate } from './schedule-key';
import { ScheduleRefreshService } from './schedule-refresh.service';
import { ScheduleResponder } from './schedule-responder';
import { ScheduleViews } from './schedule-views.service';
import { ScheduleService } from './schedule.service';

const ADMIN_TOKEN = 'lane-admin-token-0123456789';
const OFFICE_TOKEN = 'office-token';
const TECHNICIAN_TOKEN = 'technician-token';
const DATE = '2026-12-01' as ScheduleDate;
const COMPANY = 59 as CompanyId;
const PATH = `/api/dr-schedule?startDate=${DATE}&endDate=${DATE}`;

/** Tokens this replica verified before, as the JWT verifier's cache would hold them. */
class KnownTokens extends TokenVerifier {
  readonly principals = new Map<string, Principal>([
    [OFFICE_TOKEN, { role: 'office', subject: 'o', companyId: COMPANY }],
    [TECHNICIAN_TOKEN, { role: 'technician', subject: 't', companyId: COMPANY, employeeId: 7 }],
  ]);
  verify(token: string): Promise<Principal> {
    const principal = this.principals.get(token);
    return principal
      ? Promise.resolve(principal)
      : Promise.reject(new AuthenticationError('Invalid token', 'invalid'));
  }
  known(token: string): Principal | undefined {
    return this.principals.get(token);
  }
}

class ScriptedLimiter extends RateLimiter {
  refusal: Refusal | undefined;
  failure: Error | undefined;
  constructor() {
    super(null as never, null as never, [{ name: 'api', limit: 1, path: '/api/' }]);
  }
  override check(): Promise<Refusal | undefined> {
    return this.failure ? Promise.reject(this.failure) : Promise.resolve(this.refusal);
  }
}

class RecordedResponse {
  status?: number;
  headers: Record<string, string> = {};
  body?: Buffer | string;
  writeHead(status: number, headers: Record<string, string>): void {
    this.status = status;
    this.headers = headers;
  }
  end(body?: Buffer | string): void {
    this.body = body;
  }
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): IncomingMessage {
  return { method, url, headers } as unknown as IncomingMessage;
}

const admin = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${ADMIN_TOKEN}`,
  ...extra,
});

describe(ScheduleHitLane.name, () => {
  let schedules: ScheduleService;
  let refresher: ScheduleRefreshService;
  let toggles: FeatureTogglesService;
  let tokens: KnownTokens;

  function lane(env: Record<string, string> = {}, limiter?: RateLimiter): ScheduleHitLane {
    const config = standaloneConfig({
      AUTH_DISABLED: 'false',
      AUTH_JWT_SECRET: 'unit-test-secret-0123456789-0123456789',
      ADMIN_API_TOKEN: ADMIN_TOKEN,
      ...env,
    });
    const storage = new InMemoryBlobStorage();
    const coordinator = new LocalRefreshCoordinator();
    refresher = new ScheduleRefreshService(
      new ScriptedUpstream([
        // Over 1 KB, so that it is worth compressing.
        { JobInformationId: 1, ServiceCompanyId: 59, Notes: 'n'.repeat(2_000) },
        { JobInformationId: 2, ServiceCompanyId: 137 },
      ]),
      storage,
      config,
      coordinator,
    );
    const requests: RefreshRequests = { requestRefresh: () => Promise.resolve() };
    const cache = new DocumentCache(config.cache.memoryBytes);
    schedules = new ScheduleService(storage, refresher, cache, requests, config, coordinator);
    tokens = new KnownTokens();
    toggles = new FeatureTogglesService(storage, config);
    return new ScheduleHitLane(
      new Authenticator(config, tokens),
      new ScheduleViews(toggles),
      schedules,
      new ScheduleResponder(new MetricsService(), config),
      pino({ level: 'silent' }),
      config,
      limiter,
    );
  }

  /** The document stored and held in this replica's memory, as after a first request. */
  async function held(): Promise<Buffer> {
    await schedules.get({ companyId: COMPANY, date: DATE });
    await refresher.drain();
    return (await schedules.get({ companyId: COMPANY, date: DATE })).document.body;
  }

  it('should answer a known caller a document held in memory, with security headers and a request id', async () => {
    const subject = lane();
    const body = await held();
    const response = new RecordedResponse();

    const served = subject.serve(
      get(`${PATH}&serviceCompanyId=${COMPANY}`, admin({ 'x-request-id': 'abc-1' })),
      response as unknown as ServerResponse,
    );

    expect(served).toBe(true);
    expect(response.status).toBe(200);
    expect(response.body).toBe(body);
    expect(response.headers).toMatchObject({
      'x-cache': 'HIT',
      'x-request-id': 'abc-1',
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(body.length),
      'x-content-type-options': 'nosniff',
      vary: 'Accept-Encoding, Authorization',
    });
  });

  it("should answer an office token its own company's document, and 304 to a matching ETag", async () => {
    const subject = lane();
    await held();
    const first = new RecordedResponse();
    const conditional = new RecordedResponse();

    subject.serve(get(PATH, { authorization: `Bearer ${OFFICE_TOKEN}` }), first as never);
    const served = subject.serve(
      get(PATH, { authorization: `Bearer ${OFFICE_TOKEN}`, 'if-none-match': first.headers.etag }),
      conditional as never,
    );

    expect(first.status).toBe(200);
    expect(served).toBe(true);
    expect([conditional.status, conditional.body]).toEqual([304, undefined]);
    expect(conditional.headers['content-length']).toBeUndefined();
  });

  it.each([
    ['a HEAD request', get(`${PATH}&serviceCompanyId=59`, admin(), 'HEAD')],
    ['another path', get(`/api/dr-schedule/users?x=1`, admin())],
    ['no query', get('/api/dr-schedule', admin())],
    ['no Authorization', get(`${PATH}&serviceCompanyId=59`)],
    ['a token not verified yet', get(PATH, { authorization: 'Bearer unseen-jwt' })],
    ['a bad query', get(`/api/dr-schedule?startDate=${DATE}&serviceCompanyId=59`, admin())],
    [
      "another company than the token's",
      get(`${PATH}&serviceCompanyId=60`, { authorization: `Bearer ${OFFICE_TOKEN}` }),
    ],
    ['a document not in memory', get(`${PATH}&serviceCompanyId=137`, admin())],
    [
      'a coding not compressed yet',
      get(`${PATH}&serviceCompanyId=59`, admin({ 'accept-encoding': 'br' })),
    ],
    [
      "a technician whose company's toggles are not in memory",
      get(PATH, { authorization: `Bearer ${TECHNICIAN_TOKEN}` }),
    ],
  ])('should leave %s to the route, unanswered', async (_case, request) => {
    const subject = lane();
    await held();
    const response = new RecordedResponse();

    expect(subject.serve(request, response as never)).toBe(false);
    expect(response.status).toBeUndefined();
  });

  it("should decide each caller's company anew for a query string seen before, and leave a bad one to the route every time", async () => {
    const subject = lane();
    await held();
    const bad = `/api/dr-schedule?startDate=${DATE}&serviceCompanyId=59`;
    const office = new RecordedResponse();

    const answered = [
      subject.serve(get(PATH, { authorization: `Bearer ${OFFICE_TOKEN}` }), office as never),
      // An admin must name the company: the same query string is not enough for it.
      subject.serve(get(PATH, admin()), new RecordedResponse() as never),
      subject.serve(get(bad, admin()), new RecordedResponse() as never),
      subject.serve(get(bad, admin()), new RecordedResponse() as never),
    ];

    expect(answered).toEqual([true, false, false, false]);
    expect(office.status).toBe(200);
  });

  it('should leave every request to the route with debug logging, CORS requests, or after shutdown begins', async () => {
    const request = () =>
      get(`${PATH}&serviceCompanyId=59`, admin({ origin: 'https://portal.example' }));
    const debug = lane({ LOG_LEVEL: 'debug' });
    await held();
    const cors = lane({ CORS_ORIGINS: 'https://portal.example' });
    await held();
    const closing = lane();
    await held();
    closing.onModuleDestroy();

    expect(debug.serve(request(), new RecordedResponse() as never)).toBe(false);
    expect(cors.serve(request(), new RecordedResponse() as never)).toBe(false);
    expect(closing.serve(request(), new RecordedResponse() as never)).toBe(false);
  });

  it("should answer a technician's view once the company's toggles are in memory", async () => {
    const subject = lane();
    await held();
    const request = () => get(PATH, { authorization: `Bearer ${TECHNICIAN_TOKEN}` });
    await toggles.get(COMPANY);
    const technician = tokens.principals.get(TECHNICIAN_TOKEN)!;
    const { view } = new ScheduleViews(toggles).known(technician)!;
    await schedules.get({ companyId: COMPANY, date: DATE }, view);
    const response = new RecordedResponse();

    expect(subject.serve(request(), response as never)).toBe(true);
    expect(response.status).toBe(200);
  });

  it('should answer 429 as the rate-limit hook does when the client is over its budget', async () => {
    const limiter = new ScriptedLimiter();
    limiter.refusal = {
      retryAfterS: 12,
      message: 'Too many requests: at most 2 a minute; retry after 12 s',
    };
    const subject = lane({}, limiter);
    await held();
    const response = new RecordedResponse();

    expect(subject.serve(get(`${PATH}&serviceCompanyId=59`, admin()), response as never)).toBe(
      true,
    );
    await new Promise(setImmediate);

    expect(response.status).toBe(429);
    expect(JSON.parse(String(response.body))).toEqual({ message: limiter.refusal.message });
    expect(response.headers).toMatchObject({
      'retry-after': '12',
      'content-type': 'application/json; charset=utf-8',
    });
  });

  it('should answer at once when no limit counts this path (only the admin limit is set)', async () => {
    const adminOnly = new RateLimiter(null as never, null as never, [
      { name: 'admin', limit: 1, path: '/api/admin/' },
    ]);
    const subject = lane({}, adminOnly);
    await held();
    const response = new RecordedResponse();

    subject.serve(get(`${PATH}&serviceCompanyId=59`, admin()), response as never);

    expect(response.status).toBe(200);
  });

  it('should answer the document when the client is within its budget or the check fails', async () => {
    const limiter = new ScriptedLimiter();
    const subject = lane({}, limiter);
    const body = await held();
    const within = new RecordedResponse();
    const failed = new RecordedResponse();

    subject.serve(get(`${PATH}&serviceCompanyId=59`, admin()), within as never);
    limiter.failure = new Error('boom');
    subject.serve(get(`${PATH}&serviceCompanyId=59`, admin()), failed as never);
    await new Promise(setImmediate);

    expect([within.status, within.body]).toEqual([200, body]);
    expect([failed.status, failed.body]).toEqual([200, body]);
  });
});
