import { SseParser } from './sse-parser';

const STREAM =
  ': ping\n\nid: 01A\nevent: message\ndata: {"a":1}\n\n' +
  'id: 01B\nevent: message\ndata: line one\ndata: line two\n\n';

describe('SseParser', () => {
  it('should parse events with id, event type and data', () => {
    const p = new SseParser();
    expect(p.push(STREAM)).toEqual([
      { event: 'message', data: '{"a":1}', id: '01A' },
      { event: 'message', data: 'line one\nline two', id: '01B' },
    ]);
    expect(p.lastEventId).toBe('01B');
  });

  it('should give the same events however the text is split into chunks', () => {
    for (let size = 1; size <= 7; size++) {
      const p = new SseParser();
      const events = [];
      for (let i = 0; i < STREAM.length; i += size)
        events.push(...p.push(STREAM.slice(i, i + size)));
      expect(events.map((e) => [e.id, e.data])).toEqual([
        ['01A', '{"a":1}'],
        ['01B', 'line one\nline two'],
      ]);
    }
  });

  it('should accept CRLF and CR line ends, even a CRLF split between two chunks', () => {
    const p = new SseParser();
    expect(p.push('id: 1\r\ndata: x\r')).toEqual([]);
    // The LF that follows belongs to the CR above: it is not a second (empty) line.
    expect(p.push('\ndata: y\r')).toEqual([]);
    expect(p.push('\n\r\n')).toEqual([{ event: 'message', data: 'x\ny', id: '1' }]);
    expect(p.push('data: z\r\r')).toEqual([{ event: 'message', data: 'z', id: '1' }]);
  });

  it('should ignore comments and events without data, and reset the type after each event', () => {
    const p = new SseParser();
    const events = p.push(': ping\n\nevent: ready\n\nevent: custom\ndata: 1\n\ndata: 2\n\n');
    expect(events).toEqual([
      { event: 'custom', data: '1', id: undefined },
      { event: 'message', data: '2', id: undefined },
    ]);
  });

  it('should remove only one space after the colon and read a field without a colon', () => {
    const p = new SseParser();
    expect(p.push('data:  two spaces\ndata\ndata:none\n\n')).toEqual([
      { event: 'message', data: ' two spaces\n\nnone', id: undefined },
    ]);
  });

  it('should keep an incomplete event until its blank line arrives', () => {
    const p = new SseParser();
    expect(p.push('id: 7\ndata: half')).toEqual([]);
    expect(p.push('\n')).toEqual([]);
    // A reconnect now must not skip event 7: its id does not count before the blank line.
    expect(p.lastEventId).toBeUndefined();
    expect(p.push('\n')).toEqual([{ event: 'message', data: 'half', id: '7' }]);
    expect(p.lastEventId).toBe('7');
  });

  it('should start from a known last event id and ignore ids containing NUL', () => {
    const p = new SseParser('01X');
    expect(p.lastEventId).toBe('01X');
    expect(p.push('id: bad\0id\ndata: a\n\n')).toEqual([
      { event: 'message', data: 'a', id: '01X' },
    ]);
  });
});
