/* Stand-in for the macOS SDK's <pthread.h> (syntax checks on Linux only): what the thread pool
 * uses. Source: pthread(3) and the SDK's <pthread.h>; the types are opaque here. */
#ifndef PB_STUB_PTHREAD_H
#define PB_STUB_PTHREAD_H

typedef struct pb_stub_pthread *pthread_t;
typedef struct { long opaque[8]; } pthread_attr_t;
typedef struct { long opaque[8]; } pthread_mutex_t;
typedef struct { long opaque[8]; } pthread_mutexattr_t;
typedef struct { long opaque[6]; } pthread_cond_t;
typedef struct { long opaque[2]; } pthread_condattr_t;

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg);
int pthread_join(pthread_t thread, void **value);
int pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr);
int pthread_mutex_destroy(pthread_mutex_t *mutex);
int pthread_mutex_lock(pthread_mutex_t *mutex);
int pthread_mutex_unlock(pthread_mutex_t *mutex);
int pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr);
int pthread_cond_destroy(pthread_cond_t *cond);
int pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex);
int pthread_cond_signal(pthread_cond_t *cond);
int pthread_cond_broadcast(pthread_cond_t *cond);

#endif
