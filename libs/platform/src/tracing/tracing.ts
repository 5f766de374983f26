import { Context, Span, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Telemetry } from 'bullmq';
import type { AppConfig } from '../config/config';

interface Started {
  shutdown(): Promise<void>;
  bull: Telemetry;
}

let started: Started | undefined;

const TRACER = 'kefu';
// Polled by orchestrators and Prometheus every few seconds: not worth a trace each.
const UNTRACED_PATHS = /^\/(metrics|health\/)/;

/**
 * Starts OpenTelemetry (the Node SDK, HTTP and pg instrumentations, OTLP/HTTP exporter) when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise does nothing and loads none of it, so tracing off
 * costs nothing. Must run before the app's modules are loaded (main.ts imports them afterwards):
 * the instrumentations patch `http` and `pg` as they are required.
 */
export async function startTracing(config: AppConfig, defaultServiceName: string): Promise<boolean> {
  const otel = config.otel;
  if (!otel || started) return started !== undefined;
  const [
    { NodeSDK, tracing },
    { OTLPTraceExporter },
    { HttpInstrumentation },
    { PgInstrumentation },
    { BullMQOtel },
  ] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('bullmq-otel'),
  ]);
  const sdk = new NodeSDK({
    serviceName: otel.serviceName ?? defaultServiceName,
    traceExporter: new OTLPTraceExporter({ url: `${otel.endpoint}/v1/traces`, headers: otel.headers }),
    sampler: new tracing.ParentBasedSampler({
      root: new tracing.TraceIdRatioBasedSampler(otel.samplerRatio),
    }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? ''),
      }),
      // requireParentSpan: pool housekeeping and pollers outside a request or job make no root spans.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  started = { shutdown: () => sdk.shutdown(), bull: new BullMQOtel({ tracerName: TRACER }) };
  return true;
}

/** Flushes and stops the SDK (on shutdown); harmless when tracing is off. */
export async function shutdownTracing(): Promise<void> {
  const s = started;
  started = undefined;
  await s?.shutdown().catch(() => undefined);
}

/** BullMQ's telemetry for queues and workers: `process <queue>` spans under the job's context. */
export function bullTelemetry(): Telemetry | undefined {
  return started?.bull;
}

/** The W3C traceparent of the current span, for event metadata; undefined when tracing is off. */
export function currentTraceparent(): string | undefined {
  if (!started) return undefined;
  return traceparentOf(context.active());
}

function traceparentOf(ctx: Context): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

export interface DispatchSpan {
  /** traceparent of the dispatch span: job data and BullMQ's telemetry metadata carry it. */
  traceparent: string;
  end(error?: unknown): void;
}

/**
 * A span for dispatching one event's jobs, child of the request or job that wrote the event (its
 * traceparent in the event metadata). None when tracing is off or the event carries no context.
 */
export function startDispatchSpan(eventType: string, parent: unknown): DispatchSpan | undefined {
  if (!started || typeof parent !== 'string') return undefined;
  const parentCtx = propagation.extract(context.active(), { traceparent: parent });
  const span: Span = trace
    .getTracer(TRACER)
    .startSpan(
      `dispatch ${eventType}`,
      { kind: SpanKind.PRODUCER, attributes: { 'kefu.event_type': eventType } },
      parentCtx,
    );
  const traceparent = traceparentOf(trace.setSpan(parentCtx, span));
  if (!traceparent) {
    span.end();
    return undefined;
  }
  return {
    traceparent,
    end: (error?: unknown) => {
      if (error !== undefined) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      }
      span.end();
    },
  };
}
