import { ConfigError, loadConfig } from './duet-config';

describe(loadConfig.name, () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: undefined,
      webRoot: undefined,
      iceServers: [],
      maxPayloadBytes: 65_536,
      presenceLimit: 100,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      WEB_ROOT: '/srv/duet',
      ICE_SERVERS: '[{"urls":"stun:stun.example.org:3478"}]',
      WS_MAX_PAYLOAD: '4096',
      PRESENCE_LIMIT: '10',
    });
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      webRoot: '/srv/duet',
      iceServers: [{ urls: 'stun:stun.example.org:3478' }],
      maxPayloadBytes: 4096,
      presenceLimit: 10,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['WS_MAX_PAYLOAD', '10'],
    ['WS_MAX_PAYLOAD', '999999999'],
    ['PRESENCE_LIMIT', '-1'],
    ['ICE_SERVERS', 'not json'],
    ['ICE_SERVERS', '[{"url":"stun:x"}]'],
  ])('refuses %s=%s with an error naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid ${name}=`));
  });
});
