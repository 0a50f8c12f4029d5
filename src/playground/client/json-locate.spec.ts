import seedFlows from '../../engine/testing/seed-flows.json';
import { validateFlow } from '../../engine/validator';
import { locateJsonPath } from './json-locate';
import { parseIssuePath } from './issue-path';
import { parseJsonTree } from './json-tree';

/** The plain value at a path of a parsed document (undefined when absent). */
function valueAt(doc: unknown, segments: Array<string | number>): unknown {
  let node = doc;
  for (const s of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[s];
  }
  return node;
}

const FLOW = `{
  "start": "menu",
  "states": {
    "menu": {
      "message": "Pick one",
      "buttons": [
        { "id": "balance", "title": "Balance" },
        { "id": "", "title": "Empty id" }
      ],
      "transitions": { "balance": "show_balance", "default": "menu" }
    },
    "my state": { "message": "x", "end": true },
    "show_balance": { "message": "100", "end": true }
  }
}`;

/** The text a location selects. */
function selected(source: string, path: string): string | undefined {
  const at = locateJsonPath(source, path);
  return at ? source.slice(at.from, at.to) : undefined;
}

describe('locateJsonPath', () => {
  it('selects the key of a map-form transition', () => {
    const at = locateJsonPath(FLOW, 'states.menu.transitions.balance')!;
    expect(FLOW.slice(at.from, at.to)).toBe('"balance"');
    expect(FLOW.slice(at.valueFrom, at.valueTo)).toBe('"show_balance"');
    expect(at.exact).toBe(true);
    // Inside the transitions map, not the button of the same id above it.
    expect(at.from).toBeGreaterThan(FLOW.indexOf('"transitions"'));
  });

  it('follows list indexes to the field of an item', () => {
    const at = locateJsonPath(FLOW, 'states.menu.buttons[1].id')!;
    expect(FLOW.slice(at.from, at.to)).toBe('"id"');
    expect(FLOW.slice(at.valueFrom, at.valueTo)).toBe('""');
    expect(at.from).toBeGreaterThan(FLOW.indexOf('Balance'));
  });

  it('selects an array item by its opening bracket, or whole when it is a scalar', () => {
    const at = locateJsonPath(FLOW, 'states.menu.buttons[0]')!;
    expect(FLOW.slice(at.from, at.to)).toBe('{');
    expect(FLOW.slice(at.valueFrom, at.valueTo)).toBe('{ "id": "balance", "title": "Balance" }');
    expect(selected('{"a": [10, 20]}', 'a[1]')).toBe('20');
  });

  it('reads bracketed keys', () => {
    expect(selected(FLOW, 'states["my state"].end')).toBe('"end"');
  });

  it('points at the whole document for the empty path', () => {
    const at = locateJsonPath(FLOW, '')!;
    expect(at).toMatchObject({ from: 0, to: 1, valueFrom: 0, valueTo: FLOW.length, exact: true });
  });

  it('falls back to the deepest part that exists, marked not exact', () => {
    const at = locateJsonPath(FLOW, 'states["my state"].transitions')!;
    expect(at.exact).toBe(false);
    expect(FLOW.slice(at.from, at.to)).toBe('"my state"');
    const index = locateJsonPath(FLOW, 'states.menu.buttons[7].id')!;
    expect(index.exact).toBe(false);
    expect(FLOW.slice(index.from, index.to)).toBe('"buttons"');
  });

  it('does not take a key for an index or an index for a key', () => {
    expect(locateJsonPath('{"a": {"0": 1}}', 'a[0]')).toMatchObject({ exact: false });
    expect(locateJsonPath('{"a": [1]}', 'a.0')).toMatchObject({ exact: false });
  });

  it('resolves a repeated key to the last one, as JSON.parse reads it', () => {
    const source = '{"start": "a", "start": "b"}';
    expect(source.slice(locateJsonPath(source, 'start')!.valueFrom)).toBe('"b"}');
  });

  it('is null for invalid JSON or an unreadable path', () => {
    expect(locateJsonPath('{"a": ', 'a')).toBeNull();
    expect(locateJsonPath(FLOW, 'states..menu')).toBeNull();
  });

  it('accepts an already parsed tree', () => {
    const tree = parseJsonTree(FLOW);
    expect(locateJsonPath(tree, 'start')).toEqual(locateJsonPath(FLOW, 'start'));
  });

  it('finds exactly every path the validator reports on the example flows', () => {
    // Findings about something absent (a missing "start", a state without transitions) can
    // only resolve partly; every other one must land exactly on the value it names.
    let exact = 0;
    let partial = 0;
    for (const { flow } of seedFlows as Array<{ flow: unknown }>) {
      const source = JSON.stringify(flow, null, 2);
      const { errors, warnings } = validateFlow(flow);
      for (const issue of [...errors, ...warnings]) {
        const at = locateJsonPath(source, issue.path)!;
        const value = valueAt(flow, parseIssuePath(issue.path)!);
        expect(at.exact).toBe(value !== undefined);
        if (value === undefined) {
          partial++;
          continue;
        }
        exact++;
        expect(JSON.parse(source.slice(at.valueFrom, at.valueTo))).toEqual(value);
      }
    }
    expect(exact).toBeGreaterThan(10);
    expect(partial).toBeGreaterThan(0);
  });

  it('lands on the offending value of real validation errors', () => {
    const broken = {
      start: 'menu',
      states: {
        menu: {
          message: 'Hi',
          buttons: [
            { id: 'pay', title: 'Pay' },
            { id: 'pay', title: 'Again' },
          ],
          transitions: { pay: 'paymnet', default: 'menu' },
        },
        payment: { message: 'Paid', end: true },
        'odd name': { message: 'x', transitions: [{ to: 'nowhere' }] },
      },
    };
    const source = JSON.stringify(broken, null, 2);
    const { errors } = validateFlow(broken);
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'states.menu.transitions.pay',
        'states.menu.buttons[1].id',
        'states["odd name"].transitions[0].to',
      ]),
    );
    for (const path of paths) {
      const at = locateJsonPath(source, path)!;
      expect(at.exact).toBe(true);
    }
    const target = locateJsonPath(source, 'states.menu.transitions.pay')!;
    expect(source.slice(target.valueFrom, target.valueTo)).toBe('"paymnet"');
    const to = locateJsonPath(source, 'states["odd name"].transitions[0].to')!;
    expect(source.slice(to.valueFrom, to.valueTo)).toBe('"nowhere"');
  });
});
