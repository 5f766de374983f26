/**
 * What time it is, for everything the pipeline stamps (a command's `now`, hence its events' times).
 * One injected provider, so that a test can fix or move time instead of sleeping, and so that no
 * service reads the system clock on its own.
 */
export abstract class Clock {
  abstract now(): Date;

  /** The time as commands and events carry it. */
  iso(): string {
    return this.now().toISOString();
  }
}

/** The default: the machine's time. */
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that only moves when told to (tests). */
export class FixedClock extends Clock {
  private at: number;

  constructor(at: Date | string) {
    super();
    this.at = new Date(at).getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  set(at: Date | string): void {
    this.at = new Date(at).getTime();
  }

  advance(ms: number): void {
    this.at += ms;
  }
}
