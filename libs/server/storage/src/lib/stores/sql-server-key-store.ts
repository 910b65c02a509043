import { Inject, Injectable } from '@nestjs/common';
import { DUET_DATABASE, DuetDatabase } from '../database/schema';
import { ServerKeyStore } from './stores';

@Injectable()
export class SqlServerKeyStore extends ServerKeyStore {
  constructor(@Inject(DUET_DATABASE) private readonly db: DuetDatabase) {
    super();
  }

  async getOrCreate(name: string, create: () => string): Promise<string> {
    const kept = await this.read(name);
    if (kept !== undefined) return kept;
    // Instances starting together may both get here: the first insert wins, every one reads it back.
    await this.db.insertInto('server_keys').values({ name, value: create() }).onConflict((conflict) => conflict.column('name').doNothing()).execute();
    const value = await this.read(name);
    if (value === undefined) throw new Error(`server key ${name} vanished right after it was stored`);
    return value;
  }

  private async read(name: string): Promise<string | undefined> {
    return (await this.db.selectFrom('server_keys').select('value').where('name', '=', name).executeTakeFirst())?.value;
  }
}
