/**
 * Stored events are never rewritten. An upcaster lifts one event type from schema version N to N+1
 * when it is read; appends are stamped with the latest version.
 */
export type Upcast = (data: Record<string, unknown>) => Record<string, unknown>;

export class UpcasterRegistry {
  private readonly chains = new Map<string, Map<number, Upcast>>();

  /** Registers the step from `fromVersion` to `fromVersion + 1` for `eventType`. */
  register(eventType: string, fromVersion: number, upcast: Upcast): this {
    const chain = this.chains.get(eventType) ?? new Map<number, Upcast>();
    if (chain.has(fromVersion)) throw new Error(`upcaster ${eventType} v${fromVersion} registered twice`);
    chain.set(fromVersion, upcast);
    this.chains.set(eventType, chain);
    return this;
  }

  latestVersion(eventType: string): number {
    const chain = this.chains.get(eventType);
    if (!chain || chain.size === 0) return 1;
    return Math.max(...chain.keys()) + 1;
  }

  upcast(eventType: string, schemaVersion: number, data: unknown): { schemaVersion: number; data: unknown } {
    const chain = this.chains.get(eventType);
    if (!chain) return { schemaVersion, data };
    let v = schemaVersion;
    let d = data as Record<string, unknown>;
    for (let step = chain.get(v); step; step = chain.get(v)) {
      d = step(d);
      v += 1;
    }
    return { schemaVersion: v, data: d };
  }
}
