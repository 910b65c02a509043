import { MAX_ACCOUNTS_BODY_BYTES, RING_DECLINE_PATH, RingDeclineBodySchema } from '@duet/shared/protocol';
import { BadRequestException, Body, Controller, Headers, HttpCode, NotFoundException, PayloadTooLargeException, Post } from '@nestjs/common';
import { DeviceRingService } from './device-rings.service';

/**
 * `POST /api/rings/decline` `{"callId", "capability"}`: the Decline of a "… is calling"
 * notification, sent by the service worker without opening the app, so without signing in: the
 * capability (in the push only; the server keeps its hash) is the authority, for that one call,
 * once. 204 when it declined the call; every other case (forged, reused, another call's, expired)
 * is the same 404, so a guess learns nothing. Bodies are a few dozen bytes: anything declared past
 * `MAX_ACCOUNTS_BODY_BYTES` is refused (413) unread by this route.
 */
@Controller()
export class RingDeclineController {
  constructor(private readonly rings: DeviceRingService) {}

  @Post(RING_DECLINE_PATH.slice(1))
  @HttpCode(204)
  async decline(@Body() body: unknown, @Headers('content-length') length?: string): Promise<void> {
    if (Number(length) > MAX_ACCOUNTS_BODY_BYTES) throw new PayloadTooLargeException({ message: `the body may hold at most ${MAX_ACCOUNTS_BODY_BYTES} bytes` });
    const parsed = RingDeclineBodySchema.safeParse(body);
    if (!parsed.success) throw new BadRequestException({ message: 'send JSON {"callId": <the push\'s callId>, "capability": <the push\'s capability>}' });
    if (!(await this.rings.decline(parsed.data.callId, parsed.data.capability))) {
      throw new NotFoundException({ message: 'no such ringing call' });
    }
  }
}
