import { PushSubscriptionStore, ServerKeyStore, StoredPushSubscription, SubscribeResult } from '@duet/server/storage';

/** The stores' contracts in memory, for this lib's specs (the SQL ones have their own). */
export class InMemoryPushSubscriptionStore extends PushSubscriptionStore {
  readonly byEndpoint = new Map<string, StoredPushSubscription>();

  async add(username: string, subscription: Pick<StoredPushSubscription, 'endpoint' | 'p256dh' | 'auth'>, max: number): Promise<SubscribeResult> {
    const known = this.byEndpoint.has(subscription.endpoint);
    if (!known && (await this.list(username)).length >= max) return 'full';
    this.byEndpoint.set(subscription.endpoint, { username, ...subscription, createdAt: Date.now() });
    return known ? 'renewed' : 'added';
  }

  async remove(username: string, endpoint: string): Promise<boolean> {
    if (this.byEndpoint.get(endpoint)?.username.toLowerCase() !== username.toLowerCase()) return false;
    return this.byEndpoint.delete(endpoint);
  }

  async forget(endpoint: string): Promise<void> {
    this.byEndpoint.delete(endpoint);
  }

  async list(username: string): Promise<readonly StoredPushSubscription[]> {
    return [...this.byEndpoint.values()].filter((subscription) => subscription.username.toLowerCase() === username.toLowerCase());
  }

  async any(username: string): Promise<boolean> {
    return (await this.list(username)).length > 0;
  }
}

export class InMemoryServerKeyStore extends ServerKeyStore {
  readonly values = new Map<string, string>();

  async getOrCreate(name: string, create: () => string): Promise<string> {
    if (!this.values.has(name)) this.values.set(name, create());
    return this.values.get(name) as string;
  }
}
