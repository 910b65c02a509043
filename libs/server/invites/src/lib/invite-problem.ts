import { InviteProblem, InviteProblemBody } from '@duet/shared/protocol';
import { HttpException, HttpStatus } from '@nestjs/common';

/** Each problem's HTTP status (see `InviteProblem` in @duet/shared/protocol). */
export const INVITE_PROBLEM_STATUS: Readonly<Record<InviteProblem, number>> = {
  malformed: HttpStatus.BAD_REQUEST,
  forged: HttpStatus.NOT_FOUND,
  expired: HttpStatus.GONE,
  revoked: HttpStatus.GONE,
  'invalid-name': HttpStatus.BAD_REQUEST,
  'name-taken': HttpStatus.CONFLICT,
  'guest-limit': HttpStatus.SERVICE_UNAVAILABLE,
  'rate-limited': HttpStatus.TOO_MANY_REQUESTS,
};

/** A refusal the join page can show as it is: `{statusCode, message, problem}`, `message` in words. */
export class InviteProblemException extends HttpException {
  constructor(problem: InviteProblem, message: string) {
    const body: InviteProblemBody = { statusCode: INVITE_PROBLEM_STATUS[problem], message, problem };
    super(body, body.statusCode);
  }
}
