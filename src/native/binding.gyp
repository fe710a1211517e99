{
  'targets': [
    {
      'target_name': 'keyhole_spawn',
      'sources': ['spawn.c'],
      'cflags': ['-O2', '-Wall', '-Wextra', '-Wno-unused-parameter'],
      'defines': ['NAPI_VERSION=8'],
    },
    {
      # The confinement helper (confine.c): a plain executable, exec'd by the launchers in place of each command.
      'target_name': 'keyhole-confine',
      'type': 'executable',
      'sources': ['confine.c'],
      'cflags': ['-O2', '-Wall', '-Wextra', '-Wno-unused-parameter'],
    },
  ],
}
