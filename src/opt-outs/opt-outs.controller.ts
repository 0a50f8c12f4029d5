import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ChatbotScopeGuard } from '../chatbots/chatbot-scope.guard';
import { notFound } from '../common/domain-error';
import { pageRequest, toPage } from '../common/paging';
import { UlidPipe } from '../common/ulid.pipe';
import { ApiKeyGuard } from '../workspaces/api-key.guard';
import { CreateOptOutDto } from './opt-outs.dto';
import { OptOutsRepository, type OptOutRow } from './opt-outs.repository';

const view = (r: OptOutRow) => ({
  id: r.id,
  channel: r.channel,
  user_id: r.user_id,
  source: r.source,
  created_at: r.created_at.toISOString(),
});

/** The numbers that said STOP: nothing is sent to them (http-api.md › opt-outs). */
@ApiTags('opt-outs')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard, ChatbotScopeGuard)
@Controller('api/dev/v1/chatbots/:chatbotId/opt-outs')
export class OptOutsController {
  constructor(@Inject(OptOutsRepository) private readonly optOuts: OptOutsRepository) {}

  @Get()
  async list(
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Query() q: { limit?: string; cursor?: string },
  ) {
    const page = pageRequest(q, `chatbots/${chatbotId}/opt-outs`);
    const { rows, total } = await this.optOuts.page(chatbotId, page.limit + 1, page.after);
    return toPage(rows, total, page, view);
  }

  /** Adds a number; adding one already on the list answers its existing entry. */
  @Post()
  @HttpCode(201)
  async add(@Param('chatbotId', UlidPipe) chatbotId: string, @Body() dto: CreateOptOutDto) {
    return view(await this.optOuts.add(chatbotId, dto.channel, dto.user_id, 'api'));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('id', UlidPipe) id: string,
  ): Promise<void> {
    if (!(await this.optOuts.remove(chatbotId, id))) throw notFound('Opt-out');
  }
}
