import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIsoDate } from './calendar';
import { scheduleEnvelope, type JobEntry, type ScheduleDataset } from './dataset';
import { serializeJson, type JsonObject } from './dotnet-json';
import { isOpen, JSON_CONTENT_TYPE, sendText, writeChunk } from './http-helpers';
import type { FaultMode, SimState } from './sim-state';

/** What the legacy-API handlers need from the running sim. */
export interface ApiContext {
  dataset: ScheduleDataset;
  state: SimState;
  token: string | undefined;
  hugeBodyBytes: number;
  delay(ms: number): Promise<void>;
}

interface ScheduleQuery {
  date: string;
  companyId: number | undefined;
}

export async function handleSchedule(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const startDate = url.searchParams.get('startDate') ?? '';
  ctx.state.recordCall(isIsoDate(startDate) ? startDate : undefined);
  if (!isAuthorized(ctx, req, res)) {
    return;
  }
  const query = parseScheduleQuery(url.searchParams);
  if (typeof query === 'string') {
    sendText(res, 400, failureBody(query));
    return;
  }
  const fault = ctx.state.takeFault();
  if (fault === 'timeout') {
    // Accept the request and never answer; close() destroys the socket.
    return;
  }
  const delayMs = ctx.state.nextDelayMs();
  ctx.state.recordDelay(query.date, delayMs);
  await ctx.delay(delayMs);
  await answerSchedule(ctx, res, query, fault);
}

export async function handleUsers(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!isAuthorized(ctx, req, res)) {
    return;
  }
  await ctx.delay(ctx.state.nextDelayMs());
  const users = ctx.dataset.users();
  sendText(res, 200, successBody(users, `Successfully retrieved ${users.length} users`));
}

function isAuthorized(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): boolean {
  if (ctx.token === undefined || req.headers.authorization === `Bearer ${ctx.token}`) {
    return true;
  }
  res.setHeader('WWW-Authenticate', 'Bearer');
  sendText(res, 401, failureBody('Authorization has been denied for this request.'));
  return false;
}

function parseScheduleQuery(params: URLSearchParams): ScheduleQuery | string {
  const startDate = params.get('startDate');
  const endDate = params.get('endDate');
  const companyParam = params.get('serviceCompanyId');
  if (!startDate || !endDate) {
    return 'startDate and endDate are required';
  }
  if (!isIsoDate(startDate) || !isIsoDate(endDate)) {
    return 'startDate and endDate must be dates formatted as YYYY-MM-DD';
  }
  if (startDate !== endDate) {
    return 'startDate must equal endDate: the schedule is served one day at a time';
  }
  if (companyParam !== null && !/^[1-9]\d{0,9}$/.test(companyParam)) {
    return 'serviceCompanyId must be a positive integer';
  }
  return { date: startDate, companyId: companyParam === null ? undefined : Number(companyParam) };
}

async function answerSchedule(
  ctx: ApiContext,
  res: ServerResponse,
  query: ScheduleQuery,
  fault: Exclude<FaultMode, 'timeout'>,
): Promise<void> {
  const isCancelled = (id: number, date: string): boolean => ctx.state.isCancelled(id, date);
  if (fault === 'none' && query.companyId === undefined) {
    sendText(
      res,
      200,
      ctx.dataset.allCompaniesBody(query.date, ctx.state.cancellationRevision, isCancelled),
    );
    return;
  }
  const jobs = ctx.dataset.jobs(query.date, query.companyId, isCancelled);
  switch (fault) {
    case 'none':
      sendText(res, 200, scheduleBody(jobs));
      return;
    case 'http-500':
      sendText(res, 500, failureBody('An error has occurred.'));
      return;
    case 'not-success':
      sendText(res, 200, failureBody('Database timeout'));
      return;
    case 'invalid-json':
      sendText(res, 200, truncated(scheduleBody(jobs)));
      return;
    case 'bad-company-id':
      sendText(res, 200, scheduleBody(withCompanyId(ctx, jobs, query.date, '"../1"')));
      return;
    case 'fractional-company-id':
      sendText(res, 200, scheduleBody(withCompanyId(ctx, jobs, query.date, '1.5')));
      return;
    case 'string-company-id':
      sendText(res, 200, scheduleBody(withCompanyId(ctx, jobs, query.date, '"12"')));
      return;
    case 'result-not-array':
      sendText(
        res,
        200,
        '{"Result":{"Jobs":[]},"Message":"Successfully retrieved 0 jobs","IsSuccess":true}',
      );
      return;
    case 'huge':
      await streamHuge(res, nonEmpty(ctx, jobs, query.date), ctx.hugeBodyBytes);
      return;
  }
}

function scheduleBody(jobs: JobEntry[]): string {
  return scheduleEnvelope(jobs.map((job) => job.text));
}

function successBody(result: JsonObject[], message: string): string {
  return serializeJson({ Result: result, Message: message, IsSuccess: true });
}

export function failureBody(message: string): string {
  return serializeJson({ Result: null, Message: message, IsSuccess: false });
}

/** Cut in the middle of the document, so the body is not parseable JSON. */
function truncated(body: string): string {
  return body.slice(0, Math.floor(body.length / 2));
}

function nonEmpty(ctx: ApiContext, jobs: JobEntry[], date: string): JobEntry[] {
  return jobs.length > 0 ? jobs : [ctx.dataset.anyJob(date)];
}

/** One job in the middle gets `literal` (raw JSON) as its ServiceCompanyId. */
function withCompanyId(
  ctx: ApiContext,
  jobs: JobEntry[],
  date: string,
  literal: string,
): JobEntry[] {
  const result = nonEmpty(ctx, jobs, date);
  const victim = Math.floor(result.length / 2);
  // Only jobs have a ServiceCompanyId key, once each, so the first match is the job's own.
  const text = result[victim].text.replace(
    /"ServiceCompanyId":\d+/,
    `"ServiceCompanyId":${literal}`,
  );
  result[victim] = { ...result[victim], text };
  return result;
}

/** A valid but enormous envelope (the date's jobs repeated), sent chunked without Content-Length. */
async function streamHuge(res: ServerResponse, jobs: JobEntry[], minBytes: number): Promise<void> {
  const chunk = jobs.map((job) => job.text).join(',');
  const chunkBytes = Buffer.byteLength(chunk) + 1;
  const repeats = Math.max(1, Math.ceil(minBytes / chunkBytes));
  res.writeHead(200, { 'Content-Type': JSON_CONTENT_TYPE });
  await writeChunk(res, '{"Result":[');
  for (let i = 0; i < repeats && isOpen(res); i++) {
    await writeChunk(res, i === 0 ? chunk : `,${chunk}`);
  }
  if (isOpen(res)) {
    res.end(`],"Message":"Successfully retrieved ${repeats * jobs.length} jobs","IsSuccess":true}`);
  }
}
