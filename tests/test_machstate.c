/* The machine-state sensor: the /proc and /sys parsers on canned text (old kernels, missing fields,
 * garbage), the arithmetic between hand-made readings (including counters that go backwards and
 * empty windows), the disturbance rule, and a live reading around a 50 ms busy loop. */
#include "../src/core/machstate.h"
#include "../src/core/timer.h"
#include "pbtest.h"

#include <math.h>
#include <string.h>

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

/* ---- /proc/stat ------------------------------------------------------------------------------ */

/* The first lines of /proc/stat on a 2-CPU Linux 6.x VM. */
static const char stat_modern[] = "cpu  14144 1839 5833 64869 1720 0 219 793 0 0\n"
                                  "cpu0 7072 920 2916 32434 860 0 110 396 0 0\n"
                                  "cpu1 7072 919 2917 32435 860 0 109 397 0 0\n"
                                  "intr 1234567 0 9 0\n"
                                  "ctxt 7654321\n";

static void test_proc_stat_modern(void)
{
    unsigned long long busy = 0, total = 0, steal = 0;
    CHECK(pb_state_parse_proc_stat(stat_modern, &busy, &total, &steal) == 10);
    /* busy: user + nice + system + irq + softirq; total adds idle, iowait and steal. */
    CHECK_MSG(busy == 14144 + 1839 + 5833 + 0 + 219, "busy %llu", busy);
    CHECK_MSG(total == busy + 64869 + 1720 + 793, "total %llu", total);
    CHECK(steal == 793);
}

static void test_proc_stat_old_kernels(void)
{
    unsigned long long busy = 1, total = 1, steal = 1;
    /* Before 2.5.41: user nice system idle only. */
    CHECK(pb_state_parse_proc_stat("cpu  100 20 30 400\ncpu0 50 10 15 200\n", &busy, &total, &steal) == 4);
    CHECK(busy == 150 && total == 550 && steal == 0);
    /* 2.5.41 .. 2.6.10: iowait, irq and softirq, but no steal. */
    steal = 1;
    CHECK(pb_state_parse_proc_stat("cpu  100 20 30 400 5 6 7\n", &busy, &total, &steal) == 7);
    CHECK_MSG(busy == 100 + 20 + 30 + 6 + 7, "busy %llu", busy);
    CHECK_MSG(total == busy + 400 + 5, "total %llu", total);
    CHECK(steal == 0);
    /* 2.6.11 .. 2.6.23: steal, no guest. */
    CHECK(pb_state_parse_proc_stat("cpu  100 20 30 400 5 6 7 8\n", &busy, &total, &steal) == 8);
    CHECK(steal == 8 && total == 163 + 400 + 5 + 8);
}

static void test_proc_stat_edges(void)
{
    unsigned long long busy = 0, total = 0, steal = 0;
    /* A newer kernel's extra counter is ignored; the known ten still count. */
    CHECK(pb_state_parse_proc_stat("cpu  1 2 3 4 5 6 7 8 9 10 11\n", &busy, &total, &steal) == 10);
    CHECK(busy == 1 + 2 + 3 + 6 + 7 && total == busy + 4 + 5 + 8 && steal == 8);
    /* No final newline: the 4 KiB read can end anywhere after the first line. */
    CHECK(pb_state_parse_proc_stat("cpu  1 2 3 4", &busy, &total, &steal) == 4);
    CHECK(busy == 6 && total == 10);
    /* Tabs as separators, and the aggregate line after another line. */
    CHECK(pb_state_parse_proc_stat("intr 5\ncpu\t1\t2\t3\t4\n", &busy, &total, &steal) == 4);
    CHECK(total == 10);

    /* A 4 KiB read of a big machine's /proc/stat: the per-CPU lines are cut off mid-line. */
    char big[4096];
    size_t len = (size_t)snprintf(big, sizeof big, "cpu  10 0 10 80 0 0 0 0 0 0\n");
    for (int i = 0; len + 40 < sizeof big; i++)
        len += (size_t)snprintf(big + len, sizeof big - len, "cpu%d 1 0 1 8 0 0 0 0 0 0\n", i);
    big[len - 7] = '\0';
    CHECK(pb_state_parse_proc_stat(big, &busy, &total, &steal) == 10);
    CHECK(busy == 20 && total == 100);
}

static void test_proc_stat_garbage(void)
{
    static const char *const bad[] = {
        "",
        "hello\n",
        "cpu0 1 2 3 4\n",                      /* one CPU's line, not the aggregate */
        "cpu  1 2 3\n",                        /* too few counters */
        "cpu  1 2 x 4\n",
        "cpu  1 2 3 4x\n",                     /* junk glued to a counter */
        "cpu  1 2 3 4 junk\n",
        "cpu  -1 2 3 4\n",                     /* counters have no sign */
        "cpu  99999999999999999999999 1 2 3\n", /* overflow */
        "cpu  1152921504606846976 1 2 3\n",    /* 2^60: sums could overflow */
        "cpu\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unsigned long long busy = 777, total = 777, steal = 777;
        CHECK_MSG(pb_state_parse_proc_stat(bad[i], &busy, &total, &steal) == 0, "accepted \"%s\"", bad[i]);
        CHECK_MSG(busy == 777 && total == 777 && steal == 777, "outputs written for \"%s\"", bad[i]);
    }
    unsigned long long busy = 777, total = 777, steal = 777;
    CHECK(pb_state_parse_proc_stat(NULL, &busy, &total, &steal) == 0);
}

/* ---- sysfs values and names ------------------------------------------------------------------ */

static void test_khz(void)
{
    CHECK(NEAR(pb_state_parse_khz("2400000\n"), 2400.0));
    CHECK(NEAR(pb_state_parse_khz("800000"), 800.0));
    CHECK(NEAR(pb_state_parse_khz(" 3504000 \n"), 3504.0));
    static const char *const bad[] = { "",     "\n",  "<unknown>\n", "0\n",
                                       "-100", "12ab", "1.5",        "99999999999999999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(pb_state_parse_khz(bad[i]) == -1, "\"%s\" gave %g", bad[i], pb_state_parse_khz(bad[i]));
    CHECK(pb_state_parse_khz(NULL) == -1);
}

static void test_millideg(void)
{
    CHECK(NEAR(pb_state_parse_millideg("45000\n"), 45.0));
    CHECK(NEAR(pb_state_parse_millideg("-5000\n"), -5.0));
    CHECK(NEAR(pb_state_parse_millideg("62500"), 62.5));
    CHECK(NEAR(pb_state_parse_millideg("200000"), 200.0)); /* the limits are plausible */
    CHECK(NEAR(pb_state_parse_millideg("-50000"), -50.0));
    static const char *const bad[] = { "200001", "-50001", "-273150", "2147483647", "", "45.5", "abc", "45000 C" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(pb_state_parse_millideg(bad[i]) == -1, "\"%s\" gave %g", bad[i], pb_state_parse_millideg(bad[i]));
}

static void test_thermal_names(void)
{
    CHECK_STR(pb_state_thermal_name(0), "nominal");
    CHECK_STR(pb_state_thermal_name(1), "moderate");
    CHECK_STR(pb_state_thermal_name(2), "heavy");
    CHECK_STR(pb_state_thermal_name(3), "trapping");
    CHECK_STR(pb_state_thermal_name(4), "sleeping");
    CHECK_STR(pb_state_thermal_name(-1), "");
    CHECK_STR(pb_state_thermal_name(5), "");
    CHECK_STR(pb_state_thermal_name(20), ""); /* iOS's spacing of the same levels */
}

/* ---- between two hand-made readings ---------------------------------------------------------- */

/* 4 CPUs at 100 ticks per second, with the instant's readings set so copying can be seen. */
static pb_state_snap snap(double wall, double self, unsigned long long busy, unsigned long long total,
                          unsigned long long steal)
{
    pb_state_snap s;
    memset(&s, 0, sizeof s);
    s.wall_s = wall;
    s.self_cpu_s = self;
    s.busy_ticks = busy;
    s.total_ticks = total;
    s.steal_ticks = steal;
    s.have_ticks = s.have_steal = 1;
    s.tick_s = 0.01;
    s.ncpus = 4;
    s.load1 = 1.5;
    s.freq_mhz = 3000;
    s.temp_c = 55;
    strcpy(s.thermal, "nominal");
    return s;
}

/* A 1 s window on 4 CPUs: 400 ticks of capacity, 100 of them busy (1 s), 0.6 s of it ours, 20
 * stolen. */
static void test_between_arithmetic(void)
{
    pb_state_snap a = snap(100.0, 5.0, 1000, 10000, 50), b = snap(101.0, 5.6, 1100, 10400, 70);
    b.load1 = 2.25;
    b.freq_mhz = 2800;
    b.temp_c = 71.5;
    strcpy(b.thermal, "heavy");
    pb_round_state st;
    pb_state_between(&a, &b, &st);
    CHECK(NEAR(st.seconds, 1.0));
    CHECK_MSG(NEAR(st.other_cpu, 0.1), "other %g", st.other_cpu);
    CHECK_MSG(NEAR(st.steal, 0.05), "steal %g", st.steal);
    CHECK_MSG(NEAR(st.resolution, (4 + 2) * 0.01 / 4.0), "resolution %g", st.resolution);
    /* The end's readings. */
    CHECK(st.load1 == 2.25 && st.freq_mhz == 2800 && st.temp_c == 71.5);
    CHECK_STR(st.thermal, "heavy");
}

static int all_tick_shares_unknown(const pb_round_state *st)
{
    return st->other_cpu == -1 && st->steal == -1 && st->resolution == -1;
}

static void test_between_backwards_counters(void)
{
    pb_state_snap a = snap(100.0, 5.0, 1000, 10000, 50);
    pb_round_state st;
    pb_state_snap b = snap(101.0, 5.6, 999, 10400, 70);
    pb_state_between(&a, &b, &st);
    CHECK(all_tick_shares_unknown(&st));
    CHECK(NEAR(st.seconds, 1.0));
    CHECK(st.load1 == 1.5); /* the rest is still reported */
    b = snap(101.0, 5.6, 1100, 9999, 70);
    pb_state_between(&a, &b, &st);
    CHECK(all_tick_shares_unknown(&st));
    b = snap(101.0, 5.6, 1100, 10400, 49);
    pb_state_between(&a, &b, &st);
    CHECK(all_tick_shares_unknown(&st));
}

static void test_between_empty_window(void)
{
    pb_state_snap a = snap(100.0, 5.0, 1000, 10000, 50);
    pb_round_state st;
    pb_state_between(&a, &a, &st);
    CHECK(st.seconds == 0);
    CHECK(all_tick_shares_unknown(&st)); /* not NaN, not a division by zero */
    /* Snaps passed the wrong way round. */
    pb_state_snap b = snap(101.0, 5.6, 1100, 10400, 70);
    pb_state_between(&b, &a, &st);
    CHECK(st.seconds == -1);
    CHECK(all_tick_shares_unknown(&st));
}

static void test_between_missing_parts(void)
{
    pb_state_snap a = snap(100.0, 5.0, 1000, 10000, 50), b = snap(101.0, 5.6, 1100, 10400, 70);
    pb_round_state st;
    a.have_ticks = 0;
    pb_state_between(&a, &b, &st);
    CHECK(all_tick_shares_unknown(&st));
    a.have_ticks = 1;
    a.have_steal = 0; /* a kernel without steal, or macOS */
    pb_state_between(&a, &b, &st);
    CHECK(st.steal == -1);
    CHECK(NEAR(st.other_cpu, 0.1) && st.resolution > 0);
    a.have_steal = 1;
    a.ncpus = 8; /* a CPU came online: the counters do not describe one set of CPUs */
    pb_state_between(&a, &b, &st);
    CHECK(all_tick_shares_unknown(&st));
    a.ncpus = 4;
    a.tick_s = 0;
    pb_state_between(&a, &b, &st);
    CHECK(all_tick_shares_unknown(&st));
}

static void test_between_counters_must_add_up(void)
{
    pb_round_state st;
    /* 100 ticks (1 CPU-second) counted over 4 CPU-seconds: the counters are another machine's. */
    pb_state_snap a = snap(100.0, 5.0, 1000, 10000, 50), b = snap(101.0, 5.6, 1050, 10100, 50);
    pb_state_between(&a, &b, &st);
    CHECK(all_tick_shares_unknown(&st));
    /* 800 ticks over 4 CPU-seconds: too many. */
    b = snap(101.0, 5.6, 1050, 10800, 50);
    pb_state_between(&a, &b, &st);
    CHECK(all_tick_shares_unknown(&st));
    /* 410 ticks: within a tick per CPU of 400. */
    b = snap(101.0, 5.6, 1100, 10410, 50);
    pb_state_between(&a, &b, &st);
    CHECK(NEAR(st.other_cpu, 0.1));
}

static void test_between_clamps(void)
{
    pb_round_state st;
    /* Our own exact CPU time above the sampled machine-wide busy time: 0, not negative. */
    pb_state_snap a = snap(100.0, 5.0, 1000, 10000, 50), b = snap(101.0, 7.0, 1100, 10400, 50);
    pb_state_between(&a, &b, &st);
    CHECK_MSG(st.other_cpu == 0, "other %g", st.other_cpu);
    CHECK(st.steal == 0);
    /* 480 busy ticks over 4 CPU-seconds (sampling noise): 1, not 1.2. */
    b = snap(101.0, 5.0, 1480, 10480, 50);
    pb_state_between(&a, &b, &st);
    CHECK_MSG(st.other_cpu == 1, "other %g", st.other_cpu);
}

/* ---- the disturbance rule -------------------------------------------------------------------- */

static pb_round_state shares(double other, double steal, double resolution)
{
    pb_round_state s;
    memset(&s, 0, sizeof s);
    s.seconds = 1;
    s.other_cpu = other;
    s.steal = steal;
    s.resolution = resolution;
    return s;
}

static void test_disturbed_threshold(void)
{
    char why[96] = "stale";
    pb_round_state s = shares(0.14, 0.0, 0.01);
    CHECK(pb_state_disturbed(&s, 0.10, why, sizeof why) == 1);
    CHECK_STR(why, "other work took 14% of the CPU");
    s = shares(0.09, 0.0, 0.01);
    CHECK(pb_state_disturbed(&s, 0.10, why, sizeof why) == 0);
    CHECK_STR(why, "");
    s = shares(0.10, 0.0, 0.01); /* "exceeds": equal is not enough */
    CHECK(pb_state_disturbed(&s, 0.10, why, sizeof why) == 0);
    s = shares(0.0, 0.09, 0.01);
    CHECK(pb_state_disturbed(&s, 0.05, why, sizeof why) == 1);
    CHECK_STR(why, "the hypervisor took 9% (steal)");
    /* The known parts add up: 6% + 6% is over 10%. */
    s = shares(0.06, 0.06, 0.01);
    CHECK(pb_state_disturbed(&s, 0.10, why, sizeof why) == 1);
    CHECK_STR(why, "other work took 6% of the CPU, the hypervisor 6% (steal)");
    s = shares(0.004, 0.0, 0.001);
    CHECK(pb_state_disturbed(&s, 0.003, why, sizeof why) == 1);
    CHECK_STR(why, "other work took 0.4% of the CPU");
}

static void test_disturbed_resolution(void)
{
    char why[96];
    /* 14% over a window whose counters resolve 8%: 2 x 8% = 16% is needed. */
    pb_round_state s = shares(0.14, 0.0, 0.08);
    CHECK(pb_state_disturbed(&s, 0.10, why, sizeof why) == 0);
    s = shares(0.17, 0.0, 0.08);
    CHECK(pb_state_disturbed(&s, 0.10, why, sizeof why) == 1);
    /* A part below the resolution is not named. */
    s = shares(0.17, 0.02, 0.08);
    CHECK(pb_state_disturbed(&s, 0.10, why, sizeof why) == 1);
    CHECK_STR(why, "other work took 17% of the CPU");
}

static void test_disturbed_unknowns(void)
{
    char why[96] = "stale";
    pb_round_state s = shares(-1, -1, -1);
    CHECK(pb_state_disturbed(&s, 0.10, why, sizeof why) == 0);
    CHECK_STR(why, "");
    s = shares(-1, 0.12, 0.01); /* steal alone, other unknown */
    CHECK(pb_state_disturbed(&s, 0.10, why, sizeof why) == 1);
    CHECK_STR(why, "the hypervisor took 12% (steal)");
    s = shares(0.5, -1, -1); /* no resolution: nothing to judge by */
    CHECK(pb_state_disturbed(&s, 0.10, why, sizeof why) == 0);
    s = shares(0.5, -1, 0.01);
    CHECK(pb_state_disturbed(&s, 0.10, NULL, 0) == 1);
    char tiny[8];
    CHECK(pb_state_disturbed(&s, 0.10, tiny, sizeof tiny) == 1);
    CHECK_STR(tiny, "other w");
}

/* ---- live ------------------------------------------------------------------------------------ */

/* One window around a 50 ms busy loop. */
static void busy_window(pb_state_snap *a, pb_state_snap *b, pb_round_state *st)
{
    pb_state_read(a);
    volatile double x = 1.0;
    double t0 = pb_time_now();
    while (pb_time_now() - t0 < 0.05)
        x = x * 1.0000001 + 1e-9;
    pb_state_read(b);
    pb_state_between(a, b, st);
}

static void test_live_busy_loop(void)
{
    pb_state_snap a, b;
    pb_round_state st;
    /* On an overloaded VM a 50 ms window's counters now and then do not add up (the kernel charges
     * a late tick's worth at once) and the shares are rightly unknown: allow three tries. */
    for (int tries = 0; tries < 3; tries++) {
        busy_window(&a, &b, &st);
        if (st.other_cpu != -1)
            break;
    }
    CHECK(b.ncpus >= 1 && b.tick_s > 0 && b.tick_s <= 0.1);
    CHECK_MSG(st.seconds >= 0.05 && st.seconds < 1.0, "seconds %g", st.seconds);
    /* Under load the loop may get little of the CPU, but some. */
    double own = b.self_cpu_s - a.self_cpu_s;
    CHECK_MSG(own > 0 && own <= b.ncpus * st.seconds + 0.01, "own CPU %g s", own);
    CHECK(st.load1 == -1 || st.load1 >= 0);
    CHECK(st.freq_mhz == -1 || st.freq_mhz > 0);
    CHECK(st.temp_c == -1 || (st.temp_c >= -50 && st.temp_c <= 200));
#if defined(__linux__)
    CHECK(b.have_ticks && b.have_steal);
    CHECK_MSG(st.other_cpu >= 0 && st.other_cpu <= 1, "other %g", st.other_cpu);
    CHECK_MSG(st.steal >= 0 && st.steal <= 1, "steal %g", st.steal);
    CHECK_MSG(st.resolution > 0, "resolution %g", st.resolution);
    CHECK(st.load1 >= 0);
    CHECK_STR(st.thermal, "");
#elif defined(__APPLE__)
    CHECK(b.have_ticks && !b.have_steal);
    CHECK(st.other_cpu >= 0 && st.other_cpu <= 1);
    CHECK(st.steal == -1);
    CHECK(st.freq_mhz == -1);
#endif
}

static const pbtest_case cases[] = {
    { "proc_stat_modern", test_proc_stat_modern },
    { "proc_stat_old_kernels", test_proc_stat_old_kernels },
    { "proc_stat_edges", test_proc_stat_edges },
    { "proc_stat_garbage", test_proc_stat_garbage },
    { "khz", test_khz },
    { "millideg", test_millideg },
    { "thermal_names", test_thermal_names },
    { "between_arithmetic", test_between_arithmetic },
    { "between_backwards_counters", test_between_backwards_counters },
    { "between_empty_window", test_between_empty_window },
    { "between_missing_parts", test_between_missing_parts },
    { "between_counters_must_add_up", test_between_counters_must_add_up },
    { "between_clamps", test_between_clamps },
    { "disturbed_threshold", test_disturbed_threshold },
    { "disturbed_resolution", test_disturbed_resolution },
    { "disturbed_unknowns", test_disturbed_unknowns },
    { "live_busy_loop", test_live_busy_loop },
};

PBTEST_MAIN(cases)
