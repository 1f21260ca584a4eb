/*
 * berth-relay: Berth's own socket plumbing inside a workspace, built with `gcc -static` into the
 * toolset image (scripts/images.sh tools) so it runs in any template image, even one without a
 * shell, nc or bash. It speaks only over its stdin/stdout (a Docker exec's streams).
 *
 *   berth-relay tcp HOST PORT   connect to HOST:PORT (an IPv4 or IPv6 literal) from inside the
 *                               workspace's network namespace and copy bytes both ways; stdin EOF
 *                               half-closes the socket, the socket's EOF ends the process.
 *   berth-relay agent           listen on a fresh Unix socket (/tmp/berth-agent-XXXXXX/agent, or
 *                               under $HOME if /tmp is not writable) for SSH agent clients, and
 *                               multiplex every connection over stdio in frames:
 *                                 type (1 byte) | id (4 bytes, big-endian) | length (4) | payload
 *                               out: 'R' ready (payload: the socket path), 'O' open, 'D' data, 'C' close
 *                               in:  'D' data, 'C' close
 *                               stdin EOF removes the socket and ends the process.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define BUF 32768
#define MAX_CONN 64

static int write_all(int fd, const void *data, size_t len) {
  const char *p = data;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static int read_all(int fd, void *data, size_t len) {
  char *p = data;
  while (len > 0) {
    ssize_t n = read(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static int tcp(const char *host, const char *port_s) {
  char *end;
  long port = strtol(port_s, &end, 10);
  if (*end || port < 1 || port > 65535) {
    fprintf(stderr, "berth-relay: bad port %s\n", port_s);
    return 2;
  }
  struct sockaddr_storage ss;
  socklen_t sl;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
  if (strcmp(host, "localhost") == 0) host = "127.0.0.1";
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    sl = sizeof *a4;
  } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    sl = sizeof *a6;
  } else {
    fprintf(stderr, "berth-relay: %s is not an IP address\n", host);
    return 2;
  }
  int s = socket(ss.ss_family, SOCK_STREAM, 0);
  if (s < 0 || connect(s, (struct sockaddr *)&ss, sl) < 0) {
    fprintf(stderr, "berth-relay: cannot connect to %s:%ld: %s\n", host, port, strerror(errno));
    return 1;
  }
  char buf[BUF];
  int in_open = 1;
  for (;;) {
    struct pollfd p[2] = {{.fd = in_open ? 0 : -1, .events = POLLIN}, {.fd = s, .events = POLLIN}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (p[0].revents) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n <= 0) {
        in_open = 0;
        shutdown(s, SHUT_WR);
      } else if (write_all(s, buf, (size_t)n) < 0) {
        return 1;
      }
    }
    if (p[1].revents) {
      ssize_t n = read(s, buf, sizeof buf);
      if (n <= 0) return 0;
      if (write_all(1, buf, (size_t)n) < 0) return 1;
    }
  }
}

static char sock_path[108];
static char sock_dir[100];

static void cleanup(void) {
  if (sock_path[0]) unlink(sock_path);
  if (sock_dir[0]) rmdir(sock_dir);
}

static int frame(char type, uint32_t id, const void *data, uint32_t len) {
  unsigned char h[9];
  h[0] = (unsigned char)type;
  uint32_t nid = htonl(id), nlen = htonl(len);
  memcpy(h + 1, &nid, 4);
  memcpy(h + 5, &nlen, 4);
  if (write_all(1, h, 9) < 0) return -1;
  return len ? write_all(1, data, len) : 0;
}

static int make_dir(const char *base) {
  if (!base || !*base) return -1;
  int n = snprintf(sock_dir, sizeof sock_dir, "%s/berth-agent-XXXXXX", base);
  if (n < 0 || (size_t)n >= sizeof sock_dir) return -1;
  if (!mkdtemp(sock_dir)) {
    sock_dir[0] = 0;
    return -1;
  }
  return 0;
}

static int agent(void) {
  if (make_dir("/tmp") < 0 && make_dir(getenv("HOME")) < 0) {
    fprintf(stderr, "berth-relay: no writable directory for the agent socket (/tmp or $HOME)\n");
    return 1;
  }
  snprintf(sock_path, sizeof sock_path, "%s/agent", sock_dir);
  atexit(cleanup);
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un un = {.sun_family = AF_UNIX};
  strcpy(un.sun_path, sock_path);
  umask(0177); /* the socket is its owner's only, as sshd makes it */
  if (l < 0 || bind(l, (struct sockaddr *)&un, sizeof un) < 0 || listen(l, 16) < 0) {
    fprintf(stderr, "berth-relay: cannot listen on %s: %s\n", sock_path, strerror(errno));
    return 1;
  }
  if (frame('R', 0, sock_path, (uint32_t)strlen(sock_path)) < 0) return 1;
  int fds[MAX_CONN];
  uint32_t ids[MAX_CONN];
  for (int i = 0; i < MAX_CONN; i++) fds[i] = -1;
  uint32_t next_id = 1;
  char buf[BUF];
  for (;;) {
    struct pollfd p[MAX_CONN + 2];
    p[0] = (struct pollfd){.fd = 0, .events = POLLIN};
    p[1] = (struct pollfd){.fd = l, .events = POLLIN};
    for (int i = 0; i < MAX_CONN; i++) p[i + 2] = (struct pollfd){.fd = fds[i], .events = POLLIN};
    if (poll(p, MAX_CONN + 2, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (p[0].revents) {
      unsigned char h[9];
      if (read_all(0, h, 9) < 0) return 0; /* the gateway is gone: so is the socket */
      uint32_t id, len;
      memcpy(&id, h + 1, 4);
      memcpy(&len, h + 5, 4);
      id = ntohl(id);
      len = ntohl(len);
      if (len > BUF) return 1;
      if (len && read_all(0, buf, len) < 0) return 0;
      for (int i = 0; i < MAX_CONN; i++) {
        if (fds[i] < 0 || ids[i] != id) continue;
        if (h[0] == 'C' || (h[0] == 'D' && write_all(fds[i], buf, len) < 0)) {
          if (h[0] != 'C') frame('C', id, NULL, 0);
          close(fds[i]);
          fds[i] = -1;
        }
      }
    }
    if (p[1].revents) {
      int c = accept(l, NULL, NULL);
      if (c >= 0) {
        int slot = -1;
        for (int i = 0; i < MAX_CONN; i++)
          if (fds[i] < 0) {
            slot = i;
            break;
          }
        if (slot < 0) {
          close(c);
        } else {
          fds[slot] = c;
          ids[slot] = next_id++;
          if (frame('O', ids[slot], NULL, 0) < 0) return 1;
        }
      }
    }
    for (int i = 0; i < MAX_CONN; i++) {
      if (fds[i] < 0 || !p[i + 2].revents) continue;
      ssize_t n = read(fds[i], buf, sizeof buf);
      if (n <= 0) {
        if (frame('C', ids[i], NULL, 0) < 0) return 1;
        close(fds[i]);
        fds[i] = -1;
      } else if (frame('D', ids[i], buf, (uint32_t)n) < 0) {
        return 1;
      }
    }
  }
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc == 4 && strcmp(argv[1], "tcp") == 0) return tcp(argv[2], argv[3]);
  if (argc == 2 && strcmp(argv[1], "agent") == 0) return agent();
  fprintf(stderr, "usage: berth-relay tcp HOST PORT | berth-relay agent\n");
  return 2;
}
