import { DomainError } from '../errors/domain-error';

/** The stream moved on since the caller read it: 409 / VERSION_CONFLICT. */
export class ConcurrencyError extends DomainError {
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: number | undefined,
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
