import { Module } from '@nestjs/common';
import { QueueModule } from '#queue';
import { AdminController } from './admin.controller.js';
import { QueueJobsService } from './queue-jobs.service.js';
import { QueuesController } from './queues.controller.js';
import { NodesController } from './nodes.controller.js';

/** The admin system view: queue counts, the engine's health, the queue jobs page, and the nodes. */
@Module({
  imports: [QueueModule.register('producer')],
  controllers: [AdminController, QueuesController, NodesController],
  providers: [QueueJobsService],
})
export class AdminModule {}
