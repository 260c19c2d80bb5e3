/** Another writer appended to the stream first. Re-read the stream and decide again. */
export class ConcurrencyError extends Error {
  readonly code = 'CONCURRENCY' as const;
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number,
  ) {
    super(`Stream ${streamId} is at version ${actualVersion}, expected ${String(expectedVersion)}.`);
    this.name = 'ConcurrencyError';
  }
}

/** The same command id was used for a different request. */
export class CommandIdReusedError extends Error {
  readonly code = 'COMMAND_ID_REUSED' as const;
  constructor(readonly commandId: string) {
    super(`Command id ${commandId} was already used for a different request.`);
    this.name = 'CommandIdReusedError';
  }
}

/** n: the stream must be at version n (0: must not exist yet); 'any': no check. */
export type ExpectedVersion = number | 'any';
