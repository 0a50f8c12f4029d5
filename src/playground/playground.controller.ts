import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { sendWebAsset } from '../common/web-assets';

/**
 * The playground page (web.md): a static page and its script, bundled by `npm run build`. It
 * uses the developer API with the key the author types in, kept in sessionStorage.
 */
@ApiExcludeController()
@Controller('playground')
export class PlaygroundController {
  @Get()
  page(@Req() req: Request, @Res() res: Response): void {
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    );
    sendWebAsset(req, res, 'playground.html', 'text/html; charset=utf-8', 0);
  }

  @Get('playground.js')
  script(@Req() req: Request, @Res() res: Response): void {
    sendWebAsset(req, res, 'playground.js', 'text/javascript; charset=utf-8', 0);
  }
}
