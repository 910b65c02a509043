import { SignalingMetrics } from '@duet/server/signaling';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { MessageLatencyHistogram } from './message-latency-histogram';

/** The registry `/metrics` serves: Duet's own, so an embedding app's default registry is left alone. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/**
 * Signaling's events as Prometheus series. Every label is a bounded set (message types, error
 * codes, HTTP statuses, call states): never a user, a call id or an address.
 */
@Injectable()
export class PrometheusSignalingMetrics extends SignalingMetrics {
  private readonly connections: Gauge;
  private readonly users: Gauge;
  private readonly calls: Gauge<'state'>;
  private readonly messages: MessageLatencyHistogram;
  private readonly errors: Counter<'code'>;
  private readonly rateLimits: Counter;
  private readonly refusals: Counter<'status'>;
  /** The state of each call this instance has seen ring or answered, so the gauge moves right when it ends. */
  private readonly callStates = new Map<string, 'ringing' | 'active'>();

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    super();
    const registers = [registry];
    this.connections = new Gauge({ name: 'duet_connections', help: 'Open signaling WebSockets', registers });
    this.users = new Gauge({ name: 'duet_users_logged_in', help: 'Users logged in on this instance', registers });
    this.calls = new Gauge({ name: 'duet_calls', help: 'Calls by state', labelNames: ['state'], registers });
    this.messages = new MessageLatencyHistogram(
      'duet_message_handling_seconds',
      'Time from a message arriving to its last write (relay latency for offer, answer, candidate), by type',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    );
    this.errors = new Counter({ name: 'duet_errors_total', help: 'error replies sent, by code', labelNames: ['code'], registers });
    this.rateLimits = new Counter({ name: 'duet_rate_limited_total', help: 'Frames dropped by the per-connection rate limit', registers });
    this.refusals = new Counter({
      name: 'duet_upgrade_refusals_total',
      help: 'WebSocket upgrades refused, by HTTP status (401 authentication, 403 origin, 429/503 caps and shutdown)',
      labelNames: ['status'],
      registers,
    });
    this.calls.set({ state: 'ringing' }, 0);
    this.calls.set({ state: 'active' }, 0);
  }

  connectionOpened(): void {
    this.connections.inc();
  }

  connectionClosed(): void {
    this.connections.dec();
  }

  userLoggedIn(): void {
    this.users.inc();
  }

  userLeft(): void {
    this.users.dec();
  }

  messageHandled(type: string, seconds: number): void {
    this.messages.observe(type, seconds);
  }

  errorSent(code: string): void {
    this.errors.inc({ code });
  }

  rateLimited(): void {
    this.rateLimits.inc();
  }

  upgradeRefused(status: number): void {
    this.refusals.inc({ status: String(status) });
  }

  callRinging(callId: string): void {
    this.move(callId, 'ringing');
  }

  callActive(callId: string): void {
    this.move(callId, 'active');
  }

  callEnded(callId: string): void {
    this.move(callId, undefined);
  }

  private move(callId: string, state: 'ringing' | 'active' | undefined): void {
    const before = this.callStates.get(callId);
    if (before === state) return;
    if (before) this.calls.dec({ state: before });
    if (state) {
      this.calls.inc({ state });
      this.callStates.set(callId, state);
    } else {
      this.callStates.delete(callId);
    }
  }
}
