import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';

/** Channels whose users are phone numbers that can say STOP. */
export const OPT_OUT_CHANNELS = ['sms', 'whatsapp'] as const;

export class CreateOptOutDto {
  @ApiProperty({ enum: OPT_OUT_CHANNELS })
  @IsIn(OPT_OUT_CHANNELS, { message: `channel must be one of: ${OPT_OUT_CHANNELS.join(', ')}` })
  channel: (typeof OPT_OUT_CHANNELS)[number];

  @ApiProperty({ example: '+255700000001', description: 'The phone number, E.164 with +.' })
  @IsString({ message: 'user_id must be a string' })
  @Matches(/^\+[1-9][0-9]{5,14}$/, {
    message: 'user_id must be a phone number in E.164 form, such as +255700000001',
  })
  user_id: string;
}
