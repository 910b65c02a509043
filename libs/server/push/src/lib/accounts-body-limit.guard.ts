import { MAX_ACCOUNTS_BODY_BYTES } from '@duet/shared/protocol';
import { CanActivate, ExecutionContext, HttpException, HttpStatus, Injectable, PayloadTooLargeException } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

/**
 * Caps the accounts endpoints' bodies at `MAX_ACCOUNTS_BODY_BYTES` (413 beyond). The application's
 * JSON parser runs before any route's guard, with its own, larger limit (Nest's default, 100 kB):
 * that bounds what is read; this bounds what these routes accept, by the declared length. A body
 * without one (chunked) is refused (411): browsers' `fetch` always declares it.
 */
@Injectable()
export class AccountsBodyLimitGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { headers } = context.switchToHttp().getRequest<IncomingMessage>();
    if (headers['content-length'] === undefined) {
      if (headers['transfer-encoding'] === undefined) return true;
      throw new HttpException('send the body with a Content-Length', HttpStatus.LENGTH_REQUIRED);
    }
    if (Number(headers['content-length']) > MAX_ACCOUNTS_BODY_BYTES) {
      throw new PayloadTooLargeException(`the body may hold at most ${MAX_ACCOUNTS_BODY_BYTES} bytes`);
    }
    return true;
  }
}
