import { rewriteIndexSugar } from './rewrite-index-sugar';

describe('rewriteIndexSugar', () => {
  it.each([
    ['{{variables.profile.orders[0].id}}', '{{variables.profile.orders.[0].id}}'],
    ['{{a[0][1][2]}}', '{{a.[0].[1].[2]}}'],
    ['{{#each items[0].tags}}{{this}}{{/each}}', '{{#each items.[0].tags}}{{this}}{{/each}}'],
    ['{{eq list[1] "x[2]"}}', '{{eq list.[1] "x[2]"}}'],
    ['Text [0] stays {{a.[0]}}', 'Text [0] stays {{a.[0]}}'],
    ['{{{raw[3]}}}', '{{{raw.[3]}}}'],
    ['no mustache here', 'no mustache here'],
  ])('should rewrite %s', (source, expected) => {
    expect(rewriteIndexSugar(source)).toBe(expected);
  });
});
