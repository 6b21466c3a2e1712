// Every metric name in one place; dashboards and alerts refer to these.
export const MetricNames = {
  requests: 'schedule_cache_requests_total',
  requestDuration: 'schedule_cache_request_duration_seconds',
  hitRatio: 'schedule_cache_hit_ratio',
  notModified: 'schedule_cache_not_modified_total',
  memoryCacheBytes: 'schedule_cache_memory_cache_bytes',
  memoryCacheEntries: 'schedule_cache_memory_cache_entries',
  upstreamRequests: 'schedule_cache_upstream_requests_total',
  upstreamDuration: 'schedule_cache_upstream_request_duration_seconds',
  blobDuration: 'schedule_cache_blob_operation_duration_seconds',
  pregenJobs: 'schedule_cache_pregen_jobs_total',
  pregenJobDuration: 'schedule_cache_pregen_job_duration_seconds',
  pregenDocuments: 'schedule_cache_pregen_documents_total',
  pregenLastSuccess: 'schedule_cache_pregen_last_success_timestamp_seconds',
  queueJobs: 'schedule_cache_queue_jobs',
  pregenPaused: 'schedule_cache_pregen_paused',

  warmUpDuration: 'schedule_cache_warmup_duration_seconds',
  warmUpDocuments: 'schedule_cache_warmup_documents',
  retentionRuns: 'schedule_cache_retention_runs_total',
  retentionDeletedBlobs: 'schedule_cache_retention_deleted_blobs_total',
  throttledRequests: 'schedule_cache_throttled_requests_total',
  rateLimitErrors: 'schedule_cache_rate_limit_errors_total',
} as const;

/** The rate limits: every /api request, and a lower one for /api/admin/*. */
export const RATE_LIMITS = ['api', 'admin'] as const;
export type RateLimitName = (typeof RATE_LIMITS)[number];

export const REQUEST_RESULTS = ['hit', 'miss', 'stale', 'bypass', 'error'] as const;
export type RequestResult = (typeof REQUEST_RESULTS)[number];

export type BlobOperation = 'read' | 'write' | 'delete' | 'list';

export const DOCUMENT_OUTCOMES = ['written', 'unchanged', 'emptied', 'failed'] as const;
export type DocumentOutcome = (typeof DOCUMENT_OUTCOMES)[number];

export const QUEUE_STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;
