// The address parser that from= and source-address rely on, checked against glibc itself: dns.lookup hands a numeric
// address to getaddrinfo, which is what sshd's addr_pton calls (no DNS query is made for a numeric address).
import test from 'ava';
import fc from 'fast-check';
import { lookup } from 'node:dns/promises';
import { formatIpv4, parseCidr, parseIp, unmapIpv4 } from '../../src/auth/ip-address.ts';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 100);

// The 16 bytes of an IPv6 address as the URL parser (WHATWG, independent of ours) reads it.
function urlBytes(address: string): string {
  const host = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  return Buffer.from(parseIp(host)?.bytes ?? []).toString('hex');
}

test('reads IPv4 in every form inet_aton knows, as glibc reads it', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.ipV4(), fc.ipV4Extended()), async (text) => {
      const parsed = parseIp(text);
      const glibc = await lookup(text, { family: 4 });
      return parsed !== null && parsed.family === 4 && formatIpv4(parsed) === glibc.address;
    }),
    { numRuns },
  );
  t.pass();
});

test('reads every textual form of an IPv6 address to the same bytes as the URL parser', (t) => {
  fc.assert(
    fc.property(fc.ipV6(), (text) => {
      const parsed = parseIp(text);
      return parsed !== null && parsed.family === 6 && Buffer.from(parsed.bytes).toString('hex') === urlBytes(text);
    }),
    { numRuns: numRuns * 3 },
  );
  t.pass();
});

const notAnAddress = test.macro({
  exec(t, text: string) {
    t.is(parseIp(text), null);
  },
  title: (_title, text: string) => `'${text}' is not an address`,
});

for (const text of [
  '',
  '1.2.3.4.5',
  '1.2.3.256',
  '1..2',
  '1.2.3.',
  '08.0.0.1',
  '0x',
  '1.2.3.4 ',
  ' 1.2.3.4',
  '4294967296',
]) {
  test(notAnAddress, text);
}
for (const text of [':', ':::', '1::2::3', ':1::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', '12345::', '1.2.3.4::']) {
  test(notAnAddress, text);
}
test(notAnAddress, '::1.2.3.04');
test(notAnAddress, 'fe80::1%lo'); // zone ids are not read (sshd would, if the interface exists)

test('unmaps an IPv4-mapped IPv6 address and leaves others alone', (t) => {
  t.is(formatIpv4(unmapIpv4(parseIp('::ffff:10.1.2.3')!)), '10.1.2.3');
  t.is(formatIpv4(unmapIpv4(parseIp('::ffff:a01:203')!)), '10.1.2.3');
  t.is(unmapIpv4(parseIp('::fffe:a01:203')!).family, 6);
  t.is(unmapIpv4(parseIp('::a01:203')!).family, 6);
});

test('reads CIDR entries as addr_pton_cidr does', (t) => {
  t.like(parseCidr('10.0.0.0/8'), { bits: 8 });
  t.like(parseCidr('10.1.2.3'), { bits: 32 });
  t.like(parseCidr('::1'), { bits: 128 });
  t.like(parseCidr('10.0.0.0/08'), { bits: 8 });
  t.deepEqual(parseCidr('10.0.0.1/8'), { inconsistent: 'host-bits' });
  t.deepEqual(parseCidr('10.0.0.0/33'), { inconsistent: 'mask' });
  t.deepEqual(parseCidr('::/129'), { inconsistent: 'mask' });
  for (const entry of ['10.0.0.0/', '10.0.0.0/+8', '10.0.0.0/x', 'host/8', '10.*', `${'1'.repeat(64)}`]) {
    t.is(parseCidr(entry), null, entry);
  }
});
