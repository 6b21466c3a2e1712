import {
  BadRequestException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ScheduleQueryError } from '../domain/schedule-key';
import { RedisUnavailableError } from '../redis/redis-unavailable.error';
import { UpstreamError } from '../upstream/upstream.errors';
import { errorAnswer } from './error-answer';

describe(errorAnswer.name, () => {
  it.each<[string, unknown, number, string]>([
    ['a schedule query error', new ScheduleQueryError('Invalid date'), 400, 'Invalid date'],
    ["Nest's 404", new NotFoundException('Cannot GET /nope'), 404, 'Cannot GET /nope'],
    [
      'validation messages',
      new BadRequestException({ message: ['a is wrong', 'b is wrong'] }),
      400,
      'a is wrong; b is wrong',
    ],
    [
      "Fastify's 413",
      Object.assign(new Error('Request body is too large'), { statusCode: 413 }),
      413,
      'Request body is too large',
    ],
    [
      'an upstream timeout',
      new UpstreamError('timeout', 'no answer in 30 s'),
      504,
      'Schedule service unavailable: the legacy schedule API did not answer in time',
    ],
    ['anything else', new TypeError('x is undefined'), 500, 'Internal server error'],
  ])('should answer %s with its status and only a message', (_what, error, status, message) => {
    expect(errorAnswer(error)).toEqual({ status, body: { message } });
  });

  it('should answer an upstream call refused for want of a slot with 503 and Retry-After', () => {
    expect(errorAnswer(new UpstreamError('busy', 'no slot in 10000 ms'))).toEqual({
      status: 503,
      body: {
        message:
          'Schedule service unavailable: too many calls to the legacy schedule API are waiting, try again later',
      },
      headers: { 'retry-after': '5' },
    });
  });

  it("should keep a failing health check's report, which probes and operators read", () => {
    const report = { status: 'error', info: {}, error: { blob: { status: 'down' } }, details: {} };

    expect(errorAnswer(new ServiceUnavailableException(report))).toEqual({
      status: 503,
      body: report,
    });
  });

  it('should answer Redis being unavailable with 503, its message and a Retry-After', () => {
    const error = new RedisUnavailableError('list jobs: Redis is unavailable');

    expect(errorAnswer(error)).toEqual({
      status: 503,
      body: { message: 'list jobs: Redis is unavailable' },
      headers: { 'retry-after': '5' },
    });
  });
});
