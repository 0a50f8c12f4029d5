import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendWebAsset } from '../common/web-assets';

/**
 * The playground page (web.md): a static page and its script, bundled by `npm run build`. It
 * uses the developer API with the key the author types in, kept in sessionStorage.
 */
@ApiExcludeController()
@Controller('playground')
export class PlaygroundController {
  @Get()
  page(@Req() req: FastifyRequest, @Res() res: FastifyReply): void {
    res.header(
      'Content-Security-Policy',
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    );
    sendWebAsset(req, res, 'playground.html', 'text/html; charset=utf-8', 0);
  }

  @Get('playground.js')
  script(@Req() req: FastifyRequest, @Res() res: FastifyReply): void {
    sendWebAsset(req, res, 'playground.js', 'text/javascript; charset=utf-8', 0);
  }
}
