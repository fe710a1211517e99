// What else the kernel enforces per command, against the real server: writes only beneath `writable:` roots, TCP only
// with `network: true`, other programs only those `runs:` names, and no command left running when Keyhole itself is
// killed with SIGKILL.
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { connectSsh2, execOn, ssh2Exec } from '../helpers/clients.ts';
import { startServeProcess } from '../helpers/cli.ts';
import { liveProcessesRunning, processLineage } from '../helpers/processes.ts';
import { withServer, withTestConfig, type TestServer } from '../helpers/server.ts';

const asRoot = process.getuid?.() === 0 ? test : test.skip;
const exec = (s: TestServer, command: string) => ssh2Exec(s.port, 'deploy', { privateKey: s.keys.deploy }, command);

asRoot('writes succeed beneath writable roots and fail elsewhere, even where the user could write', async (t) => {
  const s = await withServer(t, {
    commands: { touch: '{ program: /usr/bin/touch, paths: [$SRV], writable: [$SRV/sub] }' },
    operatorCommands: ['touch'],
  });
  // Both directories are world-writable: only the kernel's rule tells them apart.
  mkdirSync(path.join(s.srv, 'other'));
  for (const dir of ['sub', 'other']) chmodSync(path.join(s.srv, dir), 0o777);
  const inside = await exec(s, `touch ${s.srv}/sub/made`);
  t.is(inside.code, 0, inside.stderr);
  t.true(existsSync(path.join(s.srv, 'sub', 'made')));
  const outside = await exec(s, `touch ${s.srv}/other/made`);
  t.not(outside.code, 0);
  t.regex(outside.stderr, /Permission denied/);
  t.false(existsSync(path.join(s.srv, 'other', 'made')));
});

asRoot('TCP connect is refused unless the command says network: true', async (t) => {
  const connect = (network: boolean) =>
    `{ program: /usr/bin/bash, fixedArgs: ['-c', 'exec 3<>/dev/tcp/127.0.0.1/$0 && echo connected'], patterns: ['[0-9]{1,5}'], maxArgs: 1, network: ${network} }`;
  const s = await withServer(t, {
    commands: { connect: connect(false), 'connect-net': connect(true) },
    operatorCommands: ['connect', 'connect-net'],
  });
  const listener = net.createServer((socket) => socket.destroy());
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  t.teardown(() => listener.close());
  let accepted = 0;
  listener.on('connection', () => accepted++);
  const port = (listener.address() as net.AddressInfo).port;
  const refused = await exec(s, `connect ${port}`);
  t.not(refused.code, 0);
  t.regex(refused.stderr, /Permission denied/);
  t.is(accepted, 0, 'nothing reached the listener');
  const allowed = await exec(s, `connect-net ${port}`);
  t.is(allowed.stdout.trim(), 'connected', allowed.stderr);
  t.is(accepted, 1);
});

asRoot('a script runs other programs only when runs: names them; an env shebang needs no runs:', async (t) => {
  // The scripts exist before the config loads: their files are resolved then.
  const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-runs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  const script = (name: string, text: string) => {
    writeFileSync(path.join(dir, name), text, { mode: 0o755 });
    return path.join(dir, name);
  };
  const calls = script('calls-echo', '#!/bin/sh\n/bin/echo hi\n');
  const viaEnv = script('via-env', '#!/usr/bin/env sh\necho from-env\n');
  const s = await withServer(t, {
    commands: {
      bare: `{ program: ${calls} }`,
      granted: `{ program: ${calls}, runs: [echo] }`,
      'via-env': `{ program: ${viaEnv} }`,
    },
    operatorCommands: ['bare', 'granted', 'via-env'],
  });
  const denied = await exec(s, 'bare');
  t.not(denied.code, 0);
  t.regex(denied.stderr, /echo: Permission denied/);
  const allowed = await exec(s, 'granted');
  t.is(allowed.code, 0, allowed.stderr);
  t.is(allowed.stdout.trim(), 'hi');
  const env = await exec(s, 'via-env');
  t.is(env.code, 0, env.stderr);
  t.is(env.stdout.trim(), 'from-env');
});

// Two guards, each enough alone: the launchers kill their commands' groups when Keyhole's channel goes (confinement
// off shows that one), and the helper's parent-death signal kills a command whose launcher dies.
const killedServer = test.macro(async (t, yaml: string, arg: string) => {
  // setpriv (confinement off) leaves the program's path as argv[0], the helper its name.
  const sleeping = () => [`sleep ${arg}`, `/usr/bin/sleep ${arg}`].flatMap(liveProcessesRunning);
  const config = await withTestConfig(t, { yaml });
  const serve = await startServeProcess(config.configFile);
  t.teardown(() => serve.child.kill('SIGKILL'));
  // Should one outlive the server, end it here: ours (its argument is this test's), and it would fail the next run.
  t.teardown(() => {
    for (const pid of sleeping()) process.kill(-pid, 'SIGKILL');
  });
  const clients = await Promise.all(
    [0, 1, 2].map(() => connectSsh2(serve.port, 'deploy', { privateKey: config.keys.deploy })),
  );
  for (const client of clients) {
    client.on('error', () => undefined); // the server dies under them
    t.teardown(() => client.end());
    void execOn(client, `sleep ${arg}`).catch(() => undefined);
  }
  while (sleeping().length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
  const killedAt = performance.now();
  serve.child.kill('SIGKILL');
  await serve.exited;
  let left = sleeping();
  // Bounded: the launchers notice their channel close at once; 5 s is far more than they need.
  while (left.length > 0 && performance.now() - killedAt < 5000) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    left = sleeping();
  }
  t.log(`commands gone ${Math.round(performance.now() - killedAt)} ms after the SIGKILL`);
  if (left.length > 0) t.log(processLineage(left));
  t.deepEqual(left, [], 'no sleep outlived the server');
});

asRoot('SIGKILL of keyhole serve leaves none of its running commands behind', killedServer, '', '187');
asRoot('the same with confinement off (the launchers end the groups)', killedServer, 'confinement: off', '188');
