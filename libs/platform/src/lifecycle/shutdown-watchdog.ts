/**
 * Bounds graceful shutdown: Nest's shutdown hooks drain HTTP requests and jobs on SIGTERM/SIGINT,
 * and if that takes longer than the grace period the process exits anyway (an unfinished job's
 * BullMQ lock then expires and the job runs again elsewhere: it is idempotent). Call once per process.
 */
export function armShutdownWatchdog(graceSeconds: number, name: string): void {
  const arm = (signal: NodeJS.Signals): void => {
    const timer = setTimeout(() => {
      process.stderr.write(`${name}: still draining ${graceSeconds}s after ${signal}; exiting\n`);
      process.exit(1);
    }, graceSeconds * 1000);
    timer.unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
