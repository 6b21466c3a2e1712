import { isAdminCredential, isAdminToken } from './admin-credential';

const TOKEN = 'a-long-admin-token-123';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe(isAdminCredential.name, () => {
  it.each([
    [`Bearer ${TOKEN}`, true],
    [`bearer ${TOKEN}`, true],
    [basic('admin', TOKEN), true],
    [basic('anyone', TOKEN), true],
    [`Bearer ${TOKEN}x`, false],
    [`Bearer ${TOKEN.slice(0, -1)}`, false],
    ['Bearer', false],
    [basic(TOKEN, 'wrong'), false],
    [TOKEN, false],
    [undefined, false],
  ])('should judge %s as %s', (header, expected) => {
    expect(isAdminCredential(header, TOKEN)).toBe(expected);
  });

  it('should refuse everything when no token is configured', () => {
    expect(isAdminCredential('Bearer ', undefined)).toBe(false);
    expect(isAdminCredential(basic('admin', ''), '')).toBe(false);
  });
});

describe(isAdminToken.name, () => {
  it.each([
    [TOKEN, TOKEN, true],
    [`${TOKEN}x`, TOKEN, false],
    [TOKEN.slice(0, -1), TOKEN, false],
    [`${TOKEN.slice(0, -1)}4`, TOKEN, false],
    [`${TOKEN}${TOKEN}`, TOKEN, false],
    ['a', 'aa', false],
    ['ä-token', 'ä-token', true],
    ['ä-token', 'a-token', false],
    ['', TOKEN, false],
    ['', '', false],
    [TOKEN, undefined, false],
  ])('should judge %j against %j as %s', (presented, token, expected) => {
    expect(isAdminToken(presented, token)).toBe(expected);
  });
});
