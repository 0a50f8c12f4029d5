import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { ArrivalStamped } from '../common/http-pipeline';
import { MetricsService } from './metrics.service';

/**
 * Observes the time from a request's arrival (stamped by the first middleware) to the start
 * of its route handler: body parsing, middleware, guards (API key, chatbot scope) and every
 * wait for the event loop in between. One clock read per request.
 */
@Injectable()
export class HandlerArrivalInterceptor implements NestInterceptor {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<ArrivalStamped & { raw?: ArrivalStamped }>();
      // Express hands over node's request itself; other adapters keep it as `raw`.
      const arrivedAt = req.arrivedAt ?? req.raw?.arrivedAt;
      if (arrivedAt !== undefined)
        this.metrics.requestToHandler.observe(Number(process.hrtime.bigint() - arrivedAt) / 1e9);
    }
    return next.handle();
  }
}
