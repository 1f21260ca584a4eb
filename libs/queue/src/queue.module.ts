import { type DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { BERTH_CONFIG, redisKeyPrefix, type BerthConfig } from '#config';
import { SNAPSHOT_QUEUE, SNAPSHOT_SCHEDULE_QUEUE, TEMPLATE_QUEUE, WORKSPACE_QUEUE } from '#domain';
import { SnapshotJobsProducer } from './snapshot-jobs.producer.js';
import { TemplateBuildsProducer } from './template-builds.producer.js';
import { redisConnection } from './redis-connection.js';
import { WorkspaceJobsProducer } from './workspace-jobs.producer.js';
import { TransitionBuilder } from './transition-builder.js';
import { WorkspaceEventsPublisher, WorkspaceEventsSubscriber } from './workspace-events.js';

@Module({})
export class QueueModule {
  /** `producer` for the API, `worker` for apps/worker (see redisConnection for why they differ). */
  static register(role: 'producer' | 'worker'): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [BERTH_CONFIG],
          useFactory: (config: BerthConfig) => ({
            connection: redisConnection(config.REDIS_URL, role),
            prefix: redisKeyPrefix(config),
          }),
        }),
        BullModule.registerQueue(
          { name: WORKSPACE_QUEUE },
          { name: TEMPLATE_QUEUE },
          { name: SNAPSHOT_QUEUE },
          { name: SNAPSHOT_SCHEDULE_QUEUE },
        ),
      ],
      providers: [
        WorkspaceJobsProducer,
        TransitionBuilder,
        TemplateBuildsProducer,
        SnapshotJobsProducer,
        role === 'worker' ? WorkspaceEventsPublisher : WorkspaceEventsSubscriber,
      ],
      exports: [
        WorkspaceJobsProducer,
        TransitionBuilder,
        TemplateBuildsProducer,
        SnapshotJobsProducer,
        BullModule,
        role === 'worker' ? WorkspaceEventsPublisher : WorkspaceEventsSubscriber,
      ],
    };
  }
}
