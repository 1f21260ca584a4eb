import { Injectable } from '@nestjs/common';
import { newTokenSecret } from '#auth';
import { notFound, type Page } from '#domain';
import { TokensRepository } from '#persistence';
import { type CreatedTokenView, type CreateTokenDto, type TokenView } from './tokens.dto.js';
import { type PageQueryDto, pageOrAll } from '../common/list-query.dto.js';

const DAY_MS = 24 * 3600 * 1000;

@Injectable()
export class TokensService {
  constructor(private readonly tokens: TokensRepository) {}

  /** `createdById` differs from `userId` when an admin makes the token on the user's behalf. */
  async create(userId: string, dto: CreateTokenDto, createdById: string = userId): Promise<CreatedTokenView> {
    const secret = newTokenSecret();
    const expiresAt = dto.expiresInDays ? new Date(Date.now() + dto.expiresInDays * DAY_MS) : null;
    const scopes = [...new Set(dto.scopes ?? ['all'])];
    const row = await this.tokens.create({
      userId,
      name: dto.name,
      tokenHash: secret.hash,
      prefix: secret.prefix,
      expiresAt,
      scopes,
      createdById,
    });
    return {
      id: row.id,
      name: row.name,
      token: secret.token,
      scopes: row.scopes,
      expiresAt: row.expiresAt?.toISOString() ?? null,
    };
  }

  async list(userId: string, q: PageQueryDto = {}): Promise<TokenView[] | Page<TokenView>> {
    return pageOrAll(await this.tokens.listByUser(userId), q, (t) => ({
      id: t.id,
      name: t.name,
      prefix: t.prefix,
      scopes: t.scopes,
      createdById: t.createdById,
      expiresAt: t.expiresAt?.toISOString() ?? null,
      lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
      createdAt: t.createdAt.toISOString(),
    }));
  }

  async revoke(userId: string, id: string): Promise<void> {
    if (!(await this.tokens.revoke(id, userId))) throw notFound('token');
  }
}
