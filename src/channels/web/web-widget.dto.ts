import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { VISITOR_ID_PATTERN } from './visitor-identity';

/** A site's signed claim that the visitor is its logged-in user `id`. */
export class UserClaimDto {
  @ApiProperty()
  @IsString({ message: 'user.id must be a string' })
  @Length(1, 256, { message: 'user.id must be 1 to 256 characters long' })
  id: string;

  @ApiProperty({ description: 'Lowercase hex HMAC-SHA256 of id with the identity secret.' })
  @IsString({ message: 'user.signature must be a string' })
  @Length(1, 128, { message: 'user.signature must be 1 to 128 characters long' })
  signature: string;
}

export class CreateWidgetSessionDto {
  @ApiPropertyOptional({ description: 'The id the widget keeps for this browser.' })
  @IsOptional()
  @Matches(VISITOR_ID_PATTERN, {
    message: 'visitor_id must be 8 to 64 characters: letters, digits, "_" and "-"',
  })
  visitor_id?: string;

  @ApiPropertyOptional({ type: UserClaimDto })
  @IsOptional()
  @IsObject({ message: 'user must be an object' })
  @ValidateNested()
  @Type(() => UserClaimDto)
  user?: UserClaimDto;
}
