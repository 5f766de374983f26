import { verify } from 'jsonwebtoken';
import { DEV_JWT_SECRET, loadConfig, JwtService } from '@kefu/platform';
import { main } from './main';

function capture(): { stdout: () => string; stderr: () => string; restore: () => void } {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  return {
    stdout: () => out,
    stderr: () => err,
    restore: () => {
      o.mockRestore();
      e.mockRestore();
    },
  };
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capture();
  try {
    const code = await main(argv);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  } finally {
    io.restore();
  }
}

describe('cli', () => {
  it('lists the commands', async () => {
    const r = await run('help');
    expect(r.code).toBe(0);
    for (const name of ['migrate', 'migrate:down', 'token', 'start-all', 'projections', 'api-key'])
      expect(r.stdout).toContain(name);
  });

  it('answers an unknown command with the help and exit code 2', async () => {
    const r = await run('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command: frobnicate');
    expect(r.stdout).toContain('commands:');
  });

  it('prints a token the API accepts', async () => {
    const r = await run(
      'token',
      '--role',
      'customer',
      '--sub',
      'u-1',
      '--customer-id',
      'c-9',
      '--name',
      'Ana',
      '--ttl',
      '60',
    );
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    const claims = verify(token, DEV_JWT_SECRET, { algorithms: ['HS256'] }) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'u-1', role: 'customer', customerId: 'c-9', name: 'Ana' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(60);
    expect(new JwtService(loadConfig({ NODE_ENV: 'test' })).verify(token)).toEqual({
      kind: 'user',
      sub: 'u-1',
      role: 'customer',
      customerId: 'c-9',
      name: 'Ana',
    });
  });

  it.each([
    [['--role', 'agent'], /--role and --sub are required/],
    [['--role', 'king', '--sub', 'x'], /--role must be one of/],
    [['--role', 'customer', '--sub', 'x'], /customer tokens need --customer-id/],
    [['--role', 'agent', '--sub', 'x', '--ttl', '-5'], /--ttl/],
    [['--role', 'agent', '--sub', 'x', '--bogus'], /bogus/],
  ])('refuses token %j with exit code 2', async (args, message) => {
    const r = await run('token', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('usage: kefu token');
  });
});
