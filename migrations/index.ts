import { EventStore1763769600000 } from './1763769600000-event-store';
import { Platform1763769600001 } from './1763769600001-platform';
import { Tickets1763769600002 } from './1763769600002-tickets';
import { Webhooks1763769600004 } from './1763769600004-webhooks';
import { Sla1763769600005 } from './1763769600005-sla';
import { Escalation1763769600006 } from './1763769600006-escalation';
import { DisputesRefunds1763769600007 } from './1763769600007-disputes-refunds';
import { FeedbackHelpCentre1763769600009 } from './1763769600009-feedback-help-centre';
import { AccountRecoveryPii1763769600008 } from './1763769600008-account-recovery-pii';
import { PublicEvents1763769600010 } from './1763769600010-public-events';
import { WritePath1763769600011 } from './1763769600011-write-path';
import { SelfService1763769600015 } from './1763769600015-self-service';
import { SlaDefaultsSegments1763769600016 } from './1763769600016-sla-defaults-segments';
import { ClientVersions1763769600017 } from './1763769600017-client-versions';
import { AppendFewerSteps1763769600018 } from './1763769600018-append-fewer-steps';

/** Every migration, in order. Listed explicitly so the build needs no glob at run time. */
export const MIGRATIONS = [
  EventStore1763769600000,
  Platform1763769600001,
  Tickets1763769600002,
  Webhooks1763769600004,
  Sla1763769600005,
  Escalation1763769600006,
  DisputesRefunds1763769600007,
  FeedbackHelpCentre1763769600009,
  AccountRecoveryPii1763769600008,
  PublicEvents1763769600010,
  WritePath1763769600011,
  SelfService1763769600015,
  SlaDefaultsSegments1763769600016,
  ClientVersions1763769600017,
  AppendFewerSteps1763769600018,
];
