import { Module } from '@nestjs/common';
import { QueueModule } from '#queue';
import { AdminController } from './admin.controller.js';
import { QueueJobsService } from './queue-jobs.service.js';
import { QueuesController } from './queues.controller.js';

/** The admin system view: queue counts, the engine's health, and the queue jobs page. */
@Module({
  imports: [QueueModule.register('producer')],
  controllers: [AdminController, QueuesController],
  providers: [QueueJobsService],
})
export class AdminModule {}
