import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';

/** Server-side sessions (express-session's table): ending them here signs people out everywhere. */
@Injectable()
export class SessionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Passport keeps the user id at sess.passport.user. Returns how many sessions ended. */
  deleteForUser(userId: string): Promise<number> {
    return this.prisma.$executeRaw`DELETE FROM "session" WHERE sess -> 'passport' ->> 'user' = ${userId}`;
  }

  /** Every session of the user but one (a password change keeps the session that made it). */
  deleteForUserExcept(userId: string, keepSid: string): Promise<number> {
    return this.prisma
      .$executeRaw`DELETE FROM "session" WHERE sess -> 'passport' ->> 'user' = ${userId} AND sid <> ${keepSid}`;
  }

  countForUser(userId: string): Promise<number> {
    return this.prisma.session.count({ where: { sess: { path: ['passport', 'user'], equals: userId } } });
  }
}
