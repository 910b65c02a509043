import { IceConfig } from '@duet/server/config';
import { ConfiguredIceServerIssuer } from './ice-server-issuer';
import { turnRestCredential } from './turn-rest-credential';

describe(turnRestCredential.name, () => {
  it('matches coturn\'s REST format: "<expiry>:<user>" and base64 HMAC-SHA1 (known answer from openssl)', () => {
    // echo -n "1700000000:alice" | openssl dgst -sha1 -hmac "a-turn-secret-of-some-length" -binary | base64
    expect(turnRestCredential('a-turn-secret-of-some-length', 'alice', 1_700_000_000)).toEqual({
      username: '1700000000:alice',
      credential: '2enbcf1rSTBzbYqXF2Luf3+24/8=',
    });
  });
});

describe(ConfiguredIceServerIssuer.name, () => {
  const stun = { urls: 'stun:stun.example.org:3478' };

  it('hands out the static servers alone when there is no TURN secret, and never asks to renew', () => {
    const issuer = new ConfiguredIceServerIssuer({ servers: [stun], turn: undefined, transportPolicy: 'all' });
    expect(issuer.issue('alice')).toEqual({ iceServers: [stun], iceTransportPolicy: 'all', renewAfterMs: undefined });
  });

  it('adds a TURN credential per user that expires after the TTL, renewed at 80 % of it', () => {
    const config: IceConfig = {
      servers: [stun],
      turn: { secret: 'a-turn-secret-of-some-length', urls: ['turn:turn.example.org:3478', 'turns:turn.example.org:5349'], ttlSeconds: 600 },
      transportPolicy: 'relay',
    };
    const issuer = new ConfiguredIceServerIssuer(config, () => 1_699_999_400_000);
    const issued = issuer.issue('alice');
    expect(issued).toEqual({
      iceServers: [
        stun,
        {
          urls: ['turn:turn.example.org:3478', 'turns:turn.example.org:5349'],
          username: '1700000000:alice',
          credential: '2enbcf1rSTBzbYqXF2Luf3+24/8=',
        },
      ],
      iceTransportPolicy: 'relay',
      renewAfterMs: 480_000,
    });
    expect(JSON.stringify(issued)).not.toContain(config.turn?.secret);
  });
});
