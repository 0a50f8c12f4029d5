import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { SendMessageDto } from '../api/chat.dto';

/**
 * `POST /chatbots/{id}/channels/rest-api/{integration_id}/messages`: a user's message on the
 * business's own channel. `message`, `message_type` and `button_id` read as the Chat API's.
 */
export class RestApiMessageDto extends SendMessageDto {
  @ApiProperty({ description: 'Your id for the user (1–256 characters): one session per user.' })
  @IsString({ message: 'user_id must be a string' })
  @Length(1, 256, { message: 'user_id must be 1 to 256 characters long' })
  user_id: string;

  @ApiPropertyOptional({
    description:
      'Your id for this message (1–256 printable characters): the same id again is taken once.',
  })
  @IsOptional()
  @IsString({ message: 'message_id must be a string' })
  @Matches(/^[\x21-\x7e]{1,256}$/, {
    message: 'message_id must be 1 to 256 printable characters, without spaces',
  })
  message_id?: string;

  @ApiPropertyOptional({ description: 'Shown to the flow as variables.contact_name.' })
  @IsOptional()
  @IsString({ message: 'contact_name must be a string' })
  @Length(1, 256, { message: 'contact_name must be 1 to 256 characters long' })
  contact_name?: string;
}
