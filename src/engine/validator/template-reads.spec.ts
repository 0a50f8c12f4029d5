import Handlebars from 'handlebars';
import { templateReads } from './template-reads';

const reads = (source: string) => templateReads(Handlebars.parse(source));

describe('templateReads', () => {
  it('reads roots with and without the variables. prefix', () => {
    expect(reads('{{variables.order.id}} {{name}} {{variables.order.total}}').roots).toEqual([
      'order',
      'name',
    ]);
  });

  it('skips helper names but reads their arguments, hash values and sub-expressions', () => {
    const usage = reads(
      '{{upper name}} {{default nick "x"}} {{#if (eq status "ok")}}{{/if}} {{number total style=fmt}}',
    );
    expect(usage.roots).toEqual(['name', 'nick', 'status', 'total', 'fmt']);
    expect(usage.unknownHelpers).toEqual([]);
  });

  it('skips paths relative to each/with items but follows ../ and @root', () => {
    const usage = reads(
      '{{#each items}}{{sku}} {{this}} {{@index}} {{../currency}} {{@root.shop}}{{/each}}{{#with order}}{{id}}{{/with}}',
    );
    expect(usage.roots).toEqual(['items', 'currency', 'shop', 'order']);
  });

  it('keeps the context inside if/unless', () => {
    expect(reads('{{#if a}}{{b}}{{else}}{{c}}{{/if}}{{#unless d}}{{e}}{{/unless}}').roots).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
  });

  it('notices reads of every variable, unknown helpers and partials', () => {
    expect(reads('{{json variables}}').readsEverything).toBe(true);
    expect(reads('{{json this}}').readsEverything).toBe(true);
    expect(reads('{{shout name}}').unknownHelpers).toEqual(['shout']);
    expect(reads('{{> footer}}').usesPartials).toBe(true);
  });

  it('notices built-in helpers called in a way that fails at every render', () => {
    expect(reads('{{#with}}{{/with}}{{if a}}{{lookup a}}').misusedHelpers).toEqual([
      'calls "{{#with}}" with 0 values; it takes exactly one',
      'uses "if" outside a block; write {{#if …}}…{{/if}}',
      'calls "lookup" with 1 value; it takes exactly two (an object and a key)',
    ]);
    expect(reads('{{#unless a as |x|}}{{x}}{{/unless}}').misusedHelpers).toEqual([
      'asks "{{#unless}}" for block parameters ("as |…|"); it has none',
    ]);
    expect(
      reads('{{#if a}}{{else if b}}{{/if}}{{#each l as |x i|}}{{/each}}{{lookup a "b"}}')
        .misusedHelpers,
    ).toEqual([]);
  });
});
