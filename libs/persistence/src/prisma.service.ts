import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { PrismaClient } from './generated/client.js';

/** The one Prisma client of a process; JS engine + pg adapter, so no engine binary is needed. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    super({ adapter: new PrismaPg({ connectionString: config.DATABASE_URL }) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }

  /** Cheap round trip used by /readyz. */
  async ping(): Promise<void> {
    await this.$queryRaw`SELECT 1`;
  }
}
