/**
 * What the tickets' API needs to know about agents, provided by the agents module (which depends
 * on tickets, not the other way round): assignTicket refuses agents nobody registered.
 */
export abstract class AgentDirectory {
  abstract exists(agentId: string): Promise<boolean>;
}
