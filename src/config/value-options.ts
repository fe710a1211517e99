// Options of common programs that take a value (`tail -n 5`, `grep -e PATTERN`): listed under `flags`, the word after
// one (or the rest of a cluster: `sort -or` writes to the file r) would be read by the program as its value while
// Keyhole checked it as something else. Keyhole cannot ask a program what its options take, so it knows these few
// (GNU coreutils, grep, tar, systemd, OpenSSH), and an option the config itself declares under valueFlags.
// find's primaries (-name X) are words, not getopt options, so find is not here.
const KNOWN: Record<string, string> = {
  tail: '-c -n -s --bytes --lines --sleep-interval --pid --max-unchanged-stats',
  head: '-c -n --bytes --lines',
  grep: '-e -f -m -d -D -A -B -C --regexp --file --max-count --label --binary-files --directories --devices --include --exclude --exclude-from --exclude-dir --before-context --after-context --context --group-separator',
  sort: '-k -o -S -t -T --key --output --buffer-size --field-separator --temporary-directory --random-source --sort --batch-size --compress-program --files0-from --parallel',
  tar: '-f -C -T -X -g -F -L -b -H -V -I -K -N --file --directory --files-from --exclude-from --listed-incremental --to-command --use-compress-program --exclude --transform --strip-components --owner --group --mode --mtime --newer --format --label --info-script',
  du: '-B -d -t -X --block-size --max-depth --threshold --time-style --exclude-from --exclude --files0-from',
  df: '-B -t -x --block-size --type --exclude-type',
  ls: '-I -T -w --block-size --format --hide --ignore --indicator-style --quoting-style --sort --time --time-style --tabsize --width',
  cut: '-b -c -d -f --bytes --characters --delimiter --fields --output-delimiter',
  uniq: '-f -s -w --skip-fields --skip-chars --check-chars',
  date: '-d -f -r -s --date --file --reference --set',
  journalctl:
    '-M -D -S -U -c -u -t -p -g -o -F --machine --directory --since --until --cursor --unit --identifier --priority --grep --output --field --file --root --user-unit --facility',
  systemctl:
    '-t -p -H -M -n -o -s --type --property --host --machine --lines --output --signal --state --kill-whom --root',
  ssh: '-b -B -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w',
  git: '-C -c',
};

/** The options known to take a value for a program (by the name the config gave it or its real file's name). */
export function knownValueOptions(...programs: (string | null | undefined)[]): Map<string, string> {
  const known = new Map<string, string>();
  for (const program of programs) {
    const name = program?.split('/').pop() ?? '';
    for (const option of KNOWN[name]?.split(' ') ?? []) known.set(option, `takes a value in ${name}`);
  }
  return known;
}

/**
 * Why a flag listed as written would let a value through, or null: `-n` or `--lines` that take one, or a cluster
 * (`-fn`) whose last letter takes one; a value written into the flag (`-n5`, `--lines=5`) is fixed, and fine.
 */
export function valueTakingFlag(flag: string, takesValue: ReadonlyMap<string, string>): string | null {
  if (flag.startsWith('--')) {
    const why = flag.includes('=') ? undefined : takesValue.get(flag);
    return why ? `'${flag}' ${why}` : null;
  }
  const letters = Array.from(flag.slice(1));
  for (const [i, letter] of letters.entries()) {
    const why = takesValue.get(`-${letter}`);
    if (why === undefined) continue;
    if (i < letters.length - 1) return null; // the rest of the cluster is its value, written in the config
    return letters.length === 1 ? `'${flag}' ${why}` : `'${flag}' ends with -${letter}, which ${why}`;
  }
  return null;
}
