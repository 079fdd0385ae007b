// SPDX-License-Identifier: GPL-2.0
/*
 * pvhookctl: find a VMM's KVM VM file descriptor and take a copy of it with
 * pidfd_getfd(2).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pvhookctl.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd	438
#endif

/* What /proc/PID/fd/N of a KVM VM fd reads. */
#define KVM_VM_LINK	"anon_inode:kvm-vm"
#define MAX_VM_FDS	16

static bool link_is_vm(const char *path)
{
	char link[sizeof(KVM_VM_LINK) + 1];
	ssize_t len = readlink(path, link, sizeof(link));

	return len == sizeof(KVM_VM_LINK) - 1 &&
	       !memcmp(link, KVM_VM_LINK, len);
}

static bool fd_is_vm(pid_t pid, int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	return link_is_vm(path);
}

static DIR *open_fd_dir(pid_t pid)
{
	char dir[64];
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	d = opendir(dir);
	if (!d && errno == ENOENT)
		fatal("no process with pid %d", pid);
	if (!d && (errno == EACCES || errno == EPERM))
		fatal("cannot read %s: %s (need ptrace rights over pid %d)",
		      dir, strerror(errno), pid);
	if (!d)
		fatal("cannot read %s: %s", dir, strerror(errno));
	return d;
}

/* The KVM VM fds of @pid: how many there are, the first @max in @fds. */
static int find_vm_fds(pid_t pid, int *fds, int max)
{
	DIR *d = open_fd_dir(pid);
	struct dirent *de;
	int n = 0, fd;

	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		fd = atoi(de->d_name);
		if (!fd_is_vm(pid, fd))
			continue;
		if (n < max)
			fds[n] = fd;
		n++;
	}
	closedir(d);
	return n;
}

static void fatal_several(pid_t pid, const int *fds, int n)
{
	char list[MAX_VM_FDS * 12] = "";
	size_t len = 0;
	int i;

	for (i = 0; i < n && i < MAX_VM_FDS; i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%d",
				i ? ", " : "", fds[i]);
	fatal("pid %d has %d KVM VM fds (%s%s); choose one with --fd", pid, n,
	      list, n > MAX_VM_FDS ? ", ..." : "");
}

/* The VM fd of @pid to take: @want (checked) or its only one. */
static int choose_vm_fd(pid_t pid, int want)
{
	int fds[MAX_VM_FDS];
	int n = find_vm_fds(pid, fds, MAX_VM_FDS);

	if (want >= 0) {
		if (!fd_is_vm(pid, want))
			fatal("fd %d of pid %d is not a KVM VM", want, pid);
		return want;
	}
	if (n == 0)
		fatal("pid %d has no KVM VM file descriptor", pid);
	if (n > 1)
		fatal_several(pid, fds, n);
	return fds[0];
}

static int open_pidfd(pid_t pid)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0);

	if (pidfd >= 0)
		return pidfd;
	if (errno == ESRCH)
		fatal("no process with pid %d", pid);
	if (errno == EINVAL)
		fatal("cannot open pid %d: %s (a thread, not a process?)", pid,
		      strerror(errno));
	fatal("cannot open pid %d: %s", pid, strerror(errno));
}

/* Our own copy of fd @fd of @pid, checked to still be a KVM VM. */
static int take_vm_fd(pid_t pid, int fd)
{
	int pidfd = open_pidfd(pid);
	int vm_fd = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	int err = errno;

	close(pidfd);
	if (vm_fd < 0)
		fatal("cannot take VM fd %d of pid %d: %s%s", fd, pid,
		      strerror(err),
		      err == EPERM ? " (need ptrace rights over it)" : "");
	/* The VMM may have closed and reused the number meanwhile. */
	if (!fd_is_vm(getpid(), vm_fd))
		fatal("fd %d of pid %d is no longer a KVM VM", fd, pid);
	return vm_fd;
}

/*
 * A copy of the KVM VM fd @fd of process @pid, or of its only one for a
 * negative @fd.
 */
int vmm_vm_fd(pid_t pid, int fd)
{
	return take_vm_fd(pid, choose_vm_fd(pid, fd));
}
