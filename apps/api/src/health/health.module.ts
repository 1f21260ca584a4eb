import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { QueueModule } from '#queue';
import { HealthController } from './health.controller.js';

@Module({ imports: [TerminusModule, QueueModule.register('producer')], controllers: [HealthController] })
export class HealthModule {}
