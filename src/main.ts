import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module, Controller, Get } from '@nestjs/common';
@Controller() class C { @Get('x') x() { return { ok: 1 }; } }
@Module({ controllers: [C] }) class M {}
void (async () => { const app = await NestFactory.create(M); await app.listen(3999); console.log('up'); await app.close(); })();
