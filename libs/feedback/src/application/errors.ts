import { Principal } from '@kefu/platform';

/**
 * Who changes tickets for the feedback module (escalations to L3 after a low score or a complaint
 * about an agent): a supervisor-level service identity, recorded as the actor of those events.
 */
export const FEEDBACK_SERVICE_PRINCIPAL: Principal = {
  kind: 'user',
  sub: 'kefu-feedback',
  role: 'supervisor',
  name: 'Kefu satisfaction follow-up',
};
