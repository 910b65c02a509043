import { isSpecialAddress } from './special-addresses';

describe(isSpecialAddress.name, () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private 10/8'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT, last'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback, anywhere in 127/8'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['172.16.0.1', 'private 172.16/12'],
    ['172.31.255.255', 'private 172.16/12, last'],
    ['192.168.1.1', 'private 192.168/16'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['198.18.0.1', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'IPv6 unspecified'],
    ['::1', 'IPv6 loopback'],
    ['fe80::1', 'IPv6 link-local'],
    ['fe80::1%eth0', 'IPv6 link-local with a zone'],
    ['fc00::1', 'unique local'],
    ['fd12:3456:789a::1', 'unique local (fd)'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:127.0.0.1', 'v4-mapped loopback'],
    ['::ffff:7f00:1', 'v4-mapped loopback, hex'],
    ['::FFFF:10.0.0.1', 'v4-mapped private, upper case'],
    ['::127.0.0.1', 'v4-compatible'],
    ['64:ff9b::10.0.0.1', 'NAT64 of a private address'],
    ['64:ff9b:1::1', 'local-use NAT64'],
    ['2002:7f00:1::1', '6to4 of loopback'],
    ['2001:db8::1', 'documentation'],
    ['2001:0:4136:e378::1', 'Teredo'],
    ['example.com', 'not an address at all'],
    ['', 'empty'],
  ])('refuses %s (%s)', (address) => {
    expect(isSpecialAddress(address)).toBe(true);
  });

  it.each([
    ['8.8.8.8'],
    ['142.250.74.106'],
    ['100.128.0.1'],
    ['172.32.0.1'],
    ['17.57.144.10'],
    ['2607:f8b0:4004:800::200e'],
    ['2a00:1450:4001:82b::200a'],
    ['::ffff:8.8.8.8'],
    ['64:ff9b::8.8.8.8'],
    ['2002:808:808::1'],
  ])('lets the public address %s through', (address) => {
    expect(isSpecialAddress(address)).toBe(false);
  });
});
