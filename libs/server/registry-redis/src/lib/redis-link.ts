import { RegistryUnavailableError } from '@duet/server/signaling';
import { Logger } from '@nestjs/common';
import Redis, { RedisOptions, ReplyError } from 'ioredis';
import { ScriptName, scriptSource, SCRIPTS } from './scripts';

export interface RedisLinkOptions {
  readonly url: string;
  readonly keyPrefix: string;
  /** Also the bound on one command: a Redis that answers slower than this is as good as gone. */
  readonly commandTimeoutMs: number;
}

type Listener = () => void;

/**
 * The two connections an instance keeps to Redis: one for commands and scripts, one subscribed to
 * this instance's channel (a subscribed connection can do nothing else).
 *
 * Connection states (`status`): `connecting` -> `up` <-> `down` -> `closed`. While not `up`,
 * commands fail at once (no offline queue: a login must not wait behind an outage, and nothing may
 * queue without bound) and surface as `RegistryUnavailableError`. ioredis reconnects by itself,
 * with backoff, forever; subscriptions are renewed on reconnect. Listeners hear every `up` and
 * `down` (the registry restores its users' claims on each `up` after a `down`).
 */
export class RedisLink {
  private readonly logger = new Logger('RedisLink');
  readonly commands: Redis;
  private readonly subscriber: Redis;
  private state: 'connecting' | 'up' | 'down' | 'closed' = 'connecting';
  private lastProblem = 'not connected yet';
  private readonly upListeners: Listener[] = [];
  private readonly downListeners: Listener[] = [];
  private readonly handlers = new Map<string, (payload: string) => void>();
  private commandsReady = false;
  private subscribed = false;

  constructor(private readonly options: RedisLinkOptions) {
    const common: RedisOptions = {
      enableOfflineQueue: false,
      // A command cut off by a dropped connection fails rather than being sent again after a
      // reconnect: a script may or may not have run, and the registry reconciles on restore.
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(options.commandTimeoutMs, 2_000),
      retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 6), 2_000),
      lazyConnect: true,
    };
    this.commands = new Redis(options.url, { ...common, connectionName: 'duet-commands' });
    // Subscriptions are renewed here on every reconnect, so "up" means "subscribed", not just "connected".
    this.subscriber = new Redis(options.url, { ...common, connectionName: 'duet-subscriber', autoResubscribe: false });
    for (const [name] of Object.entries(SCRIPTS)) {
      this.commands.defineCommand(name, { numberOfKeys: 0, lua: scriptSource(name as ScriptName) });
    }
    this.commands.on('ready', () => {
      this.commandsReady = true;
      this.update();
    });
    this.commands.on('close', () => {
      this.commandsReady = false;
      this.update();
    });
    this.subscriber.on('ready', () => {
      const channels = [...this.handlers.keys()];
      (channels.length > 0 ? this.subscriber.subscribe(...channels) : Promise.resolve()).then(
        () => {
          this.subscribed = true;
          this.update();
        },
        (error: unknown) => this.noteProblem(error),
      );
    });
    this.subscriber.on('close', () => {
      this.subscribed = false;
      this.update();
    });
    this.commands.on('error', (error: Error) => this.noteProblem(error));
    this.subscriber.on('error', (error: Error) => this.noteProblem(error));
    this.subscriber.on('message', (channel: string, payload: string) => this.handlers.get(channel)?.(payload));
  }

  /** Starts connecting (and keeps trying); never throws: an unreachable Redis is a state, not a crash. */
  start(): void {
    for (const client of [this.commands, this.subscriber]) {
      client.connect().catch((error: unknown) => this.noteProblem(error));
    }
  }

  get isUp(): boolean {
    return this.state === 'up';
  }

  /** Why the link is not up, for health reports. */
  get problem(): string {
    return this.state === 'up' ? '' : `Redis ${this.state === 'connecting' ? 'not reached yet' : 'unreachable'} (${this.lastProblem})`;
  }

  onUp(listener: Listener): void {
    this.upListeners.push(listener);
  }

  onDown(listener: Listener): void {
    this.downListeners.push(listener);
  }

  /** Runs script `name` with `args` after the prefix. Outages become `RegistryUnavailableError`. */
  async run<T = unknown>(name: ScriptName, ...args: (string | number)[]): Promise<T> {
    const script = (this.commands as unknown as Record<ScriptName, (...a: (string | number)[]) => Promise<T>>)[name];
    return this.guard(() => script.call(this.commands, this.options.keyPrefix, ...args));
  }

  /** Any command, with outages turned into `RegistryUnavailableError`. */
  guard<T>(command: () => Promise<T>): Promise<T> {
    if (this.state !== 'up') return Promise.reject(new RegistryUnavailableError(this.problem));
    return command().catch((error: unknown) => {
      // A reply error is Redis refusing a command: a bug here, not an outage.
      if (error instanceof ReplyError) throw error;
      throw new RegistryUnavailableError(`Redis did not answer (${error instanceof Error ? error.message : String(error)})`);
    });
  }

  key(name: string): string {
    return `${this.options.keyPrefix}${name}`;
  }

  publish(channel: string, payload: string): Promise<number> {
    return this.guard(() => this.commands.publish(this.key(channel), payload));
  }

  /** Delivers what is published on `channel` to `handler`, from now (if connected) and after every reconnect. */
  async subscribe(channel: string, handler: (payload: string) => void): Promise<void> {
    this.handlers.set(this.key(channel), handler);
    if (this.subscriber.status === 'ready') await this.subscriber.subscribe(this.key(channel));
  }

  async unsubscribe(channel: string): Promise<void> {
    this.handlers.delete(this.key(channel));
    if (this.subscriber.status === 'ready') await this.subscriber.unsubscribe(this.key(channel)).catch(() => undefined);
  }

  /** Closes both connections; waits for a clean QUIT at most `timeoutMs`, then cuts them. */
  async close(timeoutMs = 1_000): Promise<void> {
    this.state = 'closed';
    await Promise.all(
      [this.commands, this.subscriber].map(async (client) => {
        const cut = setTimeout(() => client.disconnect(), timeoutMs);
        try {
          if (client.status === 'ready') await client.quit();
          else client.disconnect();
        } catch {
          client.disconnect();
        } finally {
          clearTimeout(cut);
        }
      }),
    );
  }

  private update(): void {
    if (this.commandsReady && this.subscribed) this.setState('up');
    else if (this.state === 'up') this.setState('down');
  }

  private setState(next: 'up' | 'down'): void {
    if (this.state === 'closed' || this.state === next) return;
    const previous = this.state;
    this.state = next;
    if (next === 'up') this.lastProblem = '';
    this.logger.log(`Redis link ${previous} -> ${next}${next === 'down' ? ` (${this.lastProblem || 'connection closed'})` : ''}`);
    for (const listener of next === 'up' ? this.upListeners : this.downListeners) listener();
  }

  private noteProblem(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message === this.lastProblem) return;
    this.lastProblem = message;
    if (this.state !== 'closed') this.logger.warn(`Redis: ${message}`);
  }
}
