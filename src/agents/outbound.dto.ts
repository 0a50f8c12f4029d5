import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { AgentTextMessageDto } from '../conversation/agent-reply.dto';

/** A WhatsApp template approved by Meta: the Cloud API's template object. */
export class OutboundTemplateDto {
  @ApiProperty({ example: 'appointment_reminder' })
  @Matches(/^[a-z0-9_]{1,512}$/, {
    message: "template.name must be the approved template's name (lowercase letters, digits, _)",
  })
  name: string;

  @ApiProperty({ example: 'en' })
  @Matches(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/, {
    message: 'template.language must be a language code such as "en" or "en_US"',
  })
  language: string;

  @ApiPropertyOptional({ description: "The Cloud API's components (header, body, buttons)." })
  @IsOptional()
  @IsArray({ message: 'template.components must be a list' })
  components?: unknown[];
}

/** `POST /chatbots/{id}/outbound`: the business writes first. */
export class OutboundDto {
  @ApiProperty({ description: 'The channel integration to send through (whatsapp or sms).' })
  @Matches(/^[0-9A-HJKMNP-TV-Z]{26}$/i, { message: 'integration_id must be an integration id' })
  integration_id: string;

  @ApiProperty({ example: '+255712345678', description: 'The user, in E.164.' })
  @IsString({ message: 'to must be a phone number in E.164, such as +255712345678' })
  @Matches(/^\+[1-9][0-9]{6,14}$/, {
    message: 'to must be a phone number in E.164, such as +255712345678',
  })
  to: string;

  @ApiPropertyOptional({
    description:
      "The state the conversation continues from; its messages are sent unless message or template is given. Absent: a new session starts at the flow's start, an open one stays where it is.",
  })
  @IsOptional()
  @IsString({ message: 'state must be the name of a state of the flow' })
  @Length(1, 200, { message: 'state must be 1 to 200 characters long' })
  state?: string;

  @ApiPropertyOptional({ description: 'Set before the state is entered.' })
  @IsOptional()
  @IsObject({ message: 'variables must be an object' })
  variables?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: AgentTextMessageDto,
    description: "Sent instead of the state's own messages.",
  })
  @IsOptional()
  @IsObject({ message: 'message must be an object' })
  @ValidateNested()
  @Type(() => AgentTextMessageDto)
  message?: AgentTextMessageDto;

  @ApiPropertyOptional({
    type: OutboundTemplateDto,
    description:
      "WhatsApp only: sent instead of the state's messages, also outside the 24-hour window.",
  })
  @IsOptional()
  @IsObject({ message: 'template must be an object' })
  @ValidateNested()
  @Type(() => OutboundTemplateDto)
  template?: OutboundTemplateDto;
}
