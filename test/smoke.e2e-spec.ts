import { Test } from '@nestjs/testing';
import { Module, Controller, Get } from '@nestjs/common';
import request from 'supertest';
@Controller() class C { @Get('x') x() { return { ok: 1 }; } }
@Module({ controllers: [C] }) class M {}
it('works', async () => {
  const mod = await Test.createTestingModule({ imports: [M] }).compile();
  const app = mod.createNestApplication(); await app.init();
  await request(app.getHttpServer()).get('/x').expect(200, { ok: 1 });
  await app.close();
});
