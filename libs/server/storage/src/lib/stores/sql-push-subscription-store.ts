import { usernameKey } from '@duet/shared/protocol';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { sql } from 'kysely';
import { databaseKind } from '../database/open-database';
import { DUET_DATABASE, DuetDatabase, millis } from '../database/schema';
import { STORAGE_CLOCK } from './storage-clock';
import { PushSubscriptionStore, StoredPushSubscription, SubscribeResult } from './stores';

@Injectable()
export class SqlPushSubscriptionStore extends PushSubscriptionStore {
  constructor(
    @Inject(DUET_DATABASE) private readonly db: DuetDatabase,
    @Optional() @Inject(STORAGE_CLOCK) private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async add(username: string, subscription: Pick<StoredPushSubscription, 'endpoint' | 'p256dh' | 'auth'>, max: number): Promise<SubscribeResult> {
    const key = usernameKey(username);
    const row = { user_key: key, username, p256dh: subscription.p256dh, auth: subscription.auth };
    return this.db.transaction().execute(async (trx) => {
      // The cap is count-then-insert: one user's adds must not interleave (PostgreSQL runs them on
      // several connections; SQLite's single connection runs one transaction at a time anyway).
      if (databaseKind(this.db) === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`duet-push:${key}`}))`.execute(trx);
      const known = await trx.selectFrom('push_subscriptions').select('user_key').where('endpoint', '=', subscription.endpoint).executeTakeFirst();
      if (known?.user_key !== key) {
        const held = await trx.selectFrom('push_subscriptions').select((eb) => eb.fn.countAll<number | string>().as('count')).where('user_key', '=', key).executeTakeFirstOrThrow();
        if (millis(held.count) >= max) return 'full';
      }
      await trx
        .insertInto('push_subscriptions')
        .values({ endpoint: subscription.endpoint, ...row, created_at: this.now() })
        .onConflict((conflict) => conflict.column('endpoint').doUpdateSet(row))
        .execute();
      return known === undefined ? 'added' : 'renewed';
    });
  }

  async remove(username: string, endpoint: string): Promise<boolean> {
    const result = await this.db.deleteFrom('push_subscriptions').where('endpoint', '=', endpoint).where('user_key', '=', usernameKey(username)).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async forget(endpoint: string): Promise<void> {
    await this.db.deleteFrom('push_subscriptions').where('endpoint', '=', endpoint).execute();
  }

  async list(username: string): Promise<readonly StoredPushSubscription[]> {
    const rows = await this.db
      .selectFrom('push_subscriptions')
      .select(['username', 'endpoint', 'p256dh', 'auth', 'created_at'])
      .where('user_key', '=', usernameKey(username))
      .orderBy('created_at')
      .orderBy('endpoint')
      .execute();
    return rows.map(({ created_at, ...rest }) => ({ ...rest, createdAt: millis(created_at) }));
  }

  async any(username: string): Promise<boolean> {
    const row = await this.db.selectFrom('push_subscriptions').select('endpoint').where('user_key', '=', usernameKey(username)).limit(1).executeTakeFirst();
    return row !== undefined;
  }
}
