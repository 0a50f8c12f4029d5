import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Options,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { UlidPipe } from '../../common/ulid.pipe';
import { sendWebAsset } from '../../common/web-assets';
import { SendMessageDto } from '../api/chat.dto';
import { WebEventStream } from './web-event-stream';
import { CreateWidgetSessionDto } from './web-widget.dto';
import { WebWidgetService, type WidgetRequest } from './web-widget.service';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;

/** The widget script (`<script src=".../widget.js" data-widget-key="wk_…">`). */
@ApiExcludeController()
@Controller()
export class WidgetScriptController {
  @Get('widget.js')
  script(@Req() req: FastifyRequest, @Res() res: FastifyReply): void {
    sendWebAsset(req, res, 'widget.js', 'text/javascript; charset=utf-8', 300);
  }
}

/**
 * The public widget API (`/widget/v1/{widget_key}`, web.md): no API key; the origin must be
 * one the integration allows, and each session's calls carry `Authorization: Visitor <token>`.
 * CORS headers are set as soon as the origin is known, so the widget can read refusals
 * (404, 410, 429) too.
 */
@ApiExcludeController()
@Controller('widget/v1/:widgetKey')
export class WebWidgetController {
  constructor(
    @Inject(WebWidgetService) private readonly widget: WebWidgetService,
    @Inject(WebEventStream) private readonly events: WebEventStream,
  ) {}

  @Options(['config', 'sessions', 'sessions/:sessionId/messages', 'sessions/:sessionId/events'])
  @HttpCode(204)
  async preflight(
    @Param('widgetKey') key: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<void> {
    await this.open(key, req, res);
    res.header('Access-Control-Allow-Methods', 'GET, POST');
    res.header('Access-Control-Allow-Headers', 'Authorization, Content-Type, Last-Event-ID');
    res.header('Access-Control-Max-Age', '600');
  }

  @Get('config')
  async config(
    @Param('widgetKey') key: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    return this.widget.config(await this.open(key, req, res));
  }

  @Post('sessions')
  async create(
    @Param('widgetKey') key: string,
    @Body() dto: CreateWidgetSessionDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    return this.widget.createSession(await this.open(key, req, res), dto);
  }

  @Post('sessions/:sessionId/messages')
  @HttpCode(200)
  async send(
    @Param('widgetKey') key: string,
    @Param('sessionId', UlidPipe) sessionId: string,
    @Body() dto: SendMessageDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const widget = await this.open(key, req, res, sessionId);
    return this.widget.sendMessage(widget, sessionId, visitorToken(req), dto);
  }

  @Get('sessions/:sessionId/messages')
  async history(
    @Param('widgetKey') key: string,
    @Param('sessionId', UlidPipe) sessionId: string,
    @Query('after') after: string | undefined,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const widget = await this.open(key, req, res, sessionId);
    return this.widget.history(widget, sessionId, visitorToken(req), messageId(after, 'after'));
  }

  @Get('sessions/:sessionId/events')
  async stream(
    @Param('widgetKey') key: string,
    @Param('sessionId', UlidPipe) sessionId: string,
    @Query('after') after: string | undefined,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const widget = await this.open(key, req, res, sessionId);
    await this.widget.authorise(widget, sessionId, visitorToken(req));
    const lastEventId = req.headers['last-event-id'];
    const resumeFrom =
      typeof lastEventId === 'string'
        ? messageId(lastEventId, 'Last-Event-ID')
        : messageId(after, 'after');
    await this.events.run(sessionId, resumeFrom, res);
  }

  /** The widget for this request: its origin checked, CORS headers set, rate limits applied. */
  private async open(
    key: string,
    req: FastifyRequest,
    res: FastifyReply,
    sessionId?: string,
  ): Promise<WidgetRequest> {
    const origin = req.headers.origin;
    const widget = await this.widget.resolve(key, origin);
    if (origin) {
      res.header('Access-Control-Allow-Origin', origin);
      // Browsers hide other headers from cross-origin scripts: the widget honours Retry-After.
      res.header('Access-Control-Expose-Headers', 'Retry-After');
      res.header('Vary', 'Origin');
    }
    if (req.method !== 'OPTIONS') this.widget.limit(req.ip ?? 'unknown', sessionId);
    return widget;
  }
}

/** `Authorization: Visitor <token>`; anything else cannot name a session, so it is a 404. */
function visitorToken(req: FastifyRequest): string {
  const match = /^Visitor ([A-Za-z0-9_-]{16,128})$/.exec(req.headers.authorization ?? '');
  if (!match) throw new DomainError(ErrorCode.NotFound, 'Widget session not found');
  return match[1];
}

function messageId(value: string | undefined, path: string): string | null {
  if (value === undefined || value === '') return null;
  if (!ULID.test(value))
    throw new DomainError(ErrorCode.ValidationFailed, 'Invalid message id.', [
      { path, message: `${path} must be a message id.` },
    ]);
  return value.toUpperCase();
}
