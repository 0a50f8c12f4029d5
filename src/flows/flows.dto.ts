import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import type { FlowType } from './flow.entity';

export class CreateFlowDto {
  @ApiProperty({ example: 'Onboarding Flow' })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @ApiProperty({ enum: ['conversation', 'meta'] })
  @IsIn(['conversation', 'meta'], { message: 'type must be "conversation" or "meta"' })
  type: FlowType;

  @ApiPropertyOptional({
    description: 'The flow definition (a JSON object). A blank flow {} when omitted.',
  })
  @IsOptional()
  @IsObject({ message: 'flow must be a JSON object' })
  flow?: Record<string, unknown>;
}

/** Absent fields stay as they are; null is no value for either (the definition is NOT NULL). */
export class UpdateFlowDto {
  @ApiPropertyOptional()
  @ValidateIf((_o, v) => v !== undefined)
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({ description: 'Replaces the whole definition.' })
  @ValidateIf((_o, v) => v !== undefined)
  @IsObject({ message: 'flow must be a JSON object' })
  flow?: Record<string, unknown>;
}

export class ValidateFlowDto {
  @ApiPropertyOptional({
    description: 'A definition to check in place of the stored draft; it is not stored.',
  })
  @IsOptional()
  @IsObject({ message: 'flow must be a JSON object' })
  flow?: Record<string, unknown>;
}
