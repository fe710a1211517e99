// keyhole-confine: the exec helper that confines one command in the kernel, then execs it (src/exec/confine-args.ts
// writes its arguments). In this order, so that each step still has the rights it needs: open the allowed paths
// (O_PATH, while privileged), drop to --uid/--gid (bounding set, groups, ids, capabilities, as setpriv does), set the
// rlimits, no_new_privs, a Landlock domain (filesystem, TCP, signal and abstract-socket scoping; whatever the kernel's
// ABI knows), the parent-death signal, then execve. Any failure: one line on stderr and exit 126 (127: no program).
//
//   keyhole-confine [--ro P] [--rx P] [--rw P] [--no-net] [--rlimit as|cpu|fsize|nofile|nproc=N] [--uid N --gid N
//                   [--keep-read-search]] [--require-landlock] [--argv0 NAME] -- PROGRAM [ARGS...]
//   keyhole-confine --probe      prints "landlock N" (0 and the reason when the kernel has none)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <grp.h>

// Rights newer than the build machine's header may know: the kernel's ABI decides which are used.
#define FS_TRUNCATE (1ULL << 14)  // ABI 3
#define FS_IOCTL_DEV (1ULL << 15) // ABI 5
#define NET_BIND_TCP (1ULL << 0)  // ABI 4
#define NET_CONNECT_TCP (1ULL << 1)
#define SCOPE_ABSTRACT_UNIX (1ULL << 0) // ABI 6
#define SCOPE_SIGNAL (1ULL << 1)
#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_FILE_ONLY (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
                      FS_TRUNCATE | FS_IOCTL_DEV)
#define MAX_RULES 512

struct ruleset_attr { uint64_t fs, net, scoped; }; // the ABI 6 layout; older kernels get a shorter prefix of it
struct rule { int fd; uint64_t access; };

static struct rule rules[MAX_RULES];
static int nrules = 0;
static const char *limits[8]; // --rlimit specs, applied after the user switch
static int nlimits = 0;

static void die(int code, const char *what, int err) {
  fprintf(stderr, "keyhole-confine: %s: %s\n", what, err ? strerror(err) : "invalid");
  exit(code);
}

static int landlock_abi(void) {
  long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : (int)abi;
}

// Every filesystem right the ABI knows: all of them are handled, so what no rule grants is denied.
static uint64_t fs_rights(int abi) {
  uint64_t all = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; // ABI 1: bits 0-12
  if (abi >= 2) all |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) all |= FS_TRUNCATE;
  if (abi >= 5) all |= FS_IOCTL_DEV;
  return all;
}

// Opens one allowed path now, while the helper can still reach it; a path that does not exist is skipped.
static void add_path(const char *path, uint64_t access) {
  if (nrules == MAX_RULES) die(126, "too many paths", E2BIG);
  int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return;
    char what[512];
    snprintf(what, sizeof what, "cannot open %s", path);
    die(126, what, errno);
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) access &= FS_FILE_ONLY; // Landlock refuses dir rights on files
  rules[nrules++] = (struct rule){fd, access};
}

static int set_rlimit(const char *spec) {
  static const struct { const char *name; int resource; } names[] = {
      {"as", RLIMIT_AS}, {"cpu", RLIMIT_CPU}, {"fsize", RLIMIT_FSIZE}, {"nofile", RLIMIT_NOFILE},
      {"nproc", RLIMIT_NPROC}};
  const char *eq = strchr(spec, '=');
  if (!eq) return -1;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strlen(names[i].name) != (size_t)(eq - spec) || strncmp(spec, names[i].name, eq - spec) != 0) continue;
    struct rlimit now, want;
    getrlimit(names[i].resource, &now);
    want.rlim_cur = want.rlim_max = strtoull(eq + 1, NULL, 10);
    if (now.rlim_max != RLIM_INFINITY && want.rlim_max > now.rlim_max) want.rlim_cur = want.rlim_max = now.rlim_max;
    if (names[i].resource == RLIMIT_CPU && want.rlim_max != RLIM_INFINITY) want.rlim_max = want.rlim_cur + 1;
    if (setrlimit(names[i].resource, &want) != 0) die(126, "setrlimit", errno);
    return 0;
  }
  return -1;
}

static void set_caps(uint32_t keep) {
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {{keep, keep, keep}, {0, 0, 0}};
  if (syscall(SYS_capset, &header, data) != 0) die(126, "capset", errno);
}

// As setpriv --reuid --regid --clear-groups --bounding-set: every capability but (optionally) CAP_DAC_READ_SEARCH
// leaves the bounding set for good, so nothing exec'd later (a setuid binary) can regain one.
static void drop_privileges(uid_t uid, gid_t gid, int keep_read_search) {
  for (int cap = 0; cap <= 63; cap++) {
    if (keep_read_search && cap == CAP_DAC_READ_SEARCH) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) die(126, "cannot cut the bounding set", errno);
  }
  if (setgroups(0, NULL) != 0) die(126, "setgroups", errno);
  if (setresgid(gid, gid, gid) != 0) die(126, "setresgid", errno);
  if (keep_read_search && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) die(126, "keepcaps", errno);
  if (setresuid(uid, uid, uid) != 0) die(126, "setresuid", errno);
  if (!keep_read_search) return; // the uid change cleared every capability
  set_caps(1U << CAP_DAC_READ_SEARCH);
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_DAC_READ_SEARCH, 0, 0) != 0) die(126, "ambient caps", errno);
}

// The domain: every right the ABI knows is handled; the rules grant only what the plan lists.
static void restrict_self(int abi, int no_net) {
  struct ruleset_attr attr = {fs_rights(abi), 0, 0};
  size_t size = sizeof(uint64_t);
  if (abi >= 4) {
    attr.net = no_net ? (NET_BIND_TCP | NET_CONNECT_TCP) : 0;
    size = 2 * sizeof(uint64_t);
  }
  if (abi >= 6) {
    attr.scoped = SCOPE_ABSTRACT_UNIX | SCOPE_SIGNAL;
    size = sizeof attr;
  }
  int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
  if (ruleset < 0) die(126, "landlock_create_ruleset", errno);
  for (int i = 0; i < nrules; i++) {
    struct landlock_path_beneath_attr rule = {rules[i].access & attr.fs, rules[i].fd};
    if (rule.allowed_access == 0) continue;
    if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0)
      die(126, "landlock_add_rule", errno);
  }
  if (syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) die(126, "landlock_restrict_self", errno);
  close(ruleset);
}

int main(int argc, char **argv) {
  uint64_t rx = FS_READ | LANDLOCK_ACCESS_FS_EXECUTE;
  uint64_t rw = ~0ULL & ~LANDLOCK_ACCESS_FS_EXECUTE;
  long uid = -1, gid = -1;
  int keep = 0, no_net = 0, require = 0, i = 1;
  const char *argv0 = NULL;
  pid_t parent = getppid();
  if (argc == 2 && strcmp(argv[1], "--probe") == 0) {
    int abi = landlock_abi();
    if (abi > 0) printf("landlock %d\n", abi);
    else printf("landlock 0 %s\n", strerror(errno));
    return 0;
  }
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    const char *opt = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(opt, "--no-net") == 0) no_net = 1;
    else if (strcmp(opt, "--keep-read-search") == 0) keep = 1;
    else if (strcmp(opt, "--require-landlock") == 0) require = 1;
    else if (!value) die(126, opt, EINVAL);
    else if (strcmp(opt, "--ro") == 0) add_path(argv[++i], FS_READ);
    else if (strcmp(opt, "--rx") == 0 || strcmp(opt, "--exec") == 0) add_path(argv[++i], rx);
    else if (strcmp(opt, "--rw") == 0) add_path(argv[++i], rw);
    else if (strcmp(opt, "--uid") == 0) uid = strtol(argv[++i], NULL, 10);
    else if (strcmp(opt, "--gid") == 0) gid = strtol(argv[++i], NULL, 10);
    else if (strcmp(opt, "--argv0") == 0) argv0 = argv[++i];
    else if (strcmp(opt, "--rlimit") == 0 && nlimits < 8) limits[nlimits++] = argv[++i];
    else die(126, opt, EINVAL);
  }
  if (i + 1 >= argc) die(126, "no program after --", EINVAL);
  char **program = &argv[i + 1];
  if (access(program[0], F_OK) != 0) die(127, program[0], errno);
  if ((uid >= 0) != (gid >= 0)) die(126, "--uid and --gid go together", EINVAL);
  if (uid >= 0) drop_privileges((uid_t)uid, (gid_t)gid, keep);
  for (int l = 0; l < nlimits; l++)
    if (set_rlimit(limits[l]) != 0) die(126, limits[l], EINVAL);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die(126, "no_new_privs", errno);
  int abi = landlock_abi();
  if (abi > 0) restrict_self(abi, no_net);
  else if (require) die(126, "Landlock is not available", errno);
  for (int r = 0; r < nrules; r++) close(rules[r].fd);
  // After the credential change, which clears it; a parent gone already would never send it.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) die(126, "pdeathsig", errno);
  if (getppid() != parent) die(126, "the launcher is gone", ESRCH);
  const char *file = program[0];
  if (argv0) program[0] = (char *)argv0;
  extern char **environ;
  execve(file, program, environ);
  die(errno == ENOENT ? 127 : 126, file, errno);
  return 126;
}
