import { Module } from '@nestjs/common';
import { ApiMetricsService } from './api-metrics.service.js';
import { MetricsController } from './metrics.controller.js';

@Module({ controllers: [MetricsController], providers: [ApiMetricsService] })
export class MetricsModule {}
