import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';

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

/** `scheme://host…` over http(s), as the events receiver's URL. */
const EVENTS_URL = /^https?:\/\/[^\s/?#]+([/?][^\s#]*)?$/;

export class UpdateChatbotDto {
  @ApiPropertyOptional({
    nullable: true,
    description:
      'Where conversation events are POSTed, signed (X-Sarufi-Signature); null turns them off.',
  })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsString({ message: 'events_url must be a URL or null' })
  @Length(1, 2048, { message: 'events_url must be at most 2048 characters long' })
  @Matches(EVENTS_URL, { message: 'events_url must be an absolute http or https URL' })
  events_url?: string | null;

  @ApiPropertyOptional({ description: 'true: a new events_secret, shown once in the answer.' })
  @IsOptional()
  @IsBoolean({ message: 'rotate_events_secret must be true or false' })
  rotate_events_secret?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
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
