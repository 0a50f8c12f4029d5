import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { AcceptsSchema } from '../../common/validation';

@AcceptsSchema<SendMessageDto>({
  type: 'object',
  properties: {
    message: { type: 'string', minLength: 1, maxLength: 4096 },
    message_type: { type: 'string', enum: ['text', 'button'], nullable: true },
    button_id: { type: 'string', minLength: 1, maxLength: 256, nullable: true },
  },
  required: ['message'],
  additionalProperties: false,
})
export class SendMessageDto {
  @ApiProperty({ description: 'User message text (1–4096 characters).' })
  @IsString({ message: 'message must be a string' })
  @Length(1, 4096, { message: 'message must be 1 to 4096 characters long' })
  message: string;

  @ApiPropertyOptional({ enum: ['text', 'button'], default: 'text' })
  @IsOptional()
  @IsIn(['text', 'button'], { message: 'message_type must be "text" or "button"' })
  message_type?: 'text' | 'button';

  @ApiPropertyOptional({ nullable: true, description: 'Id of the pressed button or list row.' })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsString({ message: 'button_id must be a string or null' })
  @Length(1, 256, { message: 'button_id must be 1 to 256 characters long' })
  button_id?: string | null;
}

/** Optional body of "create session": who the user is, for templates and X-Sarufi-* headers. */
export class CreateSessionDto {
  @ApiPropertyOptional({ description: 'Your id for the end user; defaults to the session id.' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  user_id?: string;

  @ApiPropertyOptional({ description: 'Shown to the flow as variables.contact_name.' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  contact_name?: string;

  @ApiPropertyOptional({ example: 'sw', description: 'Shown to the flow as variables.locale.' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, {
    message: 'locale must look like "en" or "sw-TZ"',
  })
  locale?: string;
}
