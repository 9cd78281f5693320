/* Files written whole or not at all (atomic_file.h). */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pb_atomic_open(pb_atomic_file *f, const char *path)
{
    struct stat st;
    memset(f, 0, sizeof *f);
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof f->path)
        return ENAMETOOLONG;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return EISDIR;
    memcpy(f->path, path, len + 1);
    snprintf(f->tmp, sizeof f->tmp, "%s.tmp.%ld", path, (long)getpid());
    f->out = fopen(f->tmp, "wb");
    return f->out ? 0 : errno;
}

/* Best effort: makes the rename itself durable. A failure here loses nothing already written. */
static void pb_sync_parent_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 1;
    if (!slash)
        memcpy(dir, ".", 2);
    else if (len == 0)
        memcpy(dir, "/", 2); /* the root directory */
    else if (len < sizeof dir) {
        memcpy(dir, path, len);
        dir[len] = '\0';
    } else
        return;
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int pb_atomic_commit(pb_atomic_file *f, int failed)
{
    if (!f->out)
        return EBADF;
    int err = failed;
    if (err == 0 && (fflush(f->out) != 0 || fsync(fileno(f->out)) != 0))
        err = errno ? errno : EIO;
    if (fclose(f->out) != 0 && err == 0)
        err = errno;
    f->out = NULL;
    if (err == 0 && rename(f->tmp, f->path) != 0)
        err = errno;
    if (err != 0) {
        remove(f->tmp);
        return err;
    }
    pb_sync_parent_dir(f->path);
    return 0;
}

void pb_atomic_discard(pb_atomic_file *f)
{
    if (!f->out)
        return;
    fclose(f->out);
    f->out = NULL;
    remove(f->tmp);
}
