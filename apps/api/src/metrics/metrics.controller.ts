import { Controller, Get, Header, Inject, Req, UnauthorizedException } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { type Request } from 'express';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { metricsAllowed, registry } from '#metrics';
import { Operation } from '../common/api-operation.js';

/**
 * GET /metrics in the Prometheus text format: from loopback (as the trusted-proxy rules see the
 * client, so a request forwarded by a proxy on this host from elsewhere is not local), or with
 * `Authorization: Bearer $BERTH_METRICS_TOKEN`; 401 otherwise. Outside /api/v1. In the OpenAPI
 * document like every route the door table lists (a public door: this rule is its own).
 */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(BERTH_CONFIG) private readonly config: BerthConfig) {}

  @Operation({ id: 'getMetrics', summary: 'Prometheus metrics', status: 200, returns: 'text', errors: [401] })
  @Get()
  @ApiProduces('text/plain')
  @Header('Content-Type', registry.contentType)
  @Header('Cache-Control', 'no-store')
  metrics(@Req() req: Request): Promise<string> {
    // A forwarded request whose proxy is not trusted (BERTH_TRUSTED_PROXIES) is not local, even
    // though its peer is: a reverse proxy on this host would otherwise expose /metrics to anyone.
    const forwardedUntrusted = req.headers['x-forwarded-for'] !== undefined && req.ip === req.socket.remoteAddress;
    const peer = forwardedUntrusted ? undefined : req.ip;
    if (!metricsAllowed(peer, req.headers.authorization, this.config.BERTH_METRICS_TOKEN))
      throw new UnauthorizedException('metrics are served to loopback, or with the metrics token');
    return registry.metrics();
  }
}
