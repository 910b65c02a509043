import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { DeviceRingService } from './device-rings.service';
import { RingDeclineController } from './ring-decline.controller';

describe(RingDeclineController.name, () => {
  const decline = jest.fn<Promise<boolean>, [string, string]>();
  const controller = new RingDeclineController({ decline } as unknown as DeviceRingService);
  const capability = 'c'.repeat(43);

  beforeEach(() => decline.mockReset());

  it('declines the ring named by a well-formed body: 204, no content', async () => {
    decline.mockResolvedValue(true);
    await expect(controller.decline({ callId: 'ring-1', capability })).resolves.toBeUndefined();
    expect(decline).toHaveBeenCalledWith('ring-1', capability);
  });

  it('answers 404 "no such ringing call" whenever the capability declines nothing', async () => {
    decline.mockResolvedValue(false);
    const refusal = await controller.decline({ callId: 'ring-1', capability }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(NotFoundException);
    expect((refusal as NotFoundException).getResponse()).toEqual({ message: 'no such ringing call' });
  });

  it('refuses a body declared longer than the accounts limit (413), without asking anyone', async () => {
    const refusal = await controller.decline({ callId: 'ring-1', capability }, '4097').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PayloadTooLargeException);
    expect(decline).not.toHaveBeenCalled();
  });

  it.each([
    ['no body', undefined],
    ['an array', [1]],
    ['a missing capability', { callId: 'ring-1' }],
    ['a short capability', { callId: 'ring-1', capability: 'short' }],
    ['a long capability', { callId: 'ring-1', capability: 'c'.repeat(129) }],
    ['an over-long callId', { callId: 'x'.repeat(65), capability }],
    ['a numeric callId', { callId: 1, capability }],
  ])('answers 400 to %s, without asking anyone', async (_, body) => {
    const refusal = await controller.decline(body).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(BadRequestException);
    expect((refusal as BadRequestException).getResponse()).toEqual({ message: expect.stringContaining('callId') });
    expect(decline).not.toHaveBeenCalled();
  });
});
