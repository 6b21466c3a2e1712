import { COMPANY_ID_MESSAGE } from '../src/common/company-id.pipe';
import { FeatureTogglesAdminController } from '../src/features/feature-toggles-admin.controller';
import { DEFAULT_FEATURE_TOGGLES } from '../src/features/feature-toggles';
import { SHOW_ALL_TOGGLES } from './support/feature-toggles';
import { azuriteConnectionString, startAzurite } from './support/services';
import { ADMIN_TOKEN, adminFetch, blobEtags, startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const NO_UPSTREAM = 'http://127.0.0.1:9';
const TTL_MS = '200';

describe(FeatureTogglesAdminController.name, () => {
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
    const response = await adminFetch(url);

    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      serviceCompanyId: companyId,
      toggles: DEFAULT_FEATURE_TOGGLES,
      version: 'default',
      updatedAt: null,
      updatedBy: null,
    });
  });

  it('should store a PUT in the company blob and answer it on GET', async () => {
    const toggles = { ...SHOW_ALL_TOGGLES, TechDashboard_DisplayRoomRate: false };

    const put = await adminFetch(url, { method: 'PUT', body: toggles });
    const get = await adminFetch(url);

    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ serviceCompanyId: companyId, toggles, updatedBy: null });
    expect((put.json as { version: string }).version).not.toBe('default');
    expect(get.json).toEqual(put.json);
    const etags = await blobEtags(stack.config.blob);
    expect(`"${etags.get(`feature-toggles/${companyId}.json`)}"`).toBe(
      (put.json as { version: string }).version,
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
      expect((await adminFetch(otherUrl)).json).toMatchObject({ version: 'default' });

      const put = await adminFetch(url, { method: 'PUT', body: SHOW_ALL_TOGGLES });

      const seen = await waitFor('the PUT on the other replica', async () => {
        const { json } = await adminFetch(otherUrl);
        return (json as { version: string }).version !== 'default' && json;
      });
      expect(seen).toEqual(put.json);
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
      const saved = await adminFetch(known, { method: 'PUT', body: SHOW_ALL_TOGGLES });
      await azurite.stop();

      const put = await adminFetch(never, { method: 'PUT', body: SHOW_ALL_TOGGLES });
      const get = await adminFetch(known);

      expect([put.status, put.json]).toEqual([
        503,
        { message: 'Blob storage unavailable: feature toggles not saved' },
      ]);
      expect([get.status, get.json]).toEqual([200, saved.json]);
      expect(await adminFetch(never)).toMatchObject({
        status: 200,
        json: { toggles: DEFAULT_FEATURE_TOGGLES, version: 'default' },
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

      for (const init of [{}, { method: 'PUT', body: SHOW_ALL_TOGGLES }]) {
        const response = await adminFetch(badUrl, init);
        expect([response.status, response.json]).toEqual([400, { message: COMPANY_ID_MESSAGE }]);
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
      const response = await adminFetch(url, { method: 'PUT', body });

      expect(response.status).toBe(400);
      expect((response.json as { message: string }).message).toContain(message);
      expect((await adminFetch(url)).json).toMatchObject({ version: 'default' });
    });

    it.each([
      ['null', 'null'],
      ['a string', '"yes"'],
      ['no body', undefined],
      ['invalid JSON', '{"TechDashboard_DisplayBillRate":'],
    ])('should answer 400 with a JSON message for %s', async (_what, body) => {
      const response = await fetch(url, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body,
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ message: expect.any(String) });
    });

    it('should answer 413 with a JSON message for a body over 16 KB', async () => {
      const body = { ...SHOW_ALL_TOGGLES, padding: 'x'.repeat(17 * 1024) };

      const response = await adminFetch(url, { method: 'PUT', body });

      expect(response.status).toBe(413);
      expect(response.json).toMatchObject({ message: 'Request body is too large' });
    });

    it.each([null, 'wrong-token-0123456789'])(
      'should answer 401 to GET and PUT with the token %s',
      async (token) => {
        const get = await adminFetch(url, { token });
        const put = await adminFetch(url, { method: 'PUT', body: SHOW_ALL_TOGGLES, token });

        expect([get.status, get.json]).toEqual([401, { message: 'Admin credential required' }]);
        expect([put.status, put.json]).toEqual([401, { message: 'Admin credential required' }]);
        expect((await adminFetch(url)).json).toMatchObject({ version: 'default' });
      },
    );
  });
});
