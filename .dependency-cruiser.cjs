// The import boundaries of Keyhole's sources (docs/ARCHITECTURE.md), checked by `npm test` (npm run boundaries).
// Layers, lowest first: a module may import its own layer and those below, never one above. Each entry is a folder
// of src/, or (protocol/...) a set of files: the keyhole-v1 codec is shared by both ends, so it sits at the bottom,
// while the server side of the protocol runs through the shell.
const CODEC = 'protocol/(frames|checks|client-frames|server-frames|decoder|lines|refusal)\\.ts$';
const LAYERS = [
  ['line', 'ssh', CODEC], // pure text; what server and client share of SSH; the protocol's codec
  ['auth', 'audit', 'exec'], // decisions on credentials; the audit sinks; running processes
  ['config'],
  ['shell'], // the restricted shell: builtins, policy, the pipeline
  ['protocol/'], // the server side of keyhole-v1 (everything in protocol/ but the codec)
  ['server', 'client'],
  ['cli'],
];
// Top-level files: version.ts and log.ts are used everywhere; index.ts re-exports the library.
const BASE_FILES = '^src/(version|log)\\.ts$';

const part = (entry) => (entry.includes('/') ? entry : `${entry}/`);
const paths = (entries) => `^src/(${entries.map(part).join('|')})`;
const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `no-upward-from-${layer[0].replace(/[^a-z]/g, '')}`,
  comment: `${layer.join(', ')} may not import a higher layer (${LAYERS.slice(i + 1)
    .flat()
    .join(', ')})`,
  severity: 'error',
  from: { path: paths(layer), pathNot: layer.includes('protocol/') ? paths([CODEC]) : undefined },
  to: { path: paths(LAYERS.slice(i + 1).flat()), pathNot: paths(layer.concat(LAYERS.slice(0, i).flat())) },
}));
const only = (module, allowed, why) => ({
  name: `only-${allowed.name}-imports-${module.replace(/[^a-z0-9]/g, '')}`,
  comment: why,
  severity: 'error',
  from: { path: '^src/', pathNot: allowed.path },
  to: { path: `^(node:)?${module}$|(^|/)node_modules/${module}/` },
});
const io = '^(node:)?(fs|fs/promises|net|dgram|http|https|http2|tls|child_process|cluster|worker_threads|os|process)$';

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'client-not-into-server-side',
      comment: 'the client reaches the shell and server only over SSH, never through an import (not even indirectly)',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: paths(['shell', 'server', 'exec', 'audit', 'config']), reachable: true },
    },
    {
      name: 'server-not-into-client',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '^src/client/' },
    },
    {
      name: 'base-files-import-nothing-above',
      severity: 'error',
      from: { path: BASE_FILES },
      to: { path: '^src/[a-z]+/' },
    },
    only(
      'ssh2',
      { name: 'transport', path: '^src/(server/|ssh/|client/transport\\.ts$)' },
      'ssh2 stays in the thin outer layer',
    ),
    only('child_process', { name: 'exec', path: '^src/exec/' }, 'only the runner starts processes'),
    only('blessed', { name: 'ui', path: '^src/client/ui/' }, 'only the terminal UI draws'),
    only('commander', { name: 'cli', path: '^src/cli/' }, 'only the CLI parses argv'),
    {
      name: 'pure-line-and-policy',
      comment: 'line/ and the policy are pure: no I/O, so they can be tested and fuzzed as functions',
      severity: 'error',
      from: { path: '^src/(line/|shell/policy\\.ts$)' },
      to: { path: io, dependencyTypes: ['core'] },
    },
    {
      name: 'line-imports-only-line',
      severity: 'error',
      from: { path: '^src/line/' },
      to: { path: '^src/', pathNot: '^src/line/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
