import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** The real Docker Compose: the v2 plugin when the docker CLI has it, else Debian's docker-compose. */
function compose(): string[] {
  if (spawnSync('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version']).status === 0) return ['docker-compose'];
  throw new Error('Docker Compose is not installed (apt-get install docker-compose; .ci/run does it)');
}

// `docker compose config` needs no engine: it parses, interpolates and validates the file.
describe('docker-compose.yml', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-compose-'));
    for (const s of ['auth_jwt_secret', 'pii_master_key', 'postgres_password'])
      writeFileSync(join(dir, s), 'x\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const config = (file = join(root, 'docker-compose.yml')) => {
    const [cmd, ...args] = compose();
    const r = spawnSync(cmd, [...args, '-f', file, '--project-directory', root, 'config'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, KEFU_SECRETS_DIR: dir },
    });
    return { status: r.status, out: r.stdout, err: r.stderr };
  };

  let valid: ReturnType<typeof config>;
  beforeAll(() => (valid = config()));

  it('validates, with secrets as files and no default password anywhere', () => {
    const r = valid;
    expect(r.err).not.toMatch(/ERROR|invalid/i);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/POSTGRES_PASSWORD_FILE: \/run\/secrets\/postgres_password/);
    expect(r.out).toMatch(/DATABASE_PASSWORD_FILE: \/run\/secrets\/postgres_password/);
    expect(r.out).toMatch(/AUTH_JWT_SECRET_FILE: \/run\/secrets\/auth_jwt_secret/);
    expect(r.out).toMatch(/PII_MASTER_KEY_FILE: \/run\/secrets\/pii_master_key/);
    expect(r.out).not.toMatch(/POSTGRES_PASSWORD:|kefu:kefu@|AUTH_JWT_SECRET:|PII_MASTER_KEY:/);
    expect(r.out).toContain(join(dir, 'postgres_password'));
  });

  it('gives the worker a healthcheck on its own /health/ready', () => {
    const worker = /\n {2}worker:\n([\s\S]*?)(?=\n {2}\S|\n\S)/.exec(valid.out)?.[1] ?? '';
    expect(worker).toMatch(/healthcheck:/);
    expect(worker).toMatch(/127\.0\.0\.1:3001\/health\/ready/);
    expect(worker).not.toMatch(/disable: true/);
  });

  it('fails on an invalid file (the check can fail)', () => {
    const broken = join(dir, 'broken.yml');
    writeFileSync(
      broken,
      readFileSync(join(root, 'docker-compose.yml'), 'utf8').replace(
        'stop_grace_period: 30s',
        'stop_grace_period: [30]',
      ),
    );
    expect(config(broken).status).not.toBe(0);
  });
});
