import type { AccountsConfig } from '@duet/server/config';
import { CallJournal, DeviceRingStore } from '@duet/server/signaling';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { openDatabase } from './database/open-database';
import { DUET_DATABASE, DuetDatabase } from './database/schema';
import { CallHistory } from './history/call-history';
import { HISTORY_DAYS, HistoryPruner } from './history/history-pruner';
import { HistoryController } from './history/history.controller';
import { OrderedWrites } from './journal/ordered-writes';
import { SqlCallJournal } from './journal/sql-call-journal';
import { SqlDeviceRingStore } from './stores/sql-device-ring-store';
import { SqlPushSubscriptionStore } from './stores/sql-push-subscription-store';
import { SqlServerKeyStore } from './stores/sql-server-key-store';
import { SqlInviteStore } from './stores/sql-invite-store';
import { InviteStore, PushSubscriptionStore, ServerKeyStore } from './stores/stores';

/**
 * The accounts database (only with `config.accounts`, i.e. not with `AUTH_MODE=none`): opened and
 * migrated while the application starts (a failure stops the start, saying why), the stores bound
 * to their abstract tokens, `GET`/`DELETE /api/history`, and the daily prune. Global by default,
 * so `SignalingModule.forRoot({ accounts: { journal: SqlCallJournal, deviceRings: SqlDeviceRingStore,
 * ... } })` and the push module inject from it:
 *
 *     imports: [...(config.accounts ? [StorageModule.forRoot(config.accounts)] : [])]
 *
 * `/api/history` needs a `ConnectionAuthenticator` in scope (DuetModule exports one, globally).
 * On shutdown, after the HTTP server and sockets have closed, the journal's queued writes are
 * finished and the database is closed.
 */
@Module({})
export class StorageModule implements OnApplicationShutdown {
  constructor(
    @Inject(DUET_DATABASE) private readonly db: DuetDatabase,
    private readonly writes: OrderedWrites,
    private readonly pruner: HistoryPruner,
  ) {}

  static forRoot(accounts: AccountsConfig, { global = true }: { readonly global?: boolean } = {}): DynamicModule {
    const stores = [
      { provide: PushSubscriptionStore, useClass: SqlPushSubscriptionStore },
      { provide: ServerKeyStore, useClass: SqlServerKeyStore },
      { provide: DeviceRingStore, useClass: SqlDeviceRingStore },
      { provide: CallJournal, useClass: SqlCallJournal },
      { provide: InviteStore, useClass: SqlInviteStore },
    ];
    return {
      module: StorageModule,
      global,
      controllers: [HistoryController],
      providers: [
        { provide: DUET_DATABASE, useFactory: () => openDatabase(accounts.database) },
        { provide: HISTORY_DAYS, useValue: accounts.historyDays },
        OrderedWrites,
        CallHistory,
        HistoryPruner,
        ...stores,
      ],
      exports: [DUET_DATABASE, OrderedWrites, CallHistory, HistoryPruner, ...stores.map((store) => store.provide)],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pruner.stop();
    await this.writes.close();
    await this.db.destroy();
  }
}
