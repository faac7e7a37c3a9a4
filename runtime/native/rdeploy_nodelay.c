/*
 * The runtime's native helper: what R cannot do by itself. No R headers, `.C` interface,
 * loaded with dyn.load() by native.R. Compiled by build.R (install.R) into
 * <RDEPLOY_RUNTIME_LIB>/rdeploy-native/. Everything here is optional: without the helper the
 * runtime still serves, with one process, Nagle's 40 ms stall and R's default signal handling.
 *
 * 1. TCP_NODELAY on the listening socket (rdeploy_nodelay_listeners).
 *    httpuv never sets TCP_NODELAY and writes every response as two writes (headers, then
 *    body). With Nagle's algorithm on, the body waits until the client ACKs the headers, and a
 *    client in delayed-ACK mode (any keep-alive connection after its first few packets) holds
 *    that ACK for its delayed-ACK timer: ~40 ms on Linux. See README.md. On Linux an accepted
 *    socket inherits TCP_NODELAY from its listening socket, so setting it once on the listener
 *    fixes every connection.
 *
 * 2. SO_REUSEPORT before bind() (rdeploy_reuseport_hook), so that several worker processes
 *    can each open their own httpuv server on the same port. SO_REUSEPORT only works when it
 *    is set on EVERY socket of the group BEFORE bind(), and httpuv (through libuv's
 *    uv_tcp_bind) creates, binds and listens in one call with no option for it and no way to
 *    hand it a socket we made. So, for the duration of one httpuv::startServer() call, the
 *    helper redirects the `bind` entries of the global offset tables of the loaded httpuv and
 *    libuv objects (httpuv bundles libuv, or links the system libuv.so.1) to reuseport_bind(),
 *    which sets SO_REUSEPORT (and TCP_NODELAY) on the TCP socket and then calls the real bind().
 *    The entries are restored right after. No LD_PRELOAD, no change to httpuv; only the objects
 *    named httpuv/libuv are touched. Linux (ELF, dl_iterate_phdr) only.
 *
 * 3. Signals (rdeploy_catch_signals, rdeploy_signal_received): R installs no SIGTERM handler,
 *    and the kernel does not apply default signal actions to PID 1 (R in a container), so
 *    `docker stop` was ignored until SIGKILL. The handler only records the signal; the R loops
 *    (supervisor, worker) poll it and stop cleanly.
 *
 * 4. Worker processes (rdeploy_spawn, rdeploy_reap, rdeploy_port_error): fork+exec of Rscript
 *    with its pid returned (base R's system(wait = FALSE) gives no pid), waitpid() with the exit
 *    status or the signal that ended it, and a bind() probe that tells "port in use" apart
 *    before any worker is started.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdint.h>
#include <unistd.h>
#if defined(__linux__)
#include <link.h>
#include <elf.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#endif

/* ---------------------------------------------------------------- 1. TCP_NODELAY */

static int listener_port(int fd) {
  int type = 0, listening = 0;
  socklen_t len = sizeof(int);
  struct sockaddr_storage addr;
  socklen_t addr_len = sizeof addr;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) return -1;
  if (getsockname(fd, (struct sockaddr *)&addr, &addr_len) != 0) return -1;
  len = sizeof(int);
  if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) return -1;
  if (addr.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&addr)->sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&addr)->sin6_port);
  return -1;
}

/* Calls fn(fd) for every listening TCP socket of this process on `port`; sums the results. */
static int each_listener(int port, int (*fn)(int)) {
  int total = 0;
  DIR *fds = opendir("/proc/self/fd");
  if (fds != NULL) {
    struct dirent *entry;
    while ((entry = readdir(fds)) != NULL) {
      if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
      int fd = atoi(entry->d_name);
      if (listener_port(fd) == port) total += fn(fd);
    }
    closedir(fds);
  } else {
    /* No /proc (macOS dev machines): scan the low descriptors. */
    for (int fd = 0; fd < 4096; fd++) if (listener_port(fd) == port) total += fn(fd);
  }
  return total;
}

static int set_nodelay(int fd) {
  int one = 1;
  return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0;
}

static int has_reuseport(int fd) {
#ifdef SO_REUSEPORT
  int on = 0;
  socklen_t len = sizeof on;
  return getsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, &len) == 0 && on;
#else
  (void)fd;
  return 0;
#endif
}

/* .C("rdeploy_nodelay_listeners", port, count = 0L): count = listeners changed. */
void rdeploy_nodelay_listeners(int *port, int *count) {
  *count = each_listener(*port, set_nodelay);
}

/* .C("rdeploy_reuseport_listeners", port, count = 0L): listeners on port with SO_REUSEPORT. */
void rdeploy_reuseport_listeners(int *port, int *count) {
  *count = each_listener(*port, has_reuseport);
}

/* ---------------------------------------------------------------- 2. SO_REUSEPORT */

#if defined(__linux__) && defined(SO_REUSEPORT)
#define RDEPLOY_CAN_HOOK 1

static int reuseport_bind(int fd, const struct sockaddr *addr, socklen_t len) {
  if (addr != NULL && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6)) {
    int type = 0, one = 1;
    socklen_t type_len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len) == 0 && type == SOCK_STREAM) {
      setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
  }
  return bind(fd, addr, len); /* this object's own `bind`: libc's, never redirected */
}

#define MAX_SLOTS 32
static void **hooked_slot[MAX_SLOTS];
static void *hooked_saved[MAX_SLOTS];
static int hooked_relro[MAX_SLOTS];
static int hooked_count = 0;

/* Writes `value` into a GOT slot. A slot on a page that the dynamic loader made read-only
 * (RELRO: ld.so protects [relro start, relro end) rounded down to pages) is made writable for
 * the write and read-only again after; any other slot is already writable. */
static int write_slot(void **slot, void *value, int relro) {
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  void *start = (void *)((uintptr_t)slot & ~(page - 1));
  if (relro && mprotect(start, page, PROT_READ | PROT_WRITE) != 0) return 0;
  __atomic_store_n(slot, value, __ATOMIC_SEQ_CST);
  if (relro) mprotect(start, page, PROT_READ);
  return 1;
}

static int should_hook(const char *name) {
  const char *base = name ? strrchr(name, '/') : NULL;
  base = base ? base + 1 : name;
  return base != NULL && (strstr(base, "httpuv") != NULL || strstr(base, "libuv") != NULL);
}

static void hook_relocs(ElfW(Addr) base, const void *table, size_t size, int is_rela,
                        const ElfW(Sym) *symtab, const char *strtab,
                        ElfW(Addr) relro_start, ElfW(Addr) relro_end) {
  size_t entry = is_rela ? sizeof(ElfW(Rela)) : sizeof(ElfW(Rel));
  for (size_t off = 0; off + entry <= size; off += entry) {
    const ElfW(Rel) *rel = (const ElfW(Rel) *)((const char *)table + off); /* r_offset, r_info first in both */
#if __WORDSIZE == 64
    size_t sym = ELF64_R_SYM(rel->r_info);
#else
    size_t sym = ELF32_R_SYM(rel->r_info);
#endif
    if (sym == 0 || strcmp(strtab + symtab[sym].st_name, "bind") != 0) continue;
    if (hooked_count >= MAX_SLOTS) return;
    void **slot = (void **)(base + rel->r_offset);
    ElfW(Addr) page = (ElfW(Addr))sysconf(_SC_PAGESIZE);
    ElfW(Addr) at = (ElfW(Addr))slot & ~(page - 1);
    int relro = at >= (relro_start & ~(page - 1)) && at < (relro_end & ~(page - 1));
    void *old = *slot;
    if (write_slot(slot, (void *)reuseport_bind, relro)) {
      hooked_slot[hooked_count] = slot;
      hooked_saved[hooked_count] = old;
      hooked_relro[hooked_count] = relro;
      hooked_count++;
    }
  }
}

static int hook_object(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  (void)data;
  if (!should_hook(info->dlpi_name)) return 0;
  ElfW(Addr) base = info->dlpi_addr, relro_start = 0, relro_end = 0;
  const ElfW(Dyn) *dyn = NULL;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    if (info->dlpi_phdr[i].p_type == PT_DYNAMIC) dyn = (const ElfW(Dyn) *)(base + info->dlpi_phdr[i].p_vaddr);
    if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
      relro_start = base + info->dlpi_phdr[i].p_vaddr;
      relro_end = relro_start + info->dlpi_phdr[i].p_memsz;
    }
  }
  if (dyn == NULL) return 0;
  ElfW(Addr) symtab = 0, strtab = 0, jmprel = 0, rela = 0, rel = 0;
  size_t pltrelsz = 0, relasz = 0, relsz = 0;
  long pltrel = 0;
  for (; dyn->d_tag != DT_NULL; dyn++) {
    switch (dyn->d_tag) {
      case DT_SYMTAB: symtab = dyn->d_un.d_ptr; break;
      case DT_STRTAB: strtab = dyn->d_un.d_ptr; break;
      case DT_JMPREL: jmprel = dyn->d_un.d_ptr; break;
      case DT_PLTRELSZ: pltrelsz = dyn->d_un.d_val; break;
      case DT_PLTREL: pltrel = (long)dyn->d_un.d_val; break;
      case DT_RELA: rela = dyn->d_un.d_ptr; break;
      case DT_RELASZ: relasz = dyn->d_un.d_val; break;
      case DT_REL: rel = dyn->d_un.d_ptr; break;
      case DT_RELSZ: relsz = dyn->d_un.d_val; break;
      default: break;
    }
  }
  /* glibc relocates these pointers in place when it loads the object; musl does not. */
#define ABS(p) ((p) != 0 && (p) < base ? (p) + base : (p))
  symtab = ABS(symtab); strtab = ABS(strtab); jmprel = ABS(jmprel); rela = ABS(rela); rel = ABS(rel);
#undef ABS
  if (symtab == 0 || strtab == 0) return 0;
  const ElfW(Sym) *syms = (const ElfW(Sym) *)symtab;
  const char *strs = (const char *)strtab;
  if (jmprel) hook_relocs(base, (const void *)jmprel, pltrelsz, pltrel == DT_RELA, syms, strs, relro_start, relro_end);
  if (rela) hook_relocs(base, (const void *)rela, relasz, 1, syms, strs, relro_start, relro_end);
  if (rel) hook_relocs(base, (const void *)rel, relsz, 0, syms, strs, relro_start, relro_end);
  return 0;
}

static void unhook_all(void) {
  for (int i = hooked_count - 1; i >= 0; i--) write_slot(hooked_slot[i], hooked_saved[i], hooked_relro[i]);
  hooked_count = 0;
}
#endif

/* .C("rdeploy_reuseport_hook", enable, count = 0L): enable = 1 redirects the `bind` slots of
 * the loaded httpuv/libuv objects (count = slots redirected, 0 when none was found or the
 * platform is not Linux); enable = 0 restores them. */
void rdeploy_reuseport_hook(int *enable, int *count) {
#ifdef RDEPLOY_CAN_HOOK
  if (*enable) {
    if (hooked_count == 0) dl_iterate_phdr(hook_object, NULL);
    *count = hooked_count;
  } else {
    *count = hooked_count;
    unhook_all();
  }
#else
  (void)enable;
  *count = 0;
#endif
}

/* ---------------------------------------------------------------- 3. signals */

static volatile sig_atomic_t received_signal = 0;

static void on_signal(int sig) {
  if (received_signal == 0) received_signal = sig;
}

/* .C("rdeploy_catch_signals", ok = 0L): SIGTERM and SIGINT are recorded, not acted upon. */
void rdeploy_catch_signals(int *ok) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  *ok = sigaction(SIGTERM, &sa, NULL) == 0 && sigaction(SIGINT, &sa, NULL) == 0;
}

static void exit_on_signal(int sig) {
  const char *msg = sig == SIGINT
    ? "[rdeploy] SIGINT received before the job finished; exiting with status 130\n"
    : "[rdeploy] SIGTERM received before the job finished; exiting with status 143\n";
  ssize_t ignored = write(2, msg, strlen(msg));
  (void)ignored;
  _exit(128 + sig);
}

/* .C("rdeploy_exit_on_signals", ok = 0L): job mode. There is nothing to finish cleanly (the
 * result is not written yet), so SIGTERM/SIGINT end the process at once, with a log line and
 * the shell's 128 + signal status, PID 1 or not. */
void rdeploy_exit_on_signals(int *ok) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = exit_on_signal;
  sigemptyset(&sa.sa_mask);
  *ok = sigaction(SIGTERM, &sa, NULL) == 0 && sigaction(SIGINT, &sa, NULL) == 0;
}

/* .C("rdeploy_signal_received", sig = 0L): the first signal recorded, 0 if none. */
void rdeploy_signal_received(int *sig) {
  *sig = received_signal;
}

/* .C("rdeploy_sleep", ms): sleeps, returning early when a signal arrives. The supervisor's
 * wait: R's Sys.sleep() installs R's own SIGINT handler while it waits (an interrupt would
 * end the supervisor with "Execution halted" instead of stopping the workers). */
void rdeploy_sleep(int *ms) {
  struct timespec ts;
  ts.tv_sec = *ms / 1000;
  ts.tv_nsec = (long)(*ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
}

/* ---------------------------------------------------------------- 4. worker processes */

/* .C("rdeploy_spawn", path, args, nargs, pid = 0L): fork + execv(path, c(path, args)).
 * The child gets default SIGTERM/SIGINT handling and an empty signal mask, and (Linux) is
 * sent SIGTERM if its parent dies, so a SIGKILLed supervisor never leaves workers behind. */
void rdeploy_spawn(char **path, char **args, int *nargs, int *pid) {
  char *argv[64];
  int n = *nargs < 62 ? *nargs : 62;
  argv[0] = path[0];
  for (int i = 0; i < n; i++) argv[i + 1] = args[i];
  argv[n + 1] = NULL;
  pid_t parent = getpid();
  fflush(NULL);
  pid_t child = fork();
  if (child == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
#if defined(__linux__)
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
#endif
    execv(path[0], argv);
    _exit(127);
  }
  *pid = (int)child;
}

/* .C("rdeploy_reap", pid = 0L, code = 0L, sig = 0L): one ended child, if any (pid 0 if none).
 * code is the exit status (-1 when killed by a signal), sig the signal that ended it. */
void rdeploy_reap(int *pid, int *code, int *sig) {
  int status = 0;
  pid_t p = waitpid(-1, &status, WNOHANG);
  *pid = p > 0 ? (int)p : 0;
  *code = 0;
  *sig = 0;
  if (p <= 0) return;
  if (WIFEXITED(status)) *code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) {
    *code = -1;
    *sig = WTERMSIG(status);
  }
}

/* .C("rdeploy_port_error", host, port, message = strrep(" ", 200), err = 0L): tries to bind
 * host:port as httpuv would (SO_REUSEADDR, no SO_REUSEPORT). err 0: free; -1: host is not an
 * IP address (not checked); else errno, with strerror() in message. */
void rdeploy_port_error(char **host, int *port, char **message, int *err) {
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, host[0], &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((unsigned short)*port);
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, host[0], &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((unsigned short)*port);
    len = sizeof *v6;
  } else {
    *err = -1;
    return;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM, 0), one = 1;
  if (fd < 0) {
    *err = errno;
  } else {
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    *err = bind(fd, (struct sockaddr *)&ss, len) == 0 ? 0 : errno;
    close(fd);
  }
  if (*err > 0) {
    size_t room = strlen(message[0]);
    snprintf(message[0], room + 1, "%s", strerror(*err));
  }
}
