// Every metric name in one place; dashboards and alerts refer to these.
export const MetricNames = {
  requests: 'schedule_cache_requests_total',
  requestDuration: 'schedule_cache_request_duration_seconds',
  upstreamRequests: 'schedule_cache_upstream_requests_total',
  upstreamDuration: 'schedule_cache_upstream_request_duration_seconds',
} as const;

export type RequestResult = 'hit' | 'miss' | 'error';
