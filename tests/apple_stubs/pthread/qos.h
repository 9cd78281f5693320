/* Stand-in for the macOS SDK's <pthread/qos.h> (syntax checks on Linux only). Source: Apple's
 * libpthread include/pthread/qos.h and include/sys/qos.h (macOS 10.10+); the class values are the
 * SDK's. */
#ifndef PB_STUB_PTHREAD_QOS_H
#define PB_STUB_PTHREAD_QOS_H

typedef enum {
    QOS_CLASS_USER_INTERACTIVE = 0x21,
    QOS_CLASS_USER_INITIATED = 0x19,
    QOS_CLASS_DEFAULT = 0x15,
    QOS_CLASS_UTILITY = 0x11,
    QOS_CLASS_BACKGROUND = 0x09,
    QOS_CLASS_UNSPECIFIED = 0x00
} qos_class_t;

int pthread_set_qos_class_self_np(qos_class_t qos_class, int relative_priority);

/* The calling thread's requested class (<sys/qos.h>, which <pthread/qos.h> includes);
 * QOS_CLASS_UNSPECIFIED when it never asked for one. */
qos_class_t qos_class_self(void);

#endif
