import { IncomingMessage } from 'node:http';
import { requestId } from './request-id';

describe(requestId.name, () => {
  const request = (id?: string) =>
    ({ headers: { 'x-request-id': id } }) as unknown as IncomingMessage;
  const NEW_ID = /^[0-9a-f]{12}-[0-9a-z]+$/;

  it('should keep an incoming id made of word characters, dots, colons and dashes', () => {
    expect(requestId(request('portal-42.a:b_c'))).toBe('portal-42.a:b_c');
  });

  it('should replace a missing, unsafe or overlong id with a new one', () => {
    for (const incoming of [undefined, '', 'a b<script>', 'x'.repeat(129)]) {
      expect(requestId(request(incoming))).toMatch(NEW_ID);
    }
  });

  it('should give every request its own id under one prefix per process', () => {
    const ids = Array.from({ length: 1000 }, () => requestId(request()));

    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.split('-')[0])).size).toBe(1);
  });
});
