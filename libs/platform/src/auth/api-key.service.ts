import { Injectable, Logger, Optional } from '@nestjs/common';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError } from '../errors/domain-error';
import { PARTNER_SCOPES, PartnerScope, isPartnerScope } from '../domain/public-event-types';
import { ApiKeyCache, CachedApiKey } from './api-key-cache';
import { Channel, isChannel } from '@kefu/kernel';
import { PartnerPrincipal } from './principal';

/** What callers see of a key. The secret is never stored and shown only by create(). */
export interface ApiKeyView {
  id: string;
  channel: Channel;
  name: string;
  /** The partner the key belongs to: its tenant (see partnerOf). */
  partner: string;
  /** Privileges beyond the partner's own cases (PARTNER_SCOPES). */
  scopes: PartnerScope[];
  createdAt: Date;
  revokedAt: Date | null;
}

export interface CreatedApiKey {
  apiKey: ApiKeyView;
  secret: string;
}

interface ApiKeyRow {
  id: string;
  channel: string;
  name: string;
  partner: string;
  prefix: string;
  secret_hash: string;
  scopes: string[] | null;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

// kf_<12 hex prefix>_<32 random bytes, base64url>. The prefix finds the row; the hash proves the rest.
const SECRET_PATTERN = /^kf_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LAST_USED_RESOLUTION_MS = 60_000;

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * A partner is identified by its key's name, as a slug: `Call centre IVR` → `call-centre-ivr`. All
 * keys with that name are one tenant (rotating a key keeps access to the partner's cases); two
 * partners on the same ticket channel (say two systems on `partner`) never see each other's cases.
 */
export function partnerOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // accents go, letters of every script stay
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

function viewOf(r: ApiKeyRow): ApiKeyView {
  return {
    id: r.id,
    channel: r.channel as Channel,
    name: r.name,
    partner: r.partner,
    scopes: (r.scopes ?? []).filter(isPartnerScope),
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}

/** Partner API keys in the api_keys table, hashed with SHA-256 (the secrets are 256-bit random). */
@Injectable()
export class ApiKeyService {
  private readonly logger = new Logger(ApiKeyService.name);

  constructor(
    private readonly dataSource: DataSource,
    // Without it (the CLI without Redis, unit tests) every verify reads the row.
    @Optional() private readonly cache?: ApiKeyCache,
  ) {}

  async create(
    channel: Channel,
    name: string,
    createdBy?: string,
    scopes: readonly string[] = [],
  ): Promise<CreatedApiKey> {
    const unknown = scopes.filter((s) => !isPartnerScope(s));
    if (unknown.length) {
      throw DomainError.validation([
        {
          field: 'scopes',
          message: `unknown scope ${unknown.join(', ')}; scopes are ${Object.keys(PARTNER_SCOPES).join(', ')}`,
        },
      ]);
    }
    if (!isChannel(channel)) {
      throw DomainError.validation([
        { field: 'channel', message: `channel must be one of the support channels` },
      ]);
    }
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 200) {
      throw DomainError.validation([{ field: 'name', message: 'name must have 1 to 200 characters' }]);
    }
    const partner = partnerOf(trimmed);
    if (!partner) {
      throw DomainError.validation([
        {
          field: 'name',
          message: 'name must contain letters or digits (it names the partner, e.g. call-centre)',
        },
      ]);
    }
    const id = randomUUID();
    const prefix = randomBytes(6).toString('hex');
    const secret = `kf_${prefix}_${randomBytes(32).toString('base64url')}`;
    const rows = await this.rows<ApiKeyRow>(
      `INSERT INTO api_keys (id, channel, name, partner, prefix, secret_hash, created_by, scopes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[])
       RETURNING *`,
      [
        id,
        channel,
        trimmed,
        partner,
        prefix,
        sha256(secret).toString('hex'),
        createdBy ?? null,
        [...new Set(scopes)].sort(),
      ],
    );
    this.logger.log({ apiKeyId: id, channel, partner, scopes, createdBy }, 'api key created');
    return { apiKey: viewOf(rows[0]), secret };
  }

  /** The partner behind a secret, or undefined for unknown, malformed or revoked keys. */
  async verify(secret: string): Promise<PartnerPrincipal | undefined> {
    const m = SECRET_PATTERN.exec(secret);
    if (!m) return undefined;
    const row = await this.byPrefix(m[1]);
    if (!row) return undefined;
    const expected = Buffer.from(row.secret_hash, 'hex');
    const actual = sha256(secret);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    if (row.revoked_at) return undefined;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
      // At most one write a minute per key and replica, not one per request.
      row.last_used_at = new Date();
      await this.rows(
        `UPDATE api_keys SET last_used_at = now()
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') RETURNING id`,
        [row.id],
      );
    }
    return {
      kind: 'partner',
      apiKeyId: row.id,
      channel: row.channel as Channel,
      name: row.name,
      partner: row.partner,
      scopes: (row.scopes ?? []).filter(isPartnerScope),
    };
  }

  /** The key row for a prefix: from the cache (API_KEY_CACHE_SECONDS) or the table. */
  private async byPrefix(prefix: string): Promise<CachedApiKey | undefined> {
    const cached = this.cache?.get(prefix);
    if (cached) return cached;
    const generation = this.cache?.currentGeneration ?? 0;
    const rows = await this.rows<CachedApiKey>(
      `SELECT id, channel, name, partner, secret_hash, scopes, revoked_at, last_used_at
         FROM api_keys WHERE prefix = $1`,
      [prefix],
    );
    if (rows[0]) this.cache?.set(prefix, rows[0], generation);
    return rows[0];
  }

  async list(): Promise<ApiKeyView[]> {
    const rows = await this.rows<ApiKeyRow>(`SELECT * FROM api_keys ORDER BY created_at, id`);
    return rows.map(viewOf);
  }

  async get(id: string): Promise<ApiKeyView> {
    if (!UUID_PATTERN.test(id)) throw DomainError.notFound('API key', id);
    const rows = await this.rows<ApiKeyRow>(`SELECT * FROM api_keys WHERE id = $1`, [id]);
    if (!rows[0]) throw DomainError.notFound('API key', id);
    return viewOf(rows[0]);
  }

  /** Revokes a key (idempotent: revoking twice keeps the first revocation time). */
  async revoke(id: string, revokedBy?: string): Promise<ApiKeyView> {
    if (!UUID_PATTERN.test(id)) throw DomainError.notFound('API key', id);
    const rows = await this.rows<ApiKeyRow>(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *`,
      [id],
    );
    if (!rows[0]) throw DomainError.notFound('API key', id);
    // Committed (autocommit): now no replica may keep accepting it from its cache.
    await this.cache?.revoked(id);
    this.logger.log({ apiKeyId: id, revokedBy }, 'api key revoked');
    return viewOf(rows[0]);
  }

  // Structured results: TypeORM's plain query() returns [rows, count] for UPDATE ... RETURNING.
  private async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const r = await runner.query(sql, params, true);
      return (r.records ?? []) as T[];
    } finally {
      await runner.release();
    }
  }
}
