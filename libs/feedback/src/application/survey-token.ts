import { Injectable } from '@nestjs/common';
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { AppConfig } from '@kefu/platform';

/**
 * The survey link's token: an HMAC of the survey id under a key derived from PII_MASTER_KEY. 256
 * unguessable bits, never stored: the events and read model keep only its sha256, and the survey.sent
 * payload re-derives it. Single use is the survey's rule (answered once).
 */
@Injectable()
export class SurveyTokens {
  private readonly key: Buffer;

  constructor(private readonly config: AppConfig) {
    this.key = Buffer.from(
      hkdfSync('sha256', config.piiMasterKey, Buffer.alloc(0), 'kefu-survey-token-v1', 32),
    );
  }

  tokenFor(surveyId: string): string {
    return createHmac('sha256', this.key).update(`survey:${surveyId}`).digest('base64url');
  }

  linkFor(token: string): string {
    return this.config.surveyLinkTemplate.replace('{token}', encodeURIComponent(token));
  }
}

export function hashSurveyToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Tokens are 43 base64url characters; anything else cannot be one (and is a plain 404). */
export function looksLikeSurveyToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** One survey per solve: its id is derived from the solving event, so a repeated job finds it. */
export function surveyIdFor(solveEventId: string): string {
  const h = createHash('sha256').update(`survey:${solveEventId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
