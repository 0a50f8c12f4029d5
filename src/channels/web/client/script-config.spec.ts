import { readScriptConfig } from './script-config';

describe('readScriptConfig', () => {
  it('should take the gateway origin from the script src and the key from the attribute', () => {
    expect(readScriptConfig('https://gw.example:8443/widget.js?v=3', ' wk_ABC234 ')).toEqual({
      gateway: 'https://gw.example:8443',
      widgetKey: 'wk_ABC234',
    });
    expect(readScriptConfig('http://127.0.0.1:3000/widget.js', 'wk_x1')).toEqual({
      gateway: 'http://127.0.0.1:3000',
      widgetKey: 'wk_x1',
    });
  });

  it('should refuse a missing or malformed key or src', () => {
    expect(readScriptConfig('https://gw.example/widget.js', null)).toBeNull();
    expect(readScriptConfig('https://gw.example/widget.js', '')).toBeNull();
    expect(readScriptConfig('https://gw.example/widget.js', 'wk_a/../../x')).toBeNull();
    expect(readScriptConfig(undefined, 'wk_abc')).toBeNull();
    expect(readScriptConfig('widget.js', 'wk_abc')).toBeNull();
    expect(readScriptConfig('data:text/javascript,1', 'wk_abc')).toBeNull();
  });
});
