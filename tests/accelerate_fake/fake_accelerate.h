/* What the fake Accelerate saw: the threading model of the calling thread at its last SGEMM
 * (0 multi-threaded, 1 single-threaded; -1 before any). */
#ifndef PB_FAKE_ACCELERATE_H
#define PB_FAKE_ACCELERATE_H

extern _Thread_local int pb_fake_model_seen;

#endif
