import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { PrismaClient } from './generated/client.js';

/** The one Prisma client of a process; JS engine + pg adapter, so no engine binary is needed. */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    super({ adapter: new PrismaPg({ connectionString: config.DATABASE_URL }) });
  }

  /** Last, after requests and jobs in flight were drained (onModuleDestroy would come before that). */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }

  /** Cheap round trip used by /readyz. */
  async ping(): Promise<void> {
    await this.$queryRaw`SELECT 1`;
  }
}
