import pino from 'pino';
import { Writable } from 'node:stream';
import { lazyChildLogger } from './logger';

describe(lazyChildLogger.name, () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    return { lines, logger: pino({ level: 'info' }, stream) };
  }

  it.each([[{}], [{ level: 'info' }]])(
    'should make no child until a line is logged, then log with the bindings (options %j)',
    (options) => {
      const { lines, logger } = capture();
      const child = jest.spyOn(logger, 'child');

      const log = lazyChildLogger.call(undefined, logger, { reqId: 'r-1' }, options);
      log.debug('below the level');
      expect(child).not.toHaveBeenCalled();
      log.info({ company: 7 }, 'served');

      expect(child).toHaveBeenCalledTimes(1);
      expect(lines).toEqual([expect.objectContaining({ reqId: 'r-1', company: 7, msg: 'served' })]);
      expect(log.level).toBe('info');
    },
  );
});
