import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { ConnectionState, isInCall } from '@duet/web/rtc';
import { CallFacade } from '../call-facade.service';
import { CallFormComponent } from '../call-form/call-form.component';
import { CallStageComponent } from '../call-stage/call-stage.component';
import { IncomingCallComponent } from '../incoming-call/incoming-call.component';
import { LoginFormComponent } from '../login-form/login-form.component';
import { NoticeComponent } from '../notice/notice.component';
import { UserListComponent } from '../user-list/user-list.component';

const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  open: 'online',
  reconnecting: 'reconnecting…',
  closed: 'offline',
};

/** The whole app on one page: log in, see who is online, call, talk, hang up. */
@Component({
  selector: 'duet-call-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    CallFormComponent,
    CallStageComponent,
    IncomingCallComponent,
    LoginFormComponent,
    NoticeComponent,
    UserListComponent,
  ],
  templateUrl: './call-page.component.html',
  styleUrl: './call-page.component.css',
})
export class CallPageComponent {
  private readonly facade = inject(CallFacade);

  protected readonly currentUser = this.facade.currentUser;
  protected readonly connectionState = this.facade.connectionState;
  protected readonly users = this.facade.users;
  protected readonly loginPending = this.facade.loginPending;
  protected readonly callState = this.facade.callState;
  protected readonly remoteUser = this.facade.remoteUser;
  protected readonly localStream = this.facade.localStream;
  protected readonly remoteStream = this.facade.remoteStream;
  protected readonly notice = this.facade.notice;
  protected readonly connectionLabel = computed(() => CONNECTION_LABELS[this.connectionState()]);
  protected readonly inCall = computed(() => isInCall(this.callState()));
  protected readonly showStage = computed(() => this.inCall() && this.callState() !== 'ringing');

  constructor() {
    this.facade.connect();
  }

  protected logIn(name: string): void {
    this.facade.logIn(name);
  }

  protected callUser(name: string): void {
    this.facade.call(name);
  }

  protected acceptCall(): void {
    this.facade.accept();
  }

  protected declineCall(): void {
    this.facade.decline();
  }

  protected hangUp(): void {
    this.facade.hangUp();
  }

  protected dismissNotice(): void {
    this.facade.dismissNotice();
  }
}
