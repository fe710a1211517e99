// Programs that can run other programs, or write or read any file, when their arguments are not restricted
// (GTFOBins lists the techniques). `args: any` on one of them would make the allow-list meaningless, so the config
// refuses it unless the operator says `allowDangerousArgs: true`.
import path from 'node:path';

const DANGEROUS = new Set([
  // shells and interpreters
  ...['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'fish', 'csh', 'tcsh', 'busybox', 'env', 'expect', 'script'],
  ...['awk', 'gawk', 'mawk', 'nawk', 'perl', 'python', 'python2', 'python3', 'ruby', 'node', 'nodejs', 'lua', 'php'],
  ...['tclsh', 'wish', 'irb', 'jjs', 'gdb', 'strace', 'ltrace', 'valgrind'],
  // run a command given as an argument
  ...['find', 'xargs', 'nice', 'nohup', 'timeout', 'watch', 'stdbuf', 'setsid', 'chroot', 'ionice', 'taskset', 'time'],
  ...['flock', 'sudo', 'su', 'doas', 'runuser', 'make', 'git', 'ssh', 'scp', 'sftp', 'rsync', 'tar', 'zip', 'socat'],
  ...['docker', 'kubectl', 'systemctl', 'journalctl', 'crontab', 'at', 'screen', 'tmux', 'xterm', 'openssl'],
  // editors and pagers (shell escapes)
  ...['vi', 'vim', 'nvim', 'view', 'ex', 'ed', 'emacs', 'nano', 'pico', 'less', 'more', 'most', 'man', 'pager'],
  // write or copy arbitrary files
  ...['sed', 'tee', 'dd', 'cp', 'mv', 'install', 'ln', 'chmod', 'chown', 'curl', 'wget', 'nc', 'ncat', 'netcat'],
]);

/** True when `program` (an absolute path, symlinks resolved) is one whose unrestricted arguments defeat the allow-list. */
export function isDangerousWithAnyArgs(program: string): boolean {
  const base = path.basename(program);
  const stem = base.split('.')[0]!; // vim.basic, python3.11
  return [base, stem, stem.replace(/\d+$/, '')].some((name) => DANGEROUS.has(name));
}
