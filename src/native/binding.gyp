{
  'targets': [
    {
      'target_name': 'keyhole_spawn',
      'sources': ['spawn.c'],
      'cflags': ['-O2', '-Wall', '-Wextra', '-Wno-unused-parameter'],
      'defines': ['NAPI_VERSION=8'],
    },
  ],
}
