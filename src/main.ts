import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  // Instead of enableShutdownHooks(), which re-raises the signal: a clean drain exits 0.
  // One drain for all signals: Ctrl-C under scripts/start.sh sends SIGINT, then SIGTERM.
  const logger = new Logger('Shutdown');
  let draining = false;
  const drain = (signal: NodeJS.Signals): void => {
    if (draining) {
      logger.log(`${signal} received: already draining`);
      return;
    }
    draining = true;
    logger.log(`${signal} received: draining`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, drain);
  }
  await app.listen(config.port, config.host);
}

void bootstrap();
