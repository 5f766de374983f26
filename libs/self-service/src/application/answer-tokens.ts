import { Injectable } from '@nestjs/common';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '@kefu/platform';

/**
 * The token of an anonymous visitor's session: an HMAC of the session id under a key derived from
 * PII_MASTER_KEY (like survey links). Shown once, in the suggestAnswers response; never stored, since
 * it can be derived again to check it. Whoever holds it may record the session's outcome.
 */
@Injectable()
export class AnswerTokens {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = Buffer.from(
      hkdfSync('sha256', config.piiMasterKey, Buffer.alloc(0), 'kefu-answer-token-v1', 32),
    );
  }

  tokenFor(sessionId: string): string {
    return createHmac('sha256', this.key).update(`answer-session:${sessionId}`).digest('base64url');
  }

  isValid(sessionId: string, token: string | undefined | null): boolean {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
    return timingSafeEqual(Buffer.from(this.tokenFor(sessionId)), Buffer.from(token));
  }
}
