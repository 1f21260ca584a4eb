import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';
import { type UserRecord } from './records.js';

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string | null;
  role: 'admin' | 'developer';
}

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  count(): Promise<number> {
    return this.prisma.user.count();
  }

  create(user: NewUser): Promise<UserRecord> {
    return this.prisma.user.create({ data: { ...user, email: user.email.toLowerCase() } });
  }

  findById(id: string): Promise<UserRecord | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  findByEmail(email: string): Promise<UserRecord | null> {
    return this.prisma.user.findUnique({ where: { email: email.toLowerCase() } });
  }

  list(): Promise<UserRecord[]> {
    return this.prisma.user.findMany({ orderBy: { createdAt: 'asc' } });
  }

  update(id: string, data: Partial<Pick<UserRecord, 'role' | 'active' | 'name'>>): Promise<UserRecord> {
    return this.prisma.user.update({ where: { id }, data });
  }
}
