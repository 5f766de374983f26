import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { err, out } from '../io';
import { CommandSpec } from './types';

// Compiled layout: dist/apps/cli/src/commands/ → dist/apps/<app>/src/main.js
const APPS = {
  api: join(__dirname, '..', '..', '..', 'api', 'src', 'main.js'),
  worker: join(__dirname, '..', '..', '..', 'worker', 'src', 'main.js'),
};
const GRACE_MS = 15_000;
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs the API and the worker as two child processes (local use: `npm start`). Signals are
 * forwarded once; when either child exits the other is stopped, and the exit code is non-zero if
 * any child failed. Children get their own process group so a terminal Ctrl-C reaches them only
 * through this forwarding (Nest treats a second SIGINT as "stop now").
 */
export const startAllCommand: CommandSpec = {
  summary: 'run the API and the worker together (children of this process), for local use',
  usage: 'start-all',
  run: () => {
    for (const [name, file] of Object.entries(APPS)) {
      if (!existsSync(file)) {
        err(`${name}: ${file} not found; run \`npm run build\` first`);
        return Promise.resolve(1);
      }
    }
    return new Promise<number>((resolve) => {
      const children = new Map<string, ChildProcess>();
      let stopping = false;
      let failed = false;
      let killTimer: NodeJS.Timeout | undefined;

      const stopAll = (signal: NodeJS.Signals): void => {
        for (const child of children.values())
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        killTimer ??= setTimeout(() => {
          for (const child of children.values())
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        }, GRACE_MS);
        killTimer.unref();
      };
      const settleIfAllExited = (): void => {
        if (
          ![...children.values()].every(
            (c) => c.exitCode !== null || c.signalCode !== null || c.pid === undefined,
          )
        )
          return;
        for (const s of SIGNALS) process.off(s, onSignal);
        if (killTimer) clearTimeout(killTimer);
        resolve(failed ? 1 : 0);
      };
      const onSignal = (signal: NodeJS.Signals): void => {
        if (stopping) return;
        stopping = true;
        out(`start-all: ${signal}, stopping api and worker`);
        stopAll(signal);
      };
      for (const s of SIGNALS) process.on(s, onSignal);

      for (const [name, file] of Object.entries(APPS)) {
        const child = spawn(process.execPath, [...process.execArgv, file], {
          stdio: 'inherit',
          detached: true,
        });
        children.set(name, child);
        child.on('error', (e) => {
          err(`start-all: ${name}: ${e.message}`);
          failed = true;
          if (child.pid === undefined) {
            // never started: no 'exit' will follow
            stopping = true;
            stopAll('SIGTERM');
            settleIfAllExited();
          }
        });
        child.on('exit', (code, signal) => {
          const clean = code === 0 || (stopping && signal !== null && signal !== 'SIGKILL');
          if (!clean) failed = true;
          out(`start-all: ${name} exited (${signal ?? `code ${code}`})`);
          if (!stopping) {
            stopping = true;
            stopAll('SIGTERM');
          }
          settleIfAllExited();
        });
      }
    });
  },
};
