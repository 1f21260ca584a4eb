import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule, loadConfig, loggerOptions } from '#config';
import { PersistenceModule } from '#persistence';
import { QueueModule } from '#queue';
import { RuntimeModule, SnapshotStoreModule } from '#runtime';
import { SnapshotService } from './snapshots/snapshot.service.js';
import { SnapshotProcessor } from './processors/snapshot.processor.js';
import { SnapshotScheduler } from './snapshots/snapshot-scheduler.js';
import { SnapshotScheduleProcessor } from './processors/snapshot-schedule.processor.js';

import { WorkspaceLifecycleService } from './lifecycle/workspace-lifecycle.service.js';
import { WorkspaceLifecycleProcessor } from './processors/workspace-lifecycle.processor.js';
import { TemplateBuildProcessor } from './processors/template-build.processor.js';
import { TemplateImageService } from './templates/template-image.service.js';
import { ReconcilerService } from './reconciler/reconciler.service.js';
import { ReaperService } from './reaper/reaper.service.js';
import { IdleStopperService } from './idle/idle-stopper.service.js';
import { SystemTransitions } from './common/system-transitions.js';
import { RetentionService } from './retention/retention.service.js';
import { WorkerMetricsService } from './metrics/worker-metrics.service.js';
import { HomeUsageService } from './home-usage/home-usage.service.js';
import { TrashPurger } from './trash/trash-purger.js';
import { TrashRetentionService } from './trash/trash-retention.service.js';

/** The worker's services; docs/architecture.md follows one build from the queue to the engine. */
@Module({
  imports: [
    LoggerModule.forRoot(loggerOptions('worker')),
    ConfigModule,
    PersistenceModule,
    RuntimeModule.forRoot(loadConfig()),
    SnapshotStoreModule,
    QueueModule.register('worker'),
  ],
  providers: [
    WorkspaceLifecycleService,
    WorkspaceLifecycleProcessor,
    TemplateImageService,
    TemplateBuildProcessor,
    ReconcilerService,
    ReaperService,
    IdleStopperService,
    SystemTransitions,
    RetentionService,
    WorkerMetricsService,
    HomeUsageService,
    TrashPurger,
    TrashRetentionService,
    SnapshotService,
    SnapshotProcessor,
    SnapshotScheduler,
    SnapshotScheduleProcessor,
  ],
})
export class WorkerModule {}
