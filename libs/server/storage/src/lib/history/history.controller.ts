import { AccountGuard, AccountName } from '@duet/server/auth';
import { HISTORY_PATH, HistoryPage } from '@duet/shared/protocol';
import { BadRequestException, Controller, Delete, Get, HttpCode, Query, UseGuards } from '@nestjs/common';
import { CallHistory } from './call-history';
import { parseHistoryQuery } from './history-query';

/** `GET /api/history?before=&limit=` (newest first, paged) and `DELETE /api/history`: the caller's own calls. */
@Controller(HISTORY_PATH.slice(1))
@UseGuards(AccountGuard)
export class HistoryController {
  constructor(private readonly history: CallHistory) {}

  @Get()
  async page(@AccountName() account: string, @Query('before') before: unknown, @Query('limit') limit: unknown): Promise<HistoryPage> {
    const parsed = parseHistoryQuery({ before, limit });
    if ('error' in parsed) throw new BadRequestException(parsed.error);
    return this.history.page(account, parsed.query);
  }

  @Delete()
  @HttpCode(204)
  async clear(@AccountName() account: string): Promise<void> {
    await this.history.clear(account);
  }
}
