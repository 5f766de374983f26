import { DomainError } from '../errors/domain-error';

/** The stream moved on since the caller read it: 409 / VERSION_CONFLICT. */
export class ConcurrencyError extends DomainError {
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: number | undefined,
    /**
     * false when a reload cannot help: the version the client pinned is stale. true (the default) for a
     * race on the append itself, which a fresh load and a new decision resolve.
     */
    readonly retryable = true,
  ) {
    super(
      'version_conflict',
      `The object changed meanwhile (expected version ${expected}, now ${actual ?? 'none'}).`,
      {
        streamId,
        expectedVersion: expected,
        actualVersion: actual,
      },
    );
    this.name = 'ConcurrencyError';
  }
}
