/*
 * Sets TCP_NODELAY on the listening TCP socket(s) of this process bound to a given port.
 *
 * Why: httpuv never sets TCP_NODELAY and writes every response as two writes (headers,
 * then body). With Nagle's algorithm on, the body waits until the client ACKs the
 * headers, and a client in delayed-ACK mode (any keep-alive connection after its first
 * few packets) holds that ACK for its delayed-ACK timer: ~40 ms on Linux. See README.md.
 * On Linux an accepted socket inherits TCP_NODELAY from its listening socket, so setting
 * it once on the listener fixes every connection. httpuv offers no option for it and R
 * cannot call setsockopt(), hence this tiny helper, loaded with dyn.load() and called
 * through .C() (no R headers needed).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <dirent.h>
#include <stdlib.h>

static int nodelay_if_listener_on(int fd, int port) {
  int type = 0, listening = 0, one = 1;
  socklen_t len = sizeof(int);
  struct sockaddr_storage addr;
  socklen_t addr_len = sizeof addr;
  int bound = -1;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) return 0;
  if (getsockname(fd, (struct sockaddr *)&addr, &addr_len) != 0) return 0;
  if (addr.ss_family == AF_INET) bound = ntohs(((struct sockaddr_in *)&addr)->sin_port);
  else if (addr.ss_family == AF_INET6) bound = ntohs(((struct sockaddr_in6 *)&addr)->sin6_port);
  if (bound != port) return 0;
  len = sizeof(int);
  if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) return 0;
  return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0;
}

/* .C("rdeploy_nodelay_listeners", port, count = 0L): count = listeners changed. */
void rdeploy_nodelay_listeners(int *port, int *count) {
  int changed = 0;
  DIR *fds = opendir("/proc/self/fd");
  if (fds != NULL) {
    struct dirent *entry;
    while ((entry = readdir(fds)) != NULL) {
      if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
      changed += nodelay_if_listener_on(atoi(entry->d_name), *port);
    }
    closedir(fds);
  } else {
    /* No /proc (macOS dev machines): scan the low descriptors. */
    for (int fd = 0; fd < 4096; fd++) changed += nodelay_if_listener_on(fd, *port);
  }
  *count = changed;
}
