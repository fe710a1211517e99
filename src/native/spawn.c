// keyhole_spawn: posix_spawn for the launcher processes (src/exec/launcher-child.mjs).
//
// Why: Node's child_process forks (libuv 1.46 on Linux), and on VMs fork is slow: 9-11 ms per /bin/true here, against
// 2.1 ms for posix_spawn, which glibc implements with clone(CLONE_VM | CLONE_VFORK) and so copies no page tables
// (docs/BENCHMARKS.md). This addon does only what a launcher needs: spawn one program with pipes for its stdio, in a
// new session, with a given environment and working directory, every other descriptor closed and every signal reset;
// and wait for each child on a small thread of its own, reporting its exit to JavaScript.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(call)                                                                                                    \
  do {                                                                                                                 \
    if ((call) != napi_ok) {                                                                                           \
      napi_throw_error(env, NULL, "keyhole_spawn: " #call " failed");                                                  \
      return NULL;                                                                                                     \
    }                                                                                                                  \
  } while (0)

// ---- reading arguments ----------------------------------------------------------------------------------------

static char *string_of(napi_env env, napi_value value) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char *text = malloc(length + 1);
  if (text == NULL) return NULL;
  if (napi_get_value_string_utf8(env, value, text, length + 1, &length) != napi_ok) {
    free(text);
    return NULL;
  }
  if (strlen(text) != length) { // an embedded NUL: refuse rather than cut the string short
    free(text);
    return NULL;
  }
  return text;
}

static void free_strings(char **list) {
  if (list == NULL) return;
  for (char **p = list; *p != NULL; p++) free(*p);
  free(list);
}

// A JS array of strings as a NULL-terminated char* array, or NULL when it is not one.
static char **strings_of(napi_env env, napi_value array) {
  uint32_t count = 0;
  if (napi_get_array_length(env, array, &count) != napi_ok) return NULL;
  char **list = calloc(count + 1, sizeof(char *));
  if (list == NULL) return NULL;
  for (uint32_t i = 0; i < count; i++) {
    napi_value item;
    if (napi_get_element(env, array, i, &item) != napi_ok || (list[i] = string_of(env, item)) == NULL) {
      free_strings(list);
      return NULL;
    }
  }
  return list;
}

// ---- waiting for exits ------------------------------------------------------------------------------------------

typedef struct {
  pid_t pid;
  int code;   // exit code, or -1
  int signal; // terminating signal, or 0
} exit_event;

static napi_threadsafe_function exit_reporter = NULL;

// One small thread per child waits for that child only (waitpid(pid)): children the launcher started any other way
// stay Node's to reap.
static void *wait_for(void *data) {
  exit_event *event = data;
  int status = 0;
  pid_t got;
  do got = waitpid(event->pid, &status, 0);
  while (got < 0 && errno == EINTR);
  event->code = got > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  event->signal = got > 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  napi_call_threadsafe_function(exit_reporter, event, napi_tsfn_blocking);
  return NULL;
}

static int start_waiter(pid_t pid) {
  exit_event *event = malloc(sizeof *event);
  if (event == NULL) return ENOMEM;
  event->pid = pid;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_t thread;
  int err = pthread_create(&thread, &attr, wait_for, event);
  pthread_attr_destroy(&attr);
  if (err != 0) free(event);
  return err;
}

static void deliver_exit(napi_env env, napi_value callback, void *context, void *data) {
  (void)context;
  exit_event *event = data;
  if (env != NULL && callback != NULL) {
    napi_value args[3], undefined;
    napi_create_int32(env, event->pid, &args[0]);
    if (event->code >= 0) napi_create_int32(env, event->code, &args[1]);
    else napi_get_null(env, &args[1]);
    napi_create_int32(env, event->signal, &args[2]);
    napi_get_undefined(env, &undefined);
    napi_call_function(env, undefined, callback, 3, args, NULL);
  }
  free(event);
}

// onExit(callback(pid, code | null, signalNumber)): where exits are reported; call once, before the first spawn.
static napi_value on_exit_js(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], name;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (exit_reporter != NULL) {
    napi_throw_error(env, NULL, "keyhole_spawn: onExit was already called");
    return NULL;
  }
  CHECK(napi_create_string_utf8(env, "keyhole_spawn_exits", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_threadsafe_function(env, argv[0], NULL, name, 0, 1, NULL, NULL, NULL, deliver_exit, &exit_reporter));
  CHECK(napi_unref_threadsafe_function(env, exit_reporter)); // the launcher's IPC channel decides when it may exit
  return NULL;
}

// ---- spawn ------------------------------------------------------------------------------------------------------

static int pair(int fds[2]) {
  return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
}

static void close_all(int *fds, int count) {
  for (int i = 0; i < count; i++)
    if (fds[i] >= 0) close(fds[i]);
}

// spawn(file, argv, envp, cwd, wantStdin) → { pid, stdin, stdout, stderr } (fds; stdin -1 without) or { errno }.
static napi_value spawn_js(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], result, value;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5 || exit_reporter == NULL) {
    napi_throw_error(env, NULL, "keyhole_spawn: spawn(file, argv, envp, cwd, wantStdin) after onExit(callback)");
    return NULL;
  }
  bool want_stdin = false;
  CHECK(napi_get_value_bool(env, argv[4], &want_stdin));
  char *file = string_of(env, argv[0]);
  char *cwd = string_of(env, argv[3]);
  char **args = strings_of(env, argv[1]);
  char **envp = strings_of(env, argv[2]);
  int err = (file && cwd && args && envp) ? 0 : EINVAL;

  // fds: [0,1] stdout, [2,3] stderr, [4,5] stdin (ours, the child's, except stdin: the child's, ours); all
  // close-on-exec here. Socket pairs, not pipes, as libuv makes them for child_process: Node's sockets on our side
  // (and on Keyhole's, after the hand-over) expect to be able to read and write the descriptor they wrap.
  int fds[6] = {-1, -1, -1, -1, -1, -1};
  if (err == 0 && (pair(fds) != 0 || pair(fds + 2) != 0 || (want_stdin && pair(fds + 4) != 0))) err = errno;

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  pid_t pid = -1;
  if (err == 0) {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    if (want_stdin) posix_spawn_file_actions_adddup2(&actions, fds[4], 0);
    else posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[3], 2);
    // Nothing of the launcher's reaches the command: not its IPC channel, not a descriptor someone forgot.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    posix_spawn_file_actions_addchdir_np(&actions, cwd);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all); // Node ignores SIGPIPE; the command must not inherit that
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    err = posix_spawn(&pid, file, &actions, &attributes, args, envp);
    if (err == 0 && start_waiter(pid) != 0) {
      // Unwatched, its exit would never be reported: end it now and say the spawn failed.
      kill(-pid, SIGKILL);
      waitpid(pid, NULL, 0);
      err = EAGAIN;
    }
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  free(file);
  free(cwd);
  free_strings(args);
  free_strings(envp);

  CHECK(napi_create_object(env, &result));
  if (err != 0) {
    close_all(fds, 6);
    CHECK(napi_create_int32(env, err, &value));
    CHECK(napi_set_named_property(env, result, "errno", value));
    return result;
  }
  // The child's ends belong to the child now.
  int child_ends[3] = {fds[1], fds[3], fds[4]};
  close_all(child_ends, 3);
  CHECK(napi_create_int32(env, pid, &value));
  CHECK(napi_set_named_property(env, result, "pid", value));
  CHECK(napi_create_int32(env, fds[0], &value));
  CHECK(napi_set_named_property(env, result, "stdout", value));
  CHECK(napi_create_int32(env, fds[2], &value));
  CHECK(napi_set_named_property(env, result, "stderr", value));
  CHECK(napi_create_int32(env, want_stdin ? fds[5] : -1, &value));
  CHECK(napi_set_named_property(env, result, "stdin", value));
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  CHECK(napi_create_function(env, "spawn", NAPI_AUTO_LENGTH, spawn_js, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "spawn", fn));
  CHECK(napi_create_function(env, "onExit", NAPI_AUTO_LENGTH, on_exit_js, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "onExit", fn));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
