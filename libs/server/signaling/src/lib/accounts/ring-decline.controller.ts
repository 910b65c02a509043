import { RING_DECLINE_PATH, RingDeclineBodySchema } from '@duet/shared/protocol';
import { BadRequestException, Body, Controller, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { DeviceRingService } from './device-rings.service';

/**
 * `POST /api/rings/decline` `{"callId", "capability"}`: the Decline of a "… is calling"
 * notification, sent by the service worker without opening the app, so without signing in: the
 * capability (in the push only; the server keeps its hash) is the authority, for that one call,
 * once. 204 when it declined the call; every other case (forged, reused, another call's, expired)
 * is the same 404, so a guess learns nothing.
 */
@Controller()
export class RingDeclineController {
  constructor(private readonly rings: DeviceRingService) {}

  @Post(RING_DECLINE_PATH.slice(1))
  @HttpCode(204)
  async decline(@Body() body: unknown): Promise<void> {
    const parsed = RingDeclineBodySchema.safeParse(body);
    if (!parsed.success) throw new BadRequestException({ message: 'send JSON {"callId": <the push\'s callId>, "capability": <the push\'s capability>}' });
    if (!(await this.rings.decline(parsed.data.callId, parsed.data.capability))) {
      throw new NotFoundException({ message: 'no such ringing call' });
    }
  }
}
