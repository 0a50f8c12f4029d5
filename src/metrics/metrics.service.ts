import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { EventLoopDelayMetrics } from './event-loop-delay';
import { GcPauseMetrics } from './gc-pauses';

const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** From 0.1 ms: the wait before a handler is normally far below a request's whole time. */
const WAIT_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** One Prometheus registry per app instance (so several apps can live in one test process). */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly requestToHandler = new Histogram({
    name: 'http_request_to_handler_seconds',
    help: "Time from a request's arrival to the start of its route (before the route's guards): body reading and parsing, the input scan and event-loop waits.",
    buckets: WAIT_BUCKETS,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method and route.',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly turns = new Counter({
    name: 'conversation_turns_total',
    help: 'Conversation turns by channel and outcome.',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly turnDuration = new Histogram({
    name: 'conversation_turn_duration_seconds',
    help: 'Time of one turn (lease, engine, persist) by channel.',
    labelNames: ['channel'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly ussdTurns = new Counter({
    name: 'ussd_turns_total',
    help: 'USSD gateway requests by gateway and outcome (continue, end, paged, deadline, closed, resume_offer, resumed, bad_request, error)',
    labelNames: ['gateway', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly ussdScreensPaged = new Counter({
    name: 'ussd_screens_paged_total',
    help: 'USSD screens shown by 98/0 paging, without a flow step',
    labelNames: ['gateway'] as const,
    registers: [this.registry],
  });

  readonly smsInbound = new Counter({
    name: 'sms_inbound_total',
    help: 'SMS webhook posts by provider and outcome (message, duplicate, status, opt_out, unknown_to, bad_signature, bad_request)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly smsSends = new Counter({
    name: 'sms_sends_total',
    help: 'SMS send attempts by provider and outcome (sent, retry, failed, opted_out)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly optOuts = new Counter({
    name: 'opt_outs_total',
    help: 'Numbers put on (opt_out) or taken off (opt_in) an opt-out list, by channel and source',
    labelNames: ['channel', 'change', 'source'] as const,
    registers: [this.registry],
  });

  readonly deliveryReports = new Counter({
    name: 'delivery_reports_total',
    help: 'Delivery reports by channel and outcome (applied, unknown_id)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly whatsappWebhookEvents = new Counter({
    name: 'whatsapp_webhook_events_total',
    help: 'WhatsApp webhook events by outcome (accepted, duplicate, bad_signature, ignored, invalid, status, reaction, error)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly whatsappSends = new Counter({
    name: 'whatsapp_sends_total',
    help: 'WhatsApp Graph API send attempts by outcome (sent, retry, failed, auth_failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly whatsappSendDuration = new Histogram({
    name: 'whatsapp_send_duration_seconds',
    help: 'Time of one Graph API send, answer included.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** Reads the inbox's pending events per channel when /metrics is scraped (set by the inbox). */
  inboxDepthReader: (() => Promise<Array<{ channel: string; pending: number }>>) | null = null;

  /** Channels that stored inbox events since start: their depth shows 0 once drained. */
  readonly inboxChannels = new Set<string>();

  readonly inboxDepth = new Gauge({
    name: 'inbox_pending_events',
    help: 'Provider events stored and not yet processed, by channel.',
    labelNames: ['channel'] as const,
    registers: [this.registry],
    collect: async () => {
      if (!this.inboxDepthReader) return;
      const depths = await this.inboxDepthReader();
      this.inboxDepth.reset();
      for (const { channel } of depths) this.inboxChannels.add(channel);
      for (const channel of this.inboxChannels) this.inboxDepth.set({ channel }, 0);
      for (const { channel, pending } of depths) this.inboxDepth.set({ channel }, pending);
    },
  });

  readonly apiCalls = new Counter({
    name: 'api_call_total',
    help: 'API_CALL outcomes by integration (or "url" for legacy calls).',
    labelNames: ['integration', 'status'] as const,
    registers: [this.registry],
  });

  readonly apiCallDuration = new Histogram({
    name: 'api_call_duration_seconds',
    help: 'API_CALL latency, retries included, by integration.',
    labelNames: ['integration'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly retentionDeleted = new Counter({
    name: 'retention_deleted_rows_total',
    help: 'Rows deleted by the retention sweep, by table.',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  private readonly eventLoopDelay: EventLoopDelayMetrics;
  private readonly gcPauses: GcPauseMetrics;

  constructor() {
    // Defaults include nodejs_eventloop_lag_* (since the previous scrape); ours replaces the GC one.
    collectDefaultMetrics({ register: this.registry });
    this.eventLoopDelay = new EventLoopDelayMetrics(this.registry);
    this.gcPauses = new GcPauseMetrics(this.registry);
  }

  onModuleDestroy(): void {
    this.eventLoopDelay.stop();
    this.gcPauses.stop();
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }
}
