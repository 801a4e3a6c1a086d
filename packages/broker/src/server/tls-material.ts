/**
 * A certificate for localhost made at start, when the user gave none (EC keys: fast to generate).
 * The generator is loaded here, on first use: its module graph is ~3 MB of heap, a third of the broker's,
 * and every full collection of a broker that never serves TLS would mark it.
 */
export async function selfSignedCertificate(host: string): Promise<{ cert: string; key: string }> {
  const { generate } = await import('selfsigned');
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
  ];
  if (host !== 'localhost' && host !== '127.0.0.1' && host !== '0.0.0.0' && host !== '::') {
    altNames.push(/^[\d.]+$/.test(host) ? { type: 7, ip: host } : { type: 2, value: host });
  }
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
