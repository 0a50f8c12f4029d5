import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ArrivalStamped } from '../common/http-pipeline';
import type { MetricsService } from './metrics.service';

/** Counts and times every request by its route pattern, and writes one access log line. */
export function requestMetricsMiddleware(metrics: MetricsService, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = (req as ArrivalStamped).arrivedAt ?? process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = req.route
        ? `${req.baseUrl}${(req.route as { path: string }).path}`
        : 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, seconds);
      logger.info(
        {
          request_id: res.getHeader('X-Request-Id'),
          method: req.method,
          route,
          status: res.statusCode,
          duration_ms: Math.round(seconds * 1e4) / 10,
        },
        'request',
      );
    });
    next();
  };
}
