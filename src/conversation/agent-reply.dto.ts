import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import type { GenericMessage } from '../engine';
import {
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/** A text message written by a person (or a business's outbound message). */
export class AgentTextMessageDto {
  @ApiProperty({ enum: ['text'] })
  @IsIn(['text'], { message: 'message.type must be "text"' })
  type: 'text';

  @ApiProperty({ description: '1–4096 characters.' })
  @IsString({ message: 'message.text must be a string' })
  @Length(1, 4096, { message: 'message.text must be 1 to 4096 characters long' })
  text: string;
}

/** A person's message: text, or on WhatsApp an approved template (also outside the window). */
export class AgentMessageDto {
  @ApiProperty({ enum: ['text', 'template'] })
  @IsIn(['text', 'template'], { message: 'message.type must be "text" or "template"' })
  type: 'text' | 'template';

  @ApiPropertyOptional({ description: 'text: 1–4096 characters.' })
  @ValidateIf((m: AgentMessageDto) => m.type !== 'template')
  @IsString({ message: 'message.text must be a string' })
  @Length(1, 4096, { message: 'message.text must be 1 to 4096 characters long' })
  text?: string;

  @ApiPropertyOptional({ description: "template: the approved template's name." })
  @ValidateIf((m: AgentMessageDto) => m.type === 'template')
  @Matches(/^[a-z0-9_]{1,512}$/, {
    message: "message.name must be the approved template's name (lowercase letters, digits, _)",
  })
  name?: string;

  @ApiPropertyOptional({ description: 'template: its language code, such as "en".' })
  @ValidateIf((m: AgentMessageDto) => m.type === 'template')
  @Matches(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/, {
    message: 'message.language must be a language code such as "en" or "en_US"',
  })
  language?: string;

  @ApiPropertyOptional({ description: "template: the Cloud API's components." })
  @ValidateIf((m: AgentMessageDto) => m.type === 'template' && m.components !== undefined)
  @IsArray({ message: 'message.components must be a list' })
  components?: unknown[];
}

/** The GenericMessage a checked AgentMessageDto stands for. */
export function agentMessage(m: AgentMessageDto): GenericMessage {
  if (m.type === 'template')
    return {
      type: 'template',
      name: m.name!,
      language: m.language!,
      ...(m.components ? { components: m.components } : {}),
    };
  return { type: 'text', text: m.text! };
}

export class AgentDto {
  @ApiProperty()
  @IsString({ message: 'agent.id must be a string' })
  @Length(1, 128, { message: 'agent.id must be 1 to 128 characters long' })
  id: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'agent.name must be a string' })
  @Length(1, 128, { message: 'agent.name must be 1 to 128 characters long' })
  name?: string;
}

/** `POST .../conversations/{cid}/messages`: a person answers on the conversation's channel. */
export class AgentReplyDto {
  @ApiProperty({ type: AgentMessageDto })
  @IsDefined({ message: 'message is required' })
  @IsObject({ message: 'message must be an object' })
  @ValidateNested()
  @Type(() => AgentMessageDto)
  message: AgentMessageDto;

  @ApiPropertyOptional({ type: AgentDto })
  @IsOptional()
  @IsObject({ message: 'agent must be an object' })
  @ValidateNested()
  @Type(() => AgentDto)
  agent?: AgentDto;
}

/** `POST .../conversations/{cid}/handoff`: hand the conversation to people. */
export class HandoffDto {
  @ApiPropertyOptional({ description: 'Why (shown in the trace and the handoff event).' })
  @IsOptional()
  @IsString({ message: 'reason must be a string' })
  @Length(1, 500, { message: 'reason must be 1 to 500 characters long' })
  reason?: string;
}

/** `POST .../conversations/{cid}/release`: back to the bot, optionally at a named state. */
export class ReleaseDto {
  @ApiPropertyOptional({ description: 'Resume at this state of the flow (its messages are sent).' })
  @IsOptional()
  @IsString({ message: 'state must be a string' })
  @Length(1, 200, { message: 'state must be 1 to 200 characters long' })
  state?: string;
}
