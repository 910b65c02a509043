import { DUET_CONFIG, DuetConfig } from '@duet/server/config';
import { ActiveParty, CallActivation } from '@duet/server/signaling';
import { Inject, Injectable } from '@nestjs/common';
import { CallReportKeys } from './call-report-keys';

/**
 * Hands each party of a call that just became active its report key, over its own socket
 * (`call-report-key`). Nothing with `CALL_REPORTS=off`.
 */
@Injectable()
export class CallReportKeyIssuer extends CallActivation {
  constructor(
    @Inject(DUET_CONFIG) private readonly config: DuetConfig,
    private readonly keys: CallReportKeys,
  ) {
    super();
  }

  activated(callId: string, [callee, caller]: readonly [ActiveParty, ActiveParty]): void {
    if (!this.config.ops.callReports) return;
    callee.sink.send({ type: 'call-report-key', callId, key: this.keys.issue(callId, callee.username, 'callee') });
    caller.sink.send({ type: 'call-report-key', callId, key: this.keys.issue(callId, caller.username, 'caller') });
  }
}
