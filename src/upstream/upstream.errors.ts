export type UpstreamFailure =
  | 'timeout'
  | 'network'
  | 'http-status'
  | 'too-large'
  | 'invalid-json'
  | 'not-success'
  | 'invalid-result'
  | 'busy';

/** A refused upstream answer; `kind` names the rule that failed. Messages never carry secrets. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamFailure,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}
