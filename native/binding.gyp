{
  # Built offline by scripts/build-addon.mjs (development) and scripts/install.mjs (consumers without a
  # matching prebuild); both pass --nodedir so node-gyp never downloads headers.
  'targets': [
    {
      'target_name': 'shardline_native',
      'sources': [
        'src/addon.cc',
        'src/aggregate.cc',
        'src/allocator.cc',
        'src/args.cc',
        'src/md5.cc',
        'src/packed.cc',
        'src/shard-lookup.cc',
        'src/span-table.cc',
      ],
      # node_addon_api (not _except): C++ exceptions stay off, errors are thrown as JS exceptions.
      'dependencies': ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api"],
      # Pinned so one binary loads on every Node (and Electron) with N-API 8: Node >= 12.22.
      'defines': ['NAPI_VERSION=8'],
      # Node's common.gypi already uses -O3 for Release; cflags! drops a stray -O2 some toolchains
      # inject so the later flag cannot silently win. -fvisibility=hidden keeps the only export the
      # N-API entry point.
      'cflags!': ['-O2'],
      'cflags_cc!': ['-O2'],
      'cflags': ['-O3', '-fvisibility=hidden'],
      'cflags_cc': ['-O3', '-fvisibility=hidden'],
      'xcode_settings': {
        'GCC_OPTIMIZATION_LEVEL': '3',
        'GCC_SYMBOLS_PRIVATE_EXTERN': 'YES',
        'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
        'MACOSX_DEPLOYMENT_TARGET': '10.15',
      },
      'msvs_settings': {
        'VCCLCompilerTool': {
          'Optimization': 2,
          'AdditionalOptions': ['/std:c++17'],
        },
      },
    },
  ],
}
