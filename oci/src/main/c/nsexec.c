/*
 * nsexec: the part of jvirt's OCI runtime that a JVM cannot do.
 *
 * A JVM is multi-threaded from its first instruction, so it cannot unshare a user namespace, and
 * Java has no hook between fork and exec. The JVM therefore parses and validates config.json, runs
 * hooks and manages cgroups and state, and hands this program a flat list of already-decided steps
 * (numeric flags, resolved values) over a socket. This program only carries them out, in order:
 * join cgroups and namespaces, clone, id maps, mounts, /dev, pivot_root, masked and read-only
 * paths, hostname, sysctls, rlimits, user, capabilities, no_new_privs, seccomp, exec.
 *
 * Usage: nsexec JVMPID. The JVM starts this program with pipes as stdin and stdout and writes
 * "<length>\n" then <length> bytes of records to stdin; each record is NUL-terminated tokens:
 * keyword, argument count, arguments. Replies on stdout are lines: "pid N" when the container
 * process is ready, or "error MESSAGE" (then exit status 1). The container's stdin and stdout (and
 * any --preserve-fds) are the JVM's own, taken with pidfd_getfd: Java's ProcessBuilder closes every
 * other descriptor, and spawning through the FFM API costs the JVM more start-up time than this.
 *
 * Between create and start only the container's first process exists, blocked opening the
 * exec fifo in the state directory; it is this small static program, not a JVM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

struct rec { const char *key; int n; char **a; };

static struct rec *recs;
static int nrecs;
static int ctlfd = 1;   /* replies to the JVM: our stdout pipe until the JVM's stdout takes its place */
static int syncfd = -1; /* child's end of the parent/child socket, once forked */
static int ctlin = -1;  /* from the JVM: our stdin pipe, kept for the prestart/createRuntime handshake */

/* Reports a failure to whoever is listening (the parent when in the child, else the JVM), exits. */
static void die(const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (len < 0 || len >= (int)sizeof msg) len = (int)strlen(msg);
    char line[1100];
    int l = snprintf(line, sizeof line, "error %s\n", msg);
    int fd = syncfd >= 0 ? syncfd : ctlfd;
    if (fd < 0 || write(fd, line, l) != l) fprintf(stderr, "jvirt: %s\n", msg);
    _exit(1);
}

#define DIE_ERRNO(what, arg) die("%s %s: %s", what, arg, strerror(errno))

static void read_full(int fd, char *buf, size_t len) {
    while (len > 0) {
        ssize_t r = read(fd, buf, len);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) die("short read of the configuration from the runtime");
        buf += r;
        len -= r;
    }
}

static void write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) _exit(1);
        buf += w;
        len -= w;
    }
}

/* Reads one line (without its newline) a byte at a time, so that nothing of the next is consumed. */
static ssize_t read_line(int fd, char *buf, size_t size) {
    size_t n = 0;
    while (n < size - 1) {
        ssize_t r = read(fd, buf + n, 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        if (buf[n] == '\n') break;
        n++;
    }
    buf[n] = 0;
    return n;
}

static void read_records(void) {
    char lenbuf[24];
    size_t i = 0;
    while (i < sizeof lenbuf - 1) {
        read_full(0, lenbuf + i, 1);
        if (lenbuf[i] == '\n') break;
        i++;
    }
    lenbuf[i] = 0;
    size_t total = strtoul(lenbuf, NULL, 10);
    char *buf = malloc(total + 1);
    if (!buf) die("out of memory");
    read_full(0, buf, total);
    buf[total] = 0;
    int cap = 64;
    recs = malloc(cap * sizeof *recs);
    char *p = buf, *end = buf + total;
    while (p < end) {
        if (nrecs == cap) recs = realloc(recs, (cap *= 2) * sizeof *recs);
        struct rec *r = &recs[nrecs++];
        r->key = p; p += strlen(p) + 1;
        r->n = atoi(p); p += strlen(p) + 1;
        r->a = malloc((r->n + 1) * sizeof(char *));
        for (int k = 0; k < r->n; k++) { r->a[k] = p; p += strlen(p) + 1; }
        r->a[r->n] = NULL;
        if (p > end + 1) die("malformed configuration records");
    }
}

static struct rec *find(const char *key) {
    for (int i = 0; i < nrecs; i++) if (!strcmp(recs[i].key, key)) return &recs[i];
    return NULL;
}

static const char *get(const char *key) {
    struct rec *r = find(key);
    return r && r->n > 0 ? r->a[0] : NULL;
}

static void write_file(const char *path, const char *data) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) DIE_ERRNO("open", path);
    ssize_t len = strlen(data);
    if (write(fd, data, len) != len) DIE_ERRNO("write", path);
    close(fd);
}

/*
 * Opens PATH inside the root ROOTFD, resolving every component as if ROOTFD were "/": a symlink
 * in the container's root filesystem cannot lead a mount or a device out of it onto the host.
 * Missing components are made as directories, the last as a directory or (FILE) an empty file; a
 * dangling symlink on the way is followed by making its target, still inside the root.
 */
static int open_in_root_depth(int rootfd, const char *path, int create, int file, int depth) {
    struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    int fd = syscall(SYS_openat2, rootfd, path, &how, sizeof how);
    if (fd >= 0 || errno != ENOENT || !create) return fd;
    if (depth > 40) { errno = ELOOP; return -1; }
    char *copy = strdup(path);
    char *slash = strrchr(copy, '/');
    const char *parent_path = "/", *name = copy;
    if (slash) {
        *slash = 0;
        if (*copy) parent_path = copy;
        name = slash + 1;
    }
    int parent = open_in_root_depth(rootfd, parent_path, 1, 0, depth + 1);
    if (parent < 0) { free(copy); return -1; }
    char target[4096];
    ssize_t tl = readlinkat(parent, name, target, sizeof target - 1);
    if (tl > 0) {
        /* a dangling symlink: make what it points to, resolved (again) within the root */
        target[tl] = 0;
        char *next = malloc(strlen(parent_path) + tl + 2);
        if (target[0] == '/') strcpy(next, target);
        else sprintf(next, "%s/%s", parent_path, target);
        close(parent);
        free(copy);
        fd = open_in_root_depth(rootfd, next, 1, file, depth + 1);
        free(next);
        return fd;
    }
    int rc = file ? mknodat(parent, name, S_IFREG | 0644, 0) : mkdirat(parent, name, 0755);
    if (rc < 0 && errno != EEXIST) { close(parent); free(copy); return -1; }
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS;
    fd = syscall(SYS_openat2, parent, name, &how, sizeof how);
    close(parent);
    free(copy);
    return fd;
}

static int open_in_root(int rootfd, const char *path, int create, int file) {
    return open_in_root_depth(rootfd, path, create, file, 0);
}

static char *fdpath(int fd) {
    static char buf[64];
    snprintf(buf, sizeof buf, "/proc/self/fd/%d", fd);
    return buf;
}

/* mount SRC TYPE FLAGS PROPAGATION DATA DST: one entry of config.json's mounts, flags decided by the JVM. */
static void do_mount(int rootfd, char **a) {
    const char *src = a[0], *type = a[1], *data = a[4], *dst = a[5];
    unsigned long flags = strtoul(a[2], NULL, 10), prop = strtoul(a[3], NULL, 10);
    int bind = (flags & MS_BIND) != 0;
    struct stat st;
    int file = bind && stat(src, &st) == 0 && !S_ISDIR(st.st_mode);
    int fd = open_in_root(rootfd, dst, 1, file);
    if (fd < 0) DIE_ERRNO("mount destination", dst);
    char target[64];
    snprintf(target, sizeof target, "%s", fdpath(fd));
    if (bind) {
        if (mount(src, target, NULL, flags & (MS_BIND | MS_REC), NULL) < 0) DIE_ERRNO("bind mount", src);
    } else if (mount(src, target, type, flags, *data ? data : NULL) < 0) {
        /* sysfs cannot be mounted when the network namespace is the host's: runc binds it instead. */
        if (!(errno == EPERM && !strcmp(type, "sysfs"))) die("mount %s on %s: %s", type, dst, strerror(errno));
        if (mount("/sys", target, NULL, MS_BIND | MS_REC, NULL) < 0) DIE_ERRNO("bind mount", "/sys");
        bind = 1;
    }
    /* Our descriptor is of the directory under the new mount; remount and propagation act on the
     * mount itself, so look the destination up again (still without leaving the root). */
    close(fd);
    unsigned long rest = flags & ~(MS_BIND | MS_REC);
    if ((bind && rest) || prop) {
        fd = open_in_root(rootfd, dst, 0, 0);
        if (fd < 0) DIE_ERRNO("reopen mount", dst);
        snprintf(target, sizeof target, "%s", fdpath(fd));
        if (bind && rest && mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | rest, NULL) < 0) DIE_ERRNO("remount", dst);
        if (prop && mount(NULL, target, NULL, prop, NULL) < 0) DIE_ERRNO("mount propagation", dst);
        close(fd);
    }
}

/* devbind PATH: bind the host's device node over an empty file, which works in a user namespace too. */
static void dev_bind(int rootfd, const char *path) {
    int fd = open_in_root(rootfd, path, 1, 1);
    if (fd < 0) DIE_ERRNO("device", path);
    char target[64];
    snprintf(target, sizeof target, "%s", fdpath(fd));
    if (mount(path, target, NULL, MS_BIND, NULL) < 0) DIE_ERRNO("bind device", path);
    close(fd);
}

/* mknod PATH TYPE MAJOR MINOR MODE UID GID: a device from linux.devices. */
static void dev_mknod(int rootfd, char **a) {
    const char *path = a[0];
    mode_t mode = strtoul(a[4], NULL, 8) & 07777;
    mode |= a[1][0] == 'b' ? S_IFBLK : a[1][0] == 'p' ? S_IFIFO : S_IFCHR;
    char *copy = strdup(path), *slash = strrchr(copy, '/');
    *slash = 0;
    int parent = open_in_root(rootfd, *copy ? copy : "/", 1, 0);
    if (parent < 0) DIE_ERRNO("device directory", path);
    /* mknodat needs a real directory fd, not O_PATH; reopen it through /proc. */
    int real = open(fdpath(parent), O_DIRECTORY | O_CLOEXEC);
    unlinkat(real, slash + 1, 0);
    if (mknodat(real, slash + 1, mode, makedev(atoi(a[2]), atoi(a[3]))) < 0) DIE_ERRNO("mknod", path);
    if (fchownat(real, slash + 1, atoi(a[5]), atoi(a[6]), AT_SYMLINK_NOFOLLOW) < 0) DIE_ERRNO("chown", path);
    close(real);
    close(parent);
    free(copy);
}

/* symlink TARGET LINK: /dev/fd, /dev/stdin and friends. */
static void make_symlink(int rootfd, const char *target, const char *link) {
    char *copy = strdup(link), *slash = strrchr(copy, '/');
    *slash = 0;
    int parent = open_in_root(rootfd, *copy ? copy : "/", 1, 0);
    if (parent < 0) DIE_ERRNO("symlink directory", link);
    int real = open(fdpath(parent), O_DIRECTORY | O_CLOEXEC);
    if (symlinkat(target, real, slash + 1) < 0 && errno != EEXIST) DIE_ERRNO("symlink", link);
    close(real);
    close(parent);
    free(copy);
}

/* Masks PATH (already inside the new root): /dev/null over a file, an empty read-only tmpfs over a directory. */
static void mask_path(const char *path) {
    struct stat st;
    if (lstat(path, &st) < 0) return; /* absent paths need no masking */
    if (S_ISDIR(st.st_mode)) {
        if (mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0k") < 0) DIE_ERRNO("mask", path);
    } else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
        DIE_ERRNO("mask", path);
    }
}

static void readonly_path(const char *path) {
    struct stat st;
    if (lstat(path, &st) < 0) return;
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) DIE_ERRNO("bind", path);
    if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0
            && mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
        DIE_ERRNO("read-only", path);
}

/* Connects to the --console-socket while the host's file system is still visible. */
static int console_connect(const char *path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof addr.sun_path) die("console socket path too long: %s", path);
    strcpy(addr.sun_path, path);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) DIE_ERRNO("connect to console socket", path);
    return fd;
}

/* Makes a pty from the container's own devpts, sends the master to the socket as runc does, and
 * makes the slave the process's controlling terminal and stdio. */
static void console_setup(int sock, const char *ptmx) {
    int master = open(ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) DIE_ERRNO("open", ptmx);
    /* under exec, the container's processes could have put anything at /dev/ptmx: only a pty master goes out */
    struct stat st;
    if (fstat(master, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2)
        die("%s in the container is not the pty multiplexer", ptmx);
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0) DIE_ERRNO("unlock pty", ptmx);
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    if (slave < 0) DIE_ERRNO("open pty peer", ptmx);
    int ptn = 0;
    ioctl(master, TIOCGPTN, &ptn);
    char name[32];
    int namelen = snprintf(name, sizeof name, "/dev/pts/%d", ptn);
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = { .iov_base = name, .iov_len = namelen };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &master, sizeof(int));
    if (sendmsg(sock, &msg, 0) < 0) DIE_ERRNO("send pty master to", "console socket");
    close(master);
    close(sock);
    if (setsid() < 0 && errno != EPERM) DIE_ERRNO("setsid", "");
    if (ioctl(slave, TIOCSCTTY, 0) < 0) DIE_ERRNO("set controlling terminal", name);
    for (int i = 0; i < 3; i++) if (dup2(slave, i) < 0) DIE_ERRNO("dup2", name);
    if (slave > 2) close(slave);
}

static void install_seccomp(void) {
    const char *hex = get("seccomp");
    if (!hex) return;
    size_t len = strlen(hex) / 2;
    unsigned char *bytes = malloc(len);
    for (size_t i = 0; i < len; i++) sscanf(hex + 2 * i, "%2hhx", &bytes[i]);
    struct sock_fprog prog = { .len = len / sizeof(struct sock_filter), .filter = (struct sock_filter *)bytes };
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) DIE_ERRNO("seccomp", "filter");
}

/* user UID GID [GIDS...], then capabilities from "caps BOUNDING EFFECTIVE PERMITTED INHERITABLE AMBIENT". */
static void set_user_and_caps(void) {
    struct rec *u = find("user"), *c = find("caps");
    if (c) {
        uint64_t bounding = strtoull(c->a[0], NULL, 16);
        for (int cap = 0; cap <= 63; cap++) {
            if (bounding & (1ULL << cap)) continue;
            if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) DIE_ERRNO("drop capability", c->a[0]);
        }
    }
    if (u) {
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) DIE_ERRNO("keepcaps", "");
        int ngroups = u->n - 2;
        gid_t *groups = calloc(ngroups + 1, sizeof(gid_t));
        for (int i = 0; i < ngroups; i++) groups[i] = strtoul(u->a[2 + i], NULL, 10);
        if (setgroups(ngroups, groups) < 0) DIE_ERRNO("setgroups", "");
        gid_t gid = strtoul(u->a[1], NULL, 10);
        uid_t uid = strtoul(u->a[0], NULL, 10);
        if (setresgid(gid, gid, gid) < 0) DIE_ERRNO("setgid", u->a[1]);
        if (setresuid(uid, uid, uid) < 0) DIE_ERRNO("setuid", u->a[0]);
        prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    }
    if (c) {
        uint64_t eff = strtoull(c->a[1], NULL, 16), perm = strtoull(c->a[2], NULL, 16);
        uint64_t inh = strtoull(c->a[3], NULL, 16), amb = strtoull(c->a[4], NULL, 16);
        struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct data[2] = {
            { .effective = (uint32_t)eff, .permitted = (uint32_t)perm, .inheritable = (uint32_t)inh },
            { .effective = (uint32_t)(eff >> 32), .permitted = (uint32_t)(perm >> 32), .inheritable = (uint32_t)(inh >> 32) },
        };
        if (syscall(SYS_capset, &hdr, data) < 0) DIE_ERRNO("capset", "");
        /* An ambient capability must also be permitted and inheritable; like runc, skip those that are not. */
        for (int cap = 0; cap <= 63; cap++)
            if (amb & (1ULL << cap)) prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
    }
}

/* Finds args[0] on the container's PATH now, so that "not found" is an error of create, not of start. */
static char *find_executable(char **args, char **env) {
    const char *cmd = args[0];
    if (strchr(cmd, '/')) {
        if (access(cmd, X_OK) < 0) die("executable %s: %s", cmd, strerror(errno));
        return (char *)cmd;
    }
    const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (char **e = env; *e; e++) if (!strncmp(*e, "PATH=", 5)) path = *e + 5;
    char *copy = strdup(path);
    for (char *dir = strtok(copy, ":"); dir; dir = strtok(NULL, ":")) {
        char *full = malloc(strlen(dir) + strlen(cmd) + 2);
        sprintf(full, "%s/%s", dir, cmd);
        struct stat st;
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0) return full;
        free(full);
    }
    die("executable file `%s` not found in $PATH inside the container", cmd);
    return NULL;
}

static void run_hooks(const char *key, char **env);

/* The process's own settings, common to the container's first process and to exec. */
static void finish_process(int consock, const char *ptmx, int fifofd) {
    struct rec *r;
    for (int i = 0; i < nrecs; i++) {
        r = &recs[i];
        if (!strcmp(r->key, "rlimit")) {
            struct rlimit rl = { strtoull(r->a[1], NULL, 10), strtoull(r->a[2], NULL, 10) };
            if (setrlimit(atoi(r->a[0]), &rl) < 0) DIE_ERRNO("setrlimit", r->a[0]);
        }
    }
    const char *oom = get("oom");
    if (oom) write_file("/proc/self/oom_score_adj", oom);
    if (consock >= 0) console_setup(consock, ptmx);
    const char *cwd = get("cwd");
    if (cwd && chdir(cwd) < 0) DIE_ERRNO("chdir to cwd", cwd);
    struct rec *args = find("args"), *env = find("env");
    if (!args || args->n == 0) die("no process.args to run");
    char *empty[] = { NULL };
    char **envp = env ? env->a : empty;
    int nnp = find("nnp") != NULL;
    /* Without no_new_privs loading a filter needs CAP_SYS_ADMIN, which the capability drop removes. */
    if (!nnp) install_seccomp();
    set_user_and_caps();
    char *exe = find_executable(args->a, envp);
    if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) DIE_ERRNO("no_new_privs", "");
    /* Ready: the parent reports our pid and, for create, exits; we wait for start on the fifo. */
    write_all(syncfd, "ok\n", 3);
    close(syncfd);
    syncfd = -1;
    if (fifofd >= 0) {
        /* Non-dumpable, our /proc/self/fd belongs to root, which a container user may not be any more.
         * We are now what execve makes of us anyway: the container's configured process. */
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        int w = open(fdpath(fifofd), O_WRONLY | O_CLOEXEC);
        if (w < 0 || write(w, "0", 1) != 1) { perror("jvirt: exec fifo"); _exit(1); }
        close(w);
        close(fifofd);
    }
    run_hooks("starthook", envp);
    if (nnp) install_seccomp();
    execve(exe, args->a, envp);
    fprintf(stderr, "jvirt: exec %s: %s\n", exe, strerror(errno));
    _exit(127);
}

/* The container process's pid as the host sees it (for the startContainer hooks' state), from the parent. */
static char host_pid[24] = "0";

static void read_go(void) {
    char go[24];
    size_t n = 0;
    while (n < sizeof go - 1) {
        if (read(syncfd, go + n, 1) != 1) _exit(1);
        if (go[n++] == '\n') break;
    }
    go[n - 1] = 0;
    snprintf(host_pid, sizeof host_pid, "%s", go + 1);
}

/*
 * Hooks run by the container's process itself, with the state on stdin ("state JSON" carries
 * "pid":-1, which becomes our pid as the host sees it): KEY "createhook" for createContainer
 * (in the container's namespaces before pivot_root, so their paths are the host's), "starthook"
 * for startContainer (inside the container after start, before the user's program).
 */
static void run_hooks(const char *key, char **env) {
    const char *tmpl = get("state");
    for (int i = 0; i < nrecs; i++) {
        struct rec *r = &recs[i];
        if (strcmp(r->key, key)) continue;
        int argc = atoi(r->a[1]);
        char **argv = &r->a[2];
        char **henv = &r->a[2 + argc];
        char *saved = argv[argc];
        argv[argc] = NULL; /* the env list follows; r->a is NULL-terminated after it */
        char state[8192] = "";
        const char *m = tmpl ? strstr(tmpl, "\"pid\":-1") : NULL;
        if (m) snprintf(state, sizeof state, "%.*s\"pid\":%s%s", (int)(m - tmpl), tmpl, host_pid, m + 8);
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0) { perror("jvirt: startContainer hook pipe"); _exit(1); }
        pid_t pid = fork();
        if (pid == 0) {
            dup2(p[0], 0);
            execve(r->a[0], argc > 0 ? argv : (char *[]){ r->a[0], NULL }, henv[0] ? henv : env);
            fprintf(stderr, "jvirt: %s hook %s: %s\n", key, r->a[0], strerror(errno));
            _exit(127);
        }
        close(p[0]);
        if (write(p[1], state, strlen(state)) < 0) { /* a hook need not read its stdin */ }
        close(p[1]);
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        argv[argc] = saved;
        if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            if (!strcmp(key, "createhook")) die("createContainer hook %s failed (status %d)", r->a[0], status);
            fprintf(stderr, "jvirt: startContainer hook %s failed (status %d); the container stops\n", r->a[0], status);
            _exit(1);
        }
    }
}

/* The container's first process: new namespaces already entered; builds the root and execs. */
static void container_child(int userns, int consock, int fifofd) {
    read_go(); /* the parent has written the id maps */
    if (userns) {
        if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) DIE_ERRNO("become root in", "user namespace");
    }
    /* the host name first, so that createContainer hooks already see it */
    const char *h = get("hostname");
    if (h && sethostname(h, strlen(h)) < 0) DIE_ERRNO("sethostname", h);
    const char *d = get("domainname");
    if (d && setdomainname(d, strlen(d)) < 0) DIE_ERRNO("setdomainname", d);
    const char *rootfs = get("rootfs");
    int newns = find("newns") != NULL;
    const char *ptmx = "/dev/ptmx";
    if (newns) {
        const char *prop = get("rootprop");
        if (mount(NULL, "/", NULL, prop ? strtoul(prop, NULL, 10) : (MS_REC | MS_SLAVE), NULL) < 0)
            DIE_ERRNO("make / private", "");
        if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) DIE_ERRNO("bind rootfs", rootfs);
        int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0) DIE_ERRNO("open rootfs", rootfs);
        for (int i = 0; i < nrecs; i++) {
            struct rec *r = &recs[i];
            if (!strcmp(r->key, "mount")) do_mount(rootfd, r->a);
            else if (!strcmp(r->key, "devbind")) dev_bind(rootfd, r->a[0]);
            else if (!strcmp(r->key, "mknod")) dev_mknod(rootfd, r->a);
            else if (!strcmp(r->key, "symlink")) make_symlink(rootfd, r->a[0], r->a[1]);
        }
        if (find("runtimehooks")) {
            /* prestart and createRuntime run now, on the host, in the JVM: wait for its word */
            write_all(syncfd, "hooks\n", 6);
            char word[16];
            if (read_line(syncfd, word, sizeof word) <= 0 || strcmp(word, "continue")) _exit(1);
        }
        char *noenv[] = { NULL };
        run_hooks("createhook", noenv);
        if (chdir(rootfs) < 0) DIE_ERRNO("chdir", rootfs);
        if (find("nopivot")) {
            if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0) DIE_ERRNO("move rootfs to", "/");
            if (chroot(".") < 0) DIE_ERRNO("chroot", rootfs);
        } else {
            /* pivot_root(".", ".") stacks the old root under the new one; detaching it leaves only ours. */
            if (syscall(SYS_pivot_root, ".", ".") < 0) DIE_ERRNO("pivot_root", rootfs);
            if (mount(NULL, ".", NULL, MS_REC | MS_SLAVE, NULL) < 0) DIE_ERRNO("make old root slave", "");
            if (umount2(".", MNT_DETACH) < 0) DIE_ERRNO("detach old root", "");
        }
        if (chdir("/") < 0) DIE_ERRNO("chdir", "/");
        close(rootfd);
    }
    /* sysctls go in while /proc/sys is still writable; the read-only paths come next. */
    for (int i = 0; i < nrecs; i++)
        if (!strcmp(recs[i].key, "sysctl")) write_file(recs[i].a[0], recs[i].a[1]);
    if (newns) {
        for (int i = 0; i < nrecs; i++) {
            if (!strcmp(recs[i].key, "mask")) mask_path(recs[i].a[0]);
            else if (!strcmp(recs[i].key, "rdonly")) readonly_path(recs[i].a[0]);
        }
        if (find("readonlyroot") && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
            DIE_ERRNO("read-only", "/");
    }
    finish_process(consock, ptmx, fifofd);
}


/*
 * `run` with a terminal and no --console-socket: we are the other end of the console socket, and
 * copy between our stdio and the pty master until the container closes its terminal, with our
 * terminal in raw mode meanwhile (the container's pty does the line editing and echo).
 */
static int proxy_sock = -1;
static int proxy_master = -1;

static void copy_winsize(void) {
    struct winsize ws;
    if (proxy_master >= 0 && ioctl(0, TIOCGWINSZ, &ws) == 0) ioctl(proxy_master, TIOCSWINSZ, &ws);
}

static int recv_fd(int sock) {
    char name[64], cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { .iov_base = name, .iov_len = sizeof name };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
    if (recvmsg(sock, &msg, 0) <= 0) return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS) return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

static void proxy_pty(void) {
    proxy_master = recv_fd(proxy_sock);
    close(proxy_sock);
    if (proxy_master < 0) return;
    struct termios saved, raw;
    int tty = tcgetattr(0, &saved) == 0;
    if (tty) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(0, TCSANOW, &raw);
    }
    copy_winsize();
    struct pollfd fds[2] = { { .fd = 0, .events = POLLIN }, { .fd = proxy_master, .events = POLLIN } };
    char buf[4096];
    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(proxy_master, buf, sizeof buf);
            if (n <= 0) break; /* EIO: the container closed its last terminal descriptor */
            write_all(1, buf, n);
        }
        if (fds[0].revents & (POLLIN | POLLHUP)) {
            ssize_t n = read(0, buf, sizeof buf);
            if (n <= 0) fds[0].fd = -1; /* our input ended; keep showing the container's output */
            else write_all(proxy_master, buf, n);
        }
    }
    if (tty) tcsetattr(0, TCSANOW, &saved);
}

static pid_t child_pid;

static void forward(int sig) {
    if (sig == SIGWINCH && proxy_master >= 0) copy_winsize(); /* the pty tells the container */
    else if (child_pid > 0) kill(child_pid, sig);
}

/* Waits for the child's verdict, tells the JVM, and in "run" mode stays to pass on its exit status. */
static void parent_report_and_wait(int fd, pid_t child, int wait_for_exit) {
    char buf[1100];
    ssize_t n = read_line(fd, buf, sizeof buf);
    if (!strcmp(buf, "hooks")) {
        /* the container's namespaces and mounts exist: the JVM runs prestart and createRuntime */
        char line[64], word[16];
        int l = snprintf(line, sizeof line, "hooks %d\n", child);
        write_all(ctlfd, line, l);
        if (read_line(ctlin, word, sizeof word) <= 0 || strcmp(word, "continue")) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
            _exit(1);
        }
        write_all(fd, "continue\n", 9);
        n = read_line(fd, buf, sizeof buf);
    }
    if (strcmp(buf, "ok") != 0) {
        int status;
        if (n == 0) {
            waitpid(child, &status, 0);
            die("the container process exited during setup (status %d)", status);
        }
        write_all(ctlfd, buf, n); /* "error ..." from the child */
        write_all(ctlfd, "\n", 1);
        waitpid(child, &status, 0);
        _exit(1);
    }
    char line[64];
    int l = snprintf(line, sizeof line, "pid %d\n", child);
    write_all(ctlfd, line, l);
    close(ctlfd);
    if (!wait_for_exit) _exit(0);
    child_pid = child;
    int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) signal(sigs[i], forward);
    if (proxy_sock >= 0) proxy_pty();
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static void join_cgroups(void) {
    char pid[24];
    snprintf(pid, sizeof pid, "%d", getpid());
    for (int i = 0; i < nrecs; i++)
        if (!strcmp(recs[i].key, "cgroup")) write_file(recs[i].a[0], pid);
}

static void write_id_maps(pid_t child) {
    char path[64];
    const char *m;
    if ((m = get("uidmap"))) { snprintf(path, sizeof path, "/proc/%d/uid_map", child); write_file(path, m); }
    if ((m = get("gidmap"))) { snprintf(path, sizeof path, "/proc/%d/gid_map", child); write_file(path, m); }
}

/*
 * Replaces our stdin and stdout (the JVM's pipes) with the JVM's own stdin and stdout, and takes
 * its descriptors 3..3+PRESERVE-1 (--preserve-fds); the reply pipe moves above them. Then closes
 * everything else, so that nothing of the host leaks into the container (CVE-2024-21626).
 */
static void take_fds_from_jvm(pid_t jvm, int preserve) {
    unsigned int from = 3 + preserve;
    ctlin = fcntl(0, F_DUPFD_CLOEXEC, from);
    ctlfd = fcntl(1, F_DUPFD_CLOEXEC, from);
    if (ctlfd < 0) { ctlfd = 1; DIE_ERRNO("move the reply pipe", ""); }
    int pidfd = syscall(SYS_pidfd_open, jvm, 0);
    if (pidfd < 0) DIE_ERRNO("pidfd_open of the runtime", "");
    /* above the descriptors being filled in, like the reply pipe */
    int high = fcntl(pidfd, F_DUPFD_CLOEXEC, from);
    close(pidfd);
    pidfd = high;
    int wanted[] = { 0, 1 };
    for (int k = 0; k < 2 + preserve; k++) {
        int fd = k < 2 ? wanted[k] : 3 + (k - 2);
        int got = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
        if (got < 0 && errno == EBADF) got = k < 2 ? open("/dev/null", O_RDWR | O_CLOEXEC) : -1;
        if (got < 0) { if (k >= 2) continue; DIE_ERRNO("take the runtime's descriptor", k == 0 ? "stdin" : "stdout"); }
        if (got != fd) {
            if (dup2(got, fd) < 0) DIE_ERRNO("dup2", "");
            close(got);
        } else {
            fcntl(fd, F_SETFD, 0);
        }
    }
    close(pidfd);
    /* everything above the preserved ones but our three: the reply pipe, the JVM's pipe and nothing else */
    for (unsigned int fd = from; fd < 1024; fd++) if ((int)fd != ctlfd && (int)fd != ctlin) close(fd);
    syscall(SYS_close_range, 1024, ~0U, 0);
}

static void open_ns(const char *path, int type, int *fds, int *types, int *n) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) DIE_ERRNO("open namespace", path);
    fds[*n] = fd;
    types[(*n)++] = type;
}

/*
 * CVE-2019-5736: a container process could open /proc/<this pid>/exe and overwrite the runtime on
 * the host. Running from a sealed in-memory copy leaves nothing on the host to reach.
 */
static void reexec_from_sealed_copy(char **argv) {
    if (!strcmp(argv[0], "jvirt-nsexec-sealed")) return;
    int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    int mem = memfd_create("jvirt-nsexec", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (src < 0 || mem < 0) die("copy the helper into memory: %s", strerror(errno));
    struct stat st;
    if (fstat(src, &st) < 0) die("stat the helper: %s", strerror(errno));
    for (off_t done = 0; done < st.st_size;) {
        ssize_t r = sendfile(mem, src, NULL, st.st_size - done);
        if (r <= 0) die("copy the helper into memory: %s", strerror(errno));
        done += r;
    }
    if (fcntl(mem, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
        die("seal the helper copy: %s", strerror(errno));
    close(src);
    char *args[] = { "jvirt-nsexec-sealed", argv[1], NULL };
    extern char **environ;
    fexecve(mem, args, environ);
    die("exec the sealed helper copy: %s", strerror(errno));
}

/*
 * "nsexec start STATEDIR": `start` without a JVM, for the common case where start has nothing to
 * do but open the exec fifo (no poststart hooks: the JVM wrote STATEDIR/start.fast, "PID STARTTIME").
 * Exit status 3 means "not this case, ask the JVM", and is given before anything has changed.
 */
static long proc_start_time(pid_t pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p || p[2] == 'Z' || p[2] == 'X') return -1;
    p += 2;
    for (int field = 3; field < 22 && p; field++) p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
    return p ? strtol(p, NULL, 10) : -1;
}

static int fast_start(const char *dir) {
    char path[4096], fifo[4096];
    snprintf(path, sizeof path, "%s/start.fast", dir);
    snprintf(fifo, sizeof fifo, "%s/exec.fifo", dir);
    FILE *f = fopen(path, "re");
    int pid = 0;
    long start = 0;
    if (!f) return 3;
    int ok = fscanf(f, "%d %ld", &pid, &start) == 2;
    fclose(f);
    if (!ok || proc_start_time(pid) != start) return 3;
    int fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return 3;
    /* The waiting process is blocked opening the fifo for writing; our open lets it write one byte. */
    for (int i = 0; ; i++) {
        char b;
        if (read(fd, &b, 1) == 1) break;
        /* gone: nothing has changed, so the JVM can say so (and log it where conmon looks) */
        if (i % 100 == 99 && proc_start_time(pid) != start) return 3;
        if (i > 2000000) { fprintf(stderr, "jvirt: the container did not start\n"); return 1; }
        if (i > 1000) usleep(100);
    }
    close(fd);
    unlink(path);
    unlink(fifo);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "start")) return fast_start(argv[2]);
    if (argc == 2) reexec_from_sealed_copy(argv);
    if (argc != 2) {
        fprintf(stderr, "nsexec is jvirt's internal container helper; run containers with 'jvirt oci'\n");
        return 2;
    }
    pid_t jvm = atoi(argv[1]);
    /* Nothing in the container may ptrace us or read our /proc entries while we work inside it. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int s = 1; s < 32; s++) if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
    read_records();
    const char *pres = get("preserve");
    take_fds_from_jvm(jvm, pres ? atoi(pres) : 0);
    const char *mode = get("mode");
    if (!mode) die("no mode in the configuration");
    join_cgroups();

    /* Namespaces to join by path (or, for exec, all of the container's). User first: it grants the rest. */
    int nsfds[16], nstypes[16], nns = 0;
    for (int i = 0; i < nrecs && nns < 15; i++)
        if (!strcmp(recs[i].key, "setns")) open_ns(recs[i].a[1], atoi(recs[i].a[0]), nsfds, nstypes, &nns);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < nns; i++) {
            if ((nstypes[i] == CLONE_NEWUSER) != (pass == 0)) continue;
            if (nstypes[i] == CLONE_NEWNS) continue; /* last, after the console socket is connected */
            if (setns(nsfds[i], nstypes[i]) < 0) die("join namespace: %s", strerror(errno));
        }
    const char *console = get("console");
    int consock = console ? console_connect(console) : -1;
    if (!console && find("ptyproxy")) {
        int cs[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cs) < 0) DIE_ERRNO("socketpair", "console");
        proxy_sock = cs[0];
        consock = cs[1];
    }
    const char *fifo = get("fifo");
    int fifofd = -1;
    /* writable by the container's user, whoever that is; the state directory (0711) keeps others out */
    if (fifo && (mkfifo(fifo, 0622) < 0 || chmod(fifo, 0622) < 0)) DIE_ERRNO("make exec fifo", fifo);
    if (fifo && (fifofd = open(fifo, O_PATH | O_CLOEXEC)) < 0) DIE_ERRNO("open exec fifo", fifo);
    for (int i = 0; i < nns; i++)
        if (nstypes[i] == CLONE_NEWNS && setns(nsfds[i], CLONE_NEWNS) < 0) die("join mount namespace: %s", strerror(errno));

    int sp[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) DIE_ERRNO("socketpair", "");
    const char *cl = get("clone");
    unsigned long flags = cl ? strtoul(cl, NULL, 10) : 0;
    int exec_mode = !strcmp(mode, "exec");
    pid_t child = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
    if (child < 0) DIE_ERRNO("clone", "namespaces");
    if (child == 0) {
        close(sp[0]);
        if (proxy_sock >= 0) close(proxy_sock);
        syncfd = sp[1];
        close(ctlfd);
        ctlfd = -1;
        if (exec_mode) {
            read_go();
            finish_process(consock, "/dev/ptmx", -1);
        }
        container_child((flags & CLONE_NEWUSER) != 0, consock, fifofd);
        _exit(1);
    }
    close(sp[1]);
    if (consock >= 0) close(consock);
    if (flags & CLONE_NEWUSER) write_id_maps(child);
    char go[24];
    int golen = snprintf(go, sizeof go, "g%d\n", child);
    write_all(sp[0], go, golen);
    parent_report_and_wait(sp[0], child, !strcmp(mode, "run") || (exec_mode && !find("detach")));
    return 0;
}
