import { Injectable } from '@nestjs/common';
import { AppConfig } from '@kefu/platform';
import { DEFAULT_LADDER, Ladder, parseLadder } from '../domain/ladder';

/** The ladder and thresholds, from the config; a bad ESCALATION_LADDER stops the start-up. */
@Injectable()
export class EscalationSettings {
  readonly ladder: Ladder;
  readonly reopenThreshold: number;

  constructor(config: AppConfig) {
    this.ladder = config.escalationLadder ? parseLadder(config.escalationLadder) : DEFAULT_LADDER;
    this.reopenThreshold = config.escalationReopenThreshold;
  }
}
