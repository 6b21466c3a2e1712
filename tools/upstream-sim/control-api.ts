import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, isRecord, readJsonBody, sendJson } from './http-helpers';
import { isFaultMode, type CallCounts, type FaultMode } from './sim-state';

export const CONTROL_PREFIX = '/__sim/';

/** The part of the sim the control endpoints drive (for tests and operators in other processes). */
export interface SimControls {
  setFault(mode: FaultMode, opts?: { times?: number }): void;
  setLatency(minMs: number, maxMs: number): void;
  reset(): void;
  cancelJobs(companyId: number, date: string): void;
  callCounts(): CallCounts;
  /** Simulated latency (ms) of each answered schedule call, per date. */
  delays(): Record<string, number[]>;
  companyIds(): number[];
  bigCompanyIds(): number[];
}

type ControlHandler = (sim: SimControls, body: Record<string, unknown>) => unknown;

const GET_ROUTES: Record<string, (sim: SimControls) => unknown> = {
  calls: (sim) => sim.callCounts(),
  delays: (sim) => ({ byDate: sim.delays() }),
  companies: (sim) => ({ companyIds: sim.companyIds(), bigCompanyIds: sim.bigCompanyIds() }),
};

const POST_ROUTES: Record<string, ControlHandler> = {
  fault: (sim, body) => {
    const mode = body.mode;
    if (!isFaultMode(mode)) {
      throw new BadRequestError(`mode must be one of the fault modes, got ${JSON.stringify(mode)}`);
    }
    sim.setFault(mode, { times: optionalNumber(body, 'times') });
    return { ok: true };
  },
  latency: (sim, body) => {
    sim.setLatency(requiredNumber(body, 'minMs'), requiredNumber(body, 'maxMs'));
    return { ok: true };
  },
  reset: (sim) => {
    sim.reset();
    return { ok: true };
  },
  cancel: (sim, body) => {
    const date = body.date;
    if (typeof date !== 'string') {
      throw new BadRequestError('date must be a YYYY-MM-DD string');
    }
    sim.cancelJobs(requiredNumber(body, 'companyId'), date);
    return { ok: true };
  },
};

export async function handleControl(
  sim: SimControls,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
): Promise<void> {
  try {
    const result = await dispatch(sim, req, name);
    if (result === undefined) {
      sendJson(res, 404, {
        error: `no control endpoint ${req.method ?? ''} ${CONTROL_PREFIX}${name}`,
      });
      return;
    }
    sendJson(res, 200, result);
  } catch (error) {
    if (error instanceof BadRequestError || error instanceof RangeError) {
      sendJson(res, 400, { error: error.message });
      return;
    }
    throw error;
  }
}

async function dispatch(sim: SimControls, req: IncomingMessage, name: string): Promise<unknown> {
  if (req.method === 'GET' && Object.hasOwn(GET_ROUTES, name)) {
    return GET_ROUTES[name](sim);
  }
  if (req.method === 'POST' && Object.hasOwn(POST_ROUTES, name)) {
    const body = await readJsonBody(req);
    if (!isRecord(body)) {
      throw new BadRequestError('request body must be a JSON object');
    }
    return POST_ROUTES[name](sim, body);
  }
  return undefined;
}

function requiredNumber(body: Record<string, unknown>, key: string): number {
  const value = body[key];
  if (typeof value !== 'number') {
    throw new BadRequestError(`${key} must be a number`);
  }
  return value;
}

function optionalNumber(body: Record<string, unknown>, key: string): number | undefined {
  return body[key] === undefined || body[key] === null ? undefined : requiredNumber(body, key);
}
