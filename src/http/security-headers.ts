import { onRequestHookHandler } from 'fastify';
import helmet from 'helmet';
import { IncomingMessage, ServerResponse } from 'node:http';

// HTML pages (Swagger UI, Bull Board) and their assets; everything else answers JSON.
const PAGE = /^\/(docs|admin\/queues)(\/|\?|$)/;

type Headers = Record<string, string>;

/** The headers a helmet middleware sets: they depend on its options only, so they are made once. */
function headersOf(middleware: ReturnType<typeof helmet>): Headers {
  const headers: Headers = {};
  const response = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  middleware({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

// Made once instead of running helmet's middleware chain per request. JSON answers get the
// headers that matter to an API; the rest of helmet's set only concerns HTML documents.
export const JSON_SECURITY_HEADERS = headersOf(
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    // The domain's owner decides for sibling hosts, not this service.
    strictTransportSecurity: { includeSubDomains: false },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  }),
);

// Helmet's default policy: the pages' own scripts, inline styles, Bull Board's web fonts.
// Not upgrade-insecure-requests: the pages must load over a plain-HTTP port-forward too.
const forPages = headersOf(
  helmet({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    strictTransportSecurity: { includeSubDomains: false },
  }),
);

/**
 * Every answer's fixed headers in one hook: X-Request-Id, and helmet's security headers with a
 * Content-Security-Policy fit for pages or JSON.
 */
export const responseHeaders: onRequestHookHandler = (request, reply, done) => {
  void reply
    .headers(PAGE.test(request.url) ? forPages : JSON_SECURITY_HEADERS)
    .header('x-request-id', request.id);
  done();
};
