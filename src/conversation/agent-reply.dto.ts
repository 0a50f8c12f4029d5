import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';

/** A person's text message; other message types come with the rest of issue 13. */
export class AgentTextMessageDto {
  @ApiProperty({ enum: ['text'] })
  @IsIn(['text'], { message: 'message.type must be "text" (other types are not available yet)' })
  type: 'text';

  @ApiProperty({ description: '1–4096 characters.' })
  @IsString({ message: 'message.text must be a string' })
  @Length(1, 4096, { message: 'message.text must be 1 to 4096 characters long' })
  text: string;
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
  @ApiProperty({ type: AgentTextMessageDto })
  @IsDefined({ message: 'message is required' })
  @IsObject({ message: 'message must be an object' })
  @ValidateNested()
  @Type(() => AgentTextMessageDto)
  message: AgentTextMessageDto;

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
