/* Seeded, portable pseudo-random numbers for input generation: the same seed gives the same
 * inputs on every machine and compiler (integer arithmetic only, exact float conversion). */
#ifndef PB_RNG_H
#define PB_RNG_H

#include <stdint.h>

typedef struct pb_rng {
    uint64_t state;
} pb_rng;

static inline pb_rng pb_rng_make(uint64_t seed)
{
    pb_rng r = { seed ^ 0x9E3779B97F4A7C15ull };
    return r;
}

/* splitmix64: passes BigCrush, one multiply chain, trivially seekable. */
static inline uint64_t pb_rng_next(pb_rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline uint32_t pb_rng_u32(pb_rng *r) { return (uint32_t)(pb_rng_next(r) >> 32); }

/* Uniform in [0, 1) with 24 random bits: exactly representable in fp32. */
static inline float pb_rng_unit(pb_rng *r) { return (float)(pb_rng_next(r) >> 40) * (1.0f / 16777216.0f); }

/* Uniform in [lo, hi). */
static inline float pb_rng_range(pb_rng *r, float lo, float hi) { return lo + (hi - lo) * pb_rng_unit(r); }

/* Uniform double in [0, 1) with 53 random bits. */
static inline double pb_rng_double(pb_rng *r) { return (double)(pb_rng_next(r) >> 11) * (1.0 / 9007199254740992.0); }

#endif
