import { onRequestHookHandler } from 'fastify';
import helmet from 'helmet';

// HTML pages (Swagger UI, Bull Board) and their assets; everything else answers JSON.
const PAGE = /^\/(docs|admin\/queues)(\/|\?|$)/;

// Built once: helmet compiles its options, which would cost a few µs on every hit.
const forJson = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  // The domain's owner decides for sibling hosts, not this service.
  strictTransportSecurity: { includeSubDomains: false },
});

// Helmet's default policy: the pages' own scripts, inline styles, Bull Board's web fonts.
// Not upgrade-insecure-requests: the pages must load over a plain-HTTP port-forward too.
const forPages = helmet({
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  strictTransportSecurity: { includeSubDomains: false },
});

/** Helmet's security headers on every answer, with a Content-Security-Policy fit for each. */
export const securityHeaders: onRequestHookHandler = (request, reply, done) => {
  (PAGE.test(request.url) ? forPages : forJson)(request.raw, reply.raw, (error?: unknown) =>
    done(error as Error | undefined),
  );
};
