import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MAX_RETENTION_DAYS } from '../config/app-config';
import { TRACE_LEVELS, type TraceLevel } from '../conversation/trace-level';

export class CreateChatbotDto {
  @ApiProperty({ example: 'Order bot' })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string | null;
}

/**
 * `scheme://host…` over http(s), as the events receiver's URL: no `user:password@` (the
 * chatbot shows this URL as it is, and the credentials would never be sent) nor a #fragment.
 */
const EVENTS_URL = /^https?:\/\/[^\s/?#@]+([/?][^\s#]*)?$/;

const days = (field: string) =>
  `retention.${field} must be a number of days from 0 (keep for ever) to ${MAX_RETENTION_DAYS}, or null (the server's default)`;

/** A chatbot's own retention periods (docs/retention.md); absent: unchanged. */
export class ChatbotRetentionDto {
  @ApiPropertyOptional({
    nullable: true,
    description:
      "Days its turn traces are kept; 0: for ever; null: the server's TRACE_RETENTION_DAYS.",
  })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: days('traces_days') })
  @Min(0, { message: days('traces_days') })
  @Max(MAX_RETENTION_DAYS, { message: days('traces_days') })
  traces_days?: number | null;

  @ApiPropertyOptional({
    nullable: true,
    description:
      "Days a finished conversation's messages are kept after its last activity; 0: for ever; null: the server's MESSAGE_RETENTION_DAYS.",
  })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: days('messages_days') })
  @Min(0, { message: days('messages_days') })
  @Max(MAX_RETENTION_DAYS, { message: days('messages_days') })
  messages_days?: number | null;
}

export class UpdateChatbotDto {
  @ApiPropertyOptional({
    type: ChatbotRetentionDto,
    nullable: true,
    description: "How long its traces and messages are kept; null: the server's defaults.",
  })
  @IsOptional()
  @IsObject({ message: 'retention must be an object or null' })
  @ValidateNested()
  @Type(() => ChatbotRetentionDto)
  retention?: ChatbotRetentionDto | null;

  @ApiPropertyOptional({
    enum: TRACE_LEVELS,
    nullable: true,
    description:
      'Which turns write a trace: full (every turn), errors (turns with an engine, template or API_CALL error, a fallback or the loop guard), off (none). Playground previews always keep theirs. null: the default, full.',
  })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsIn(TRACE_LEVELS, {
    message: `trace_level must be one of: ${TRACE_LEVELS.join(', ')} (or null: full)`,
  })
  trace_level?: TraceLevel | null;

  @ApiPropertyOptional({
    nullable: true,
    description:
      'Where conversation events are POSTed, signed (X-Sarufi-Signature); null turns them off.',
  })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsString({ message: 'events_url must be a URL or null' })
  @Length(1, 2048, { message: 'events_url must be at most 2048 characters long' })
  @Matches(EVENTS_URL, {
    message:
      'events_url must be an absolute http or https URL, without user:password@ or a #fragment',
  })
  events_url?: string | null;

  @ApiPropertyOptional({ description: 'true: a new events_secret, shown once in the answer.' })
  @IsOptional()
  @IsBoolean({ message: 'rotate_events_secret must be true or false' })
  rotate_events_secret?: boolean;

  @ApiPropertyOptional()
  // A name cannot be cleared: null is refused, not taken for "unchanged".
  @ValidateIf((_o, v) => v !== undefined)
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string | null;
}
