import { AuthMessages } from '../src/auth/auth.errors';
import { COMPANY_ID_MESSAGE } from '../src/common/company-id.pipe';
import { DEFAULT_FEATURE_TOGGLES } from '../src/features/feature-toggles';
import { SHOW_ALL_TOGGLES } from './support/feature-toggles';
import { azuriteConnectionString, startAzurite } from './support/services';
import { HttpRequest, request } from './support/http';
import { blobEtags, startTestApp, TestApp } from './support/test-app';
import { AS_ADMIN } from './support/tokens';
import { waitFor } from './support/wait';

const NO_UPSTREAM = 'http://127.0.0.1:9';
const TTL_MS = '200';

/** What a body that is no object gets told: every toggle, in order. */
const EVERY_TOGGLE_MISSING = Object.keys(SHOW_ALL_TOGGLES)
  .map((name) => `${name} must be a boolean value`)
  .join('; ');

/** A call as the static admin unless `init` names another token (or `token: undefined`). */
const adminCall = (url: string, init: HttpRequest = {}) => request(url, { ...AS_ADMIN, ...init });

describe('GET and PUT /api/admin/companies/:id/feature-toggles', () => {
  let stack: TestApp;
  let companyId = 100;
  let url: string;

  beforeAll(async () => {
    stack = await startTestApp({ UPSTREAM_BASE_URL: NO_UPSTREAM, FEATURE_TOGGLES_TTL_MS: TTL_MS });
  });

  afterAll(async () => {
    await stack.close();
  });

  beforeEach(() => {
    companyId += 1;
    url = `${stack.url}/api/admin/companies/${companyId}/feature-toggles`;
  });

  it('should answer the privacy-first defaults for a company that never set toggles', async () => {
    const response = await adminCall(url);

    expect(response.status).toBe(200);
    expect(response.json()).toEqual({
      serviceCompanyId: companyId,
      toggles: DEFAULT_FEATURE_TOGGLES,
      version: 'default',
      updatedAt: null,
      updatedBy: null,
    });
  });

  it('should store a PUT in the company blob and answer it on GET', async () => {
    const toggles = { ...SHOW_ALL_TOGGLES, TechDashboard_DisplayRoomRate: false };

    const put = await adminCall(url, { method: 'PUT', json: toggles });
    const get = await adminCall(url);

    expect(put.status).toBe(200);
    expect(put.json()).toMatchObject({
      serviceCompanyId: companyId,
      toggles,
      updatedBy: 'admin-api-token',
    });
    expect(put.json<{ version: string }>().version).not.toBe('default');
    expect(get.json()).toEqual(put.json());
    const etags = await blobEtags(stack.config.blob);
    expect(`"${etags.get(`feature-toggles/${companyId}.json`)}"`).toBe(
      put.json<{ version: string }>().version,
    );
  });

  it('should let a second replica on the same container see the PUT once its TTL passed', async () => {
    const other = await startTestApp({
      UPSTREAM_BASE_URL: NO_UPSTREAM,
      FEATURE_TOGGLES_TTL_MS: TTL_MS,
      BLOB_CONTAINER: stack.config.blob.container,
    });
    try {
      const otherUrl = `${other.url}/api/admin/companies/${companyId}/feature-toggles`;
      expect((await adminCall(otherUrl)).json()).toMatchObject({ version: 'default' });

      const put = await adminCall(url, { method: 'PUT', json: SHOW_ALL_TOGGLES });

      const seen = await waitFor('the PUT on the other replica', async () => {
        const json = (await adminCall(otherUrl)).json<{ version: string }>();
        return json.version !== 'default' && json;
      });
      expect(seen).toEqual(put.json());
    } finally {
      await other.close();
    }
  });

  it('should answer the last known toggles, or the defaults, and refuse a PUT with storage down', async () => {
    const azurite = await startAzurite();
    const down = await startTestApp({
      UPSTREAM_BASE_URL: NO_UPSTREAM,
      // Every read goes to storage, so each GET below meets the outage.
      FEATURE_TOGGLES_TTL_MS: '0',
      AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(azurite.port),
      BLOB_TIMEOUT_MS: '500',
    });
    try {
      const known = `${down.url}/api/admin/companies/${companyId}/feature-toggles`;
      const never = `${down.url}/api/admin/companies/${companyId + 1000}/feature-toggles`;
      const saved = await adminCall(known, { method: 'PUT', json: SHOW_ALL_TOGGLES });
      await azurite.stop();

      const put = await adminCall(never, { method: 'PUT', json: SHOW_ALL_TOGGLES });
      const get = await adminCall(known);

      expect([put.status, put.json()]).toEqual([
        503,
        { message: 'Blob storage unavailable: feature toggles not saved' },
      ]);
      expect([get.status, get.json()]).toEqual([200, saved.json()]);
      const unknown = await adminCall(never);
      expect(unknown.status).toBe(200);
      expect(unknown.json()).toMatchObject({
        toggles: DEFAULT_FEATURE_TOGGLES,
        version: 'default',
      });
    } finally {
      await down.close();
      await azurite.stop();
    }
  });

  describe('refusals', () => {
    it.each([
      'abc',
      '0',
      '-1',
      '1.5',
      '007',
      '0x1F',
      '1e3',
      '2147483648',
      '..%2F1',
      '%D9%A1%D9%A2',
    ])('should answer 400 for the company id %s', async (id) => {
      const badUrl = `${stack.url}/api/admin/companies/${id}/feature-toggles`;

      for (const init of [{}, { method: 'PUT', json: SHOW_ALL_TOGGLES }]) {
        const response = await adminCall(badUrl, init);
        expect([response.status, response.json()]).toEqual([400, { message: COMPANY_ID_MESSAGE }]);
      }
    });

    it.each<[string, unknown, string]>([
      [
        'a missing toggle',
        { ...SHOW_ALL_TOGGLES, TechDashboard_HideDiscounts: undefined },
        'TechDashboard_HideDiscounts must be a boolean value',
      ],
      [
        'a string for a boolean',
        { ...SHOW_ALL_TOGGLES, TechDashboard_DisplayBillRate: 'true' },
        'TechDashboard_DisplayBillRate must be a boolean value',
      ],
      [
        'a number for a boolean',
        { ...SHOW_ALL_TOGGLES, TechDashboard_DisplayCustomerEmails: 1 },
        'TechDashboard_DisplayCustomerEmails must be a boolean value',
      ],
      [
        'null for a boolean',
        { ...SHOW_ALL_TOGGLES, TechDashboard_DisplayRoomRate: null },
        'TechDashboard_DisplayRoomRate must be a boolean value',
      ],
      ['an unknown field', { ...SHOW_ALL_TOGGLES, Extra: true }, 'property Extra should not exist'],
      ['an empty object', {}, 'TechDashboard_DisplayBillRate must be a boolean value'],
      ['an array', [SHOW_ALL_TOGGLES], 'TechDashboard_DisplayBillRate must be a boolean value'],
    ])('should answer 400 naming the field for %s', async (_what, body, message) => {
      const response = await adminCall(url, { method: 'PUT', json: body });

      expect(response.status).toBe(400);
      expect(response.json()).toEqual({ message: expect.stringContaining(message) as string });
      expect((await adminCall(url)).json()).toMatchObject({ version: 'default' });
    });

    it.each([
      ['null', 'null', { message: EVERY_TOGGLE_MISSING }],
      ['a string', '"yes"', { message: EVERY_TOGGLE_MISSING }],
      [
        'no body',
        undefined,
        { message: "Body cannot be empty when content-type is set to 'application/json'" },
      ],
      [
        'invalid JSON',
        '{"TechDashboard_DisplayBillRate":',
        { message: "Body is not valid JSON but content-type is set to 'application/json'" },
      ],
    ])('should answer 400 with a JSON message for %s', async (_what, body, expected) => {
      const response = await adminCall(url, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body,
      });

      expect(response.status).toBe(400);
      expect(response.json()).toEqual(expected);
    });

    it('should answer 413 with a JSON message for a body over 16 KB', async () => {
      const body = { ...SHOW_ALL_TOGGLES, padding: 'x'.repeat(17 * 1024) };

      const response = await adminCall(url, { method: 'PUT', json: body });

      expect(response.status).toBe(413);
      expect(response.json()).toEqual({ message: 'Request body is too large' });
    });

    it.each([undefined, 'wrong-token-0123456789'])(
      'should answer 401 to GET and PUT with the token %s',
      async (token) => {
        const get = await adminCall(url, { token });
        const put = await adminCall(url, { method: 'PUT', json: SHOW_ALL_TOGGLES, token });

        expect(get.status).toBe(401);
        expect(put.status).toBe(401);
        expect(put.json()).toEqual(get.json());
        const message = token === undefined ? AuthMessages.missing : AuthMessages.invalid;
        expect(get.json()).toEqual({ message });
        expect((await adminCall(url)).json()).toMatchObject({ version: 'default' });
      },
    );
  });
});
