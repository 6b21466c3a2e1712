import type { SchemaObject } from '@nestjs/swagger';
import { FEATURE_TOGGLE_NAMES } from '../features/feature-toggles';
import { LISTABLE_STATES } from '../pregen/pregen-admin.dto';

/** Shared OpenAPI schemas: the bodies this service answers, described once. */

export const MESSAGE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['message'],
  properties: { message: { type: 'string' } },
};

const JOB_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'One legacy job, exactly as the legacy API wrote it (unknown fields kept).',
  required: ['ServiceCompanyId'],
  properties: {
    JobInformationId: { type: 'integer' },
    ServiceCompanyId: { type: 'integer' },
    JobDate: { type: 'string' },
  },
  additionalProperties: true,
};

export const LEGACY_ENVELOPE_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'The legacy envelope, byte-identical between a miss and the later hit.',
  required: ['Result', 'Message', 'IsSuccess'],
  properties: {
    Result: { type: 'array', items: JOB_SCHEMA },
    Message: { type: 'string', example: 'Successfully retrieved 1 jobs' },
    IsSuccess: { type: 'boolean', example: true },
  },
};

export const LEGACY_ENVELOPE_EXAMPLE = {
  Result: [
    {
      JobInformationId: 9912001,
      ServiceCompanyId: 26,
      JobDate: '2026-11-23T00:00:00',
      ScheduledStartTime: '2026-11-23T08:30:00',
      ScheduledEndTime: '2026-11-23T11:00:00',
      JobStatus: 'Scheduled',
    },
  ],
  Message: 'Successfully retrieved 1 jobs',
  IsSuccess: true,
};

export const USERS_ENVELOPE_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'The legacy users envelope, bytes as the legacy API wrote them.',
  properties: {
    Result: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          UserId: { type: 'integer' },
          Email: { type: 'string' },
          FirstName: { type: 'string' },
          LastName: { type: 'string' },
          ServiceCompanyId: { type: 'integer' },
          Role: { type: 'string' },
          EmployeeInformationId: { type: 'integer', nullable: true },
        },
        additionalProperties: true,
      },
    },
    Message: { type: 'string', example: 'Successfully retrieved 40 users' },
    IsSuccess: { type: 'boolean', example: true },
  },
};

export const ENQUEUED_CYCLE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['cycleId', 'jobs'],
  properties: {
    cycleId: { type: 'string', example: 'manual-2026-11-23T10:31:07.123Z' },
    jobs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'date'],
        properties: {
          id: { type: 'string', example: 'refresh:2026-11-23:manual-2026-11-23T10:31:07.123Z' },
          date: { type: 'string', format: 'date', example: '2026-11-23' },
        },
      },
    },
  },
};

const NULLABLE_TIME: SchemaObject = { type: 'string', format: 'date-time', nullable: true };

export const JOB_VIEW_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'name', 'state', 'attempts', 'createdAt', 'processedAt', 'finishedAt'],
  properties: {
    id: { type: 'string', example: 'refresh:2026-11-23:cron-2026-11-23T10:30:00.000Z' },
    name: { type: 'string' },
    state: { type: 'string', enum: [...LISTABLE_STATES] },
    date: { type: 'string', format: 'date' },
    cycleId: { type: 'string' },
    attempts: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    processedAt: NULLABLE_TIME,
    finishedAt: NULLABLE_TIME,
    result: {
      type: 'object',
      nullable: true,
      description:
        'A refresh job: date, companies, written, unchanged, emptied, failed, bytes, upstreamMs, durationMs.',
      additionalProperties: true,
    },
    error: { type: 'string', nullable: true },
  },
};

export const JOB_DETAILS_SCHEMA: SchemaObject = {
  ...JOB_VIEW_SCHEMA,
  required: [...(JOB_VIEW_SCHEMA.required ?? []), 'stacktrace'],
  properties: {
    ...JOB_VIEW_SCHEMA.properties,
    state: { type: 'string', example: 'failed' },
    stacktrace: {
      type: 'array',
      items: { type: 'string' },
      description: "Each failed attempt's stack, oldest first.",
    },
  },
};

export const RETRIED_JOB_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'state'],
  properties: { id: { type: 'string' }, state: { type: 'string', enum: ['waiting'] } },
};

export const QUEUED_JOB_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['jobId'],
  properties: {
    jobId: { type: 'string', example: 'users:manual-2026-11-23T10:31:07.123Z-3f9a1c' },
  },
};

export const FEATURE_TOGGLES_VIEW_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['serviceCompanyId', 'toggles', 'version', 'updatedAt', 'updatedBy'],
  properties: {
    serviceCompanyId: { type: 'integer', example: 26 },
    toggles: {
      type: 'object',
      required: [...FEATURE_TOGGLE_NAMES],
      properties: Object.fromEntries(
        FEATURE_TOGGLE_NAMES.map((name) => [name, { type: 'boolean' }]),
      ),
    },
    version: {
      type: 'string',
      description: "The stored blob's ETag; `default` when the company never configured toggles.",
      example: '"0x8DE2A4F6B7C1D20"',
    },
    updatedAt: NULLABLE_TIME,
    updatedBy: { type: 'string', nullable: true, description: 'Who saved them, when known.' },
  },
};

const HEALTH_INDICATORS: SchemaObject = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    additionalProperties: true,
  },
};

/** @nestjs/terminus's HealthCheckResult. */
export const HEALTH_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status', 'details'],
  properties: {
    status: { type: 'string', enum: ['ok', 'error', 'shutting_down'] },
    info: HEALTH_INDICATORS,
    error: HEALTH_INDICATORS,
    details: HEALTH_INDICATORS,
  },
};

const UPDATED = {
  updatedBy: { type: 'string', nullable: true, description: "The token's sub, or admin-api-token" },
  updatedAt: { type: 'string', format: 'date-time', nullable: true },
} satisfies Record<string, SchemaObject>;

export const PREGEN_SCHEDULE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['paused', 'reason', 'updatedBy', 'updatedAt'],
  properties: {
    paused: { type: 'boolean' },
    reason: { type: 'string', nullable: true, maxLength: 200 },
    ...UPDATED,
  },
};

export const SERVE_MODE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['mode', 'updatedBy', 'updatedAt'],
  properties: { mode: { type: 'string', enum: ['cache', 'upstream'] }, ...UPDATED },
};

const COUNT: SchemaObject = { type: 'integer', minimum: 0 };

export const CYCLES_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['cycles'],
  properties: {
    cycles: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'id',
          'trigger',
          'actor',
          'startedAt',
          'finishedAt',
          'dates',
          'generated',
          'unchanged',
          'emptied',
          'failed',
          'upstreamMs',
        ],
        properties: {
          id: { type: 'string', example: 'cli-2026-11-23T10:31:07.123Z-a1b2c3' },
          trigger: { type: 'string', enum: ['cron', 'manual', 'stale', 'cli'] },
          actor: { type: 'string', nullable: true, example: 'admin-api-token' },
          startedAt: { type: 'string', format: 'date-time' },
          finishedAt: { ...NULLABLE_TIME, description: 'null while its jobs run' },
          dates: { type: 'array', items: { type: 'string', format: 'date' } },
          generated: { ...COUNT, description: 'documents written' },
          unchanged: { ...COUNT, description: 'documents found unchanged' },
          emptied: { ...COUNT, description: 'documents rewritten empty' },
          failed: { ...COUNT, description: 'dates whose job ran out of attempts' },
          upstreamMs: { ...COUNT, description: 'legacy API time summed over the dates' },
        },
      },
    },
  },
};
