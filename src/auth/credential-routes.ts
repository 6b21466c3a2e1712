export const QUEUE_BOARD_PATH = '/admin/queues';

/** How a route takes its credential: `Bearer` on the API, also a Basic password on the queue UI. */
export type CredentialScheme = 'bearer' | 'browser';

/** The scheme of a matched route; undefined for the public ones (probes, metrics, docs). */
export function credentialScheme(route: string): CredentialScheme | undefined {
  if (route.startsWith('/api/')) {
    return 'bearer';
  }
  return route.startsWith(QUEUE_BOARD_PATH) ? 'browser' : undefined;
}
