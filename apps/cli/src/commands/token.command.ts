import { parseArgs } from 'node:util';
import { sign } from 'jsonwebtoken';
import { DEV_JWT_SECRET, loadConfig } from '@kefu/platform';
import { UsageError, out } from '../io';
import { CommandSpec } from './types';

// The contract's roles (API.md "Auth").
const ROLES = ['customer', 'agent', 'senior_agent', 'supervisor', 'admin'] as const;
type Role = (typeof ROLES)[number];

const isRole = (v: string): v is Role => (ROLES as readonly string[]).includes(v);

export const tokenCommand: CommandSpec = {
  summary: 'print an HS256 bearer token signed with AUTH_JWT_SECRET (for local use and tests)',
  usage: `token --role <${ROLES.join('|')}> --sub <id> [--name <name>] [--customer-id <id>] [--ttl <seconds, default 3600>]`,
  run: (args) => {
    const { values } = parse(args);
    const role = values.role;
    const sub = values.sub;
    if (!role || !sub) throw new UsageError('--role and --sub are required');
    if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    if (role === 'customer' && !values['customer-id'])
      throw new UsageError('customer tokens need --customer-id');
    const ttl = Number(values.ttl ?? '3600');
    if (!Number.isInteger(ttl) || ttl <= 0)
      throw new UsageError('--ttl must be a positive number of seconds');

    const config = loadConfig();
    if (config.jwks) throw new Error('AUTH_JWKS_URL is set: bearer tokens come from the identity provider');
    if (config.isProduction && config.jwtSecret === DEV_JWT_SECRET) {
      throw new Error('AUTH_JWT_SECRET is not set (tokens come from the identity provider at AUTH_JWKS_URL)');
    }
    const claims: Record<string, string> = { role };
    if (values.name) claims.name = values.name;
    if (values['customer-id']) claims.customerId = values['customer-id'];
    const { jwtIssuer: issuer, jwtAudience: audience } = config;
    out(
      sign(claims, config.jwtSecret, {
        algorithm: 'HS256',
        subject: sub,
        expiresIn: ttl,
        ...(issuer ? { issuer } : {}),
        ...(audience ? { audience } : {}),
      }),
    );
    return Promise.resolve(0);
  },
};

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        role: { type: 'string' },
        sub: { type: 'string' },
        name: { type: 'string' },
        'customer-id': { type: 'string' },
        ttl: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}
