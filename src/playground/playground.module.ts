import { Module } from '@nestjs/common';
import { PlaygroundController } from './playground.controller';

/** The playground page and its script, served by the gateway itself. */
@Module({ controllers: [PlaygroundController] })
export class PlaygroundModule {}
