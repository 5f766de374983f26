import { spawnSync } from 'node:child_process';
import parsePrometheusTextFormat, { PromFamily } from 'parse-prometheus-text-format';

/** Kefu's own families: everything but prom-client's process_* and nodejs_* defaults. */
export const OWN = /^(kefu_|http_)/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const UNITS = /_(seconds|bytes|ratio|total)$/;

export function parse(text: string): Map<string, PromFamily> {
  return new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
}

/**
 * Prometheus' naming rules for our families (https://prometheus.io/docs/practices/naming/):
 * snake_case with an application prefix, counters end in `_total`, histograms name their base
 * unit, and label values are bounded (no ids, no raw URLs). Returns the violations.
 */
export function namingProblems(families: Map<string, PromFamily>): string[] {
  const problems: string[] = [];
  for (const f of families.values()) {
    if (!OWN.test(f.name)) continue;
    if (!/^[a-z][a-z0-9_]*$/.test(f.name)) problems.push(`${f.name}: not snake_case`);
    if (!f.help) problems.push(`${f.name}: no HELP`);
    if (f.type === 'COUNTER' && !f.name.endsWith('_total'))
      problems.push(`${f.name}: counter without _total`);
    if (f.type !== 'COUNTER' && f.name.endsWith('_total')) problems.push(`${f.name}: _total on a ${f.type}`);
    if (f.type === 'HISTOGRAM' && !UNITS.test(f.name)) problems.push(`${f.name}: histogram without a unit`);
    for (const m of f.metrics) {
      for (const [k, v] of Object.entries(m.labels ?? {})) {
        if (UUID.test(v) || /^https?:/.test(v) || v.includes('?'))
          problems.push(`${f.name}{${k}="${v}"}: unbounded`);
      }
    }
  }
  return problems;
}

/** Only our families of an exposition (promtool lints prom-client's defaults too). */
export function ownFamiliesText(text: string): string {
  const keep: string[] = [];
  let own = false;
  for (const line of text.split('\n')) {
    const m = /^# (?:HELP|TYPE) (\S+)/.exec(line);
    if (m) own = OWN.test(m[1]);
    if (own && line !== '') keep.push(line);
  }
  return `${keep.join('\n')}\n`;
}

/**
 * `promtool check metrics` (the real one, from Debian's `prometheus` package; .ci/run installs it)
 * on an exposition. Returns its complaints; an empty list means clean.
 */
export function promtoolProblems(text: string): string[] {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool is not installed (apt-get install prometheus): ${r.error.message}`);
  const out = `${r.stdout}${r.stderr}`.trim();
  if (r.status !== 0 && !out) return [`promtool exited ${r.status ?? r.signal}`];
  return out ? out.split('\n') : [];
}
