import { AppConfig, loadConfig } from '../../src/config/app-config';

/** Configuration for a piece built outside the app (unit and adapter specs): boot's minimum plus `env`. */
export function standaloneConfig(env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    UPSTREAM_BASE_URL: 'http://upstream.invalid',
    AUTH_DISABLED: 'true',
    ...env,
  });
}
