import { Client } from 'pg';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The fault suite's OWN Redis and Postgres: the shared ones (6379, 5432) serve other test runs and
// must never be restarted or flushed. These are children of the test, on free ports, removed after.

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A redis-server child without persistence: kill -9 and restart = every job gone. */
export class OwnRedis {
  private child?: ChildProcess;
  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const r = new OwnRedis(await freePort());
    await r.restart();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private cli(...args: string[]): string {
    return execFileSync('redis-cli', ['-p', String(this.port), ...args], { encoding: 'utf8' }).trim();
  }

  /** Starts it (again): empty, as after a crash of a Redis without persistence. */
  async restart(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitFor(
      () => {
        try {
          return this.cli('ping') === 'PONG';
        } catch {
          return false;
        }
      },
      10_000,
      'own redis start',
    );
  }

  kill9(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }

  flushAll(): void {
    this.cli('FLUSHALL');
  }

  dbSize(): number {
    return Number(this.cli('DBSIZE'));
  }

  stop(): Promise<void> {
    return this.kill9();
  }
}

function pgBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : undefined;
}

/** Why a Postgres cluster of our own cannot be made here, or undefined when it can. */
export function ownPostgresUnavailable(): string | undefined {
  const bin = pgBin();
  if (!bin) return 'no initdb under /usr/lib/postgresql/*/bin';
  if (process.getuid?.() === 0) {
    try {
      execFileSync('runuser', ['-u', 'postgres', '--', 'true']);
    } catch {
      return 'running as root, and `runuser -u postgres` is not possible (initdb refuses root)';
    }
  }
  return undefined;
}

/** A throw-away Postgres cluster (initdb, trust auth, fsync off) on a free port. */
export class OwnPostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const bin = pgBin();
    if (!bin) throw new Error('no Postgres binaries');
    const dir = mkdtempSync(join(tmpdir(), 'kefu-faults-pg-'));
    if (process.getuid?.() === 0)
      chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), 0);
    const pg = new OwnPostgres(await freePort(), dir, bin);
    pg.run('initdb', '-D', pg.data, '--auth=trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync');
    pg.ctl('start');
    return pg;
  }

  /** A cluster of our own with one empty database in it; `url(database)` reaches it. */
  static async withDatabase(database = 'kefu'): Promise<OwnPostgres> {
    const pg = await OwnPostgres.start();
    const admin = new Client({ connectionString: pg.url() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    return pg;
  }

  get data(): string {
    return join(this.dir, 'data');
  }

  url(db = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${db}`;
  }

  private run(tool: string, ...args: string[]): void {
    const cmd = join(this.bin, tool);
    if (process.getuid?.() === 0)
      execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'ignore' });
    else execFileSync(cmd, args, { stdio: 'ignore' });
  }

  private ctl(action: 'start' | 'restart' | 'stop', mode = 'fast'): void {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    this.run('pg_ctl', '-D', this.data, '-o', opts, '-l', join(this.dir, 'log'), '-m', mode, '-w', action);
  }

  /** A restart: every connection of the API and the worker is cut. */
  restart(): void {
    this.ctl('restart', 'fast');
  }

  stop(): void {
    try {
      this.ctl('stop', 'immediate');
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
