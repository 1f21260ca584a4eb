import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

import { JOB_STATES, type JobState, QueueJobsService, type QueueJobView } from './queue-jobs.service.js';
import { Operation } from '../common/api-operation.js';

export class ListJobsQuery {
  @IsIn(JOB_STATES)
  state!: JobState;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

/**
 * The queue view of the admin system page: jobs per state, retry a failed one, remove a stuck one.
 * Admins only; token requests need the `all` scope (door table), cookie requests the CSRF
 * header; every retry and removal is audited (`queues.retry`, `queues.remove`, target: the job id).
 */
@ApiTags('admin')
@Controller('admin/queues')
export class QueuesController {
  constructor(private readonly jobs: QueueJobsService) {}

  @Operation({
    id: 'listQueueJobs',
    summary: 'List the jobs of a queue in one state',
    status: 200,
    returns: { listOf: 'QueueJob' },
  })
  @Get(':queue/jobs')
  list(@Param('queue') queue: string, @Query() query: ListJobsQuery): Promise<QueueJobView[]> {
    return this.jobs.list(queue, query.state, query.limit ?? 50);
  }

  @Operation({ id: 'retryQueueJob', summary: 'Retry a failed job', status: 200, returns: 'QueueJob', errors: [409] })
  @Post(':queue/jobs/:id/retry')
  @HttpCode(200)
  retry(@Param('queue') queue: string, @Param('id') id: string): Promise<QueueJobView> {
    return this.jobs.retry(queue, id);
  }

  @Operation({
    id: 'removeQueueJob',
    summary: 'Remove a stuck job',
    status: 200,
    returns: 'QueueJobRemoved',
    errors: [409],
  })
  @Delete(':queue/jobs/:id')
  remove(@Param('queue') queue: string, @Param('id') id: string): Promise<{ id: string; removed: true }> {
    return this.jobs.remove(queue, id);
  }
}
