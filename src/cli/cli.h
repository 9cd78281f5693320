/* The command-line interface: one function per subcommand, and the pieces they share. Only this
 * layer prints to the user; main.c alone turns statuses into exit codes (0 ok, 1 a case failed,
 * 2 bad usage or bad input). */
#ifndef PB_CLI_H
#define PB_CLI_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "../backends/backend.h"
#include "../results/result.h"
#include "session.h"

#define PB_MAX_THREAD_COUNTS 32

typedef struct pb_run_config {
    pb_preset preset;
    int workloads[PB_WL_COUNT];     /* 1 = chosen */
    const char *backends[PB_MAX_BACKENDS];
    int nbackends;                  /* 0 = all */
    char *devices;                  /* --device list, applied once the backends are open; NULL = all */
    int threads[PB_MAX_THREAD_COUNTS];
    int nthreads;
    int all_threads;
    int each_core_type;             /* --each-core-type: cpu-p and cpu-e at every thread count */
    double min_time;                /* 0 = the preset's default */
    int rounds, max_rounds;         /* 0 = the preset's default */
    uint64_t order_seed;            /* seeds the shuffled order of each round */
    int order_seed_set;
    const char *label;
    const char *output;
    int no_save;
    uint64_t seed;
    int wide;                       /* --wide: every column of the table */
} pb_run_config;

/* One planned case: a workload on a backend slot with one variant. */
typedef struct pb_plan_item {
    pb_workload_id id;
    int slot;
    pb_variant variant;
} pb_plan_item;

/* The cases of one command, as many as the backends list. Zero-initialised it is empty. */
typedef struct pb_planned_list {
    pb_plan_item *items;
    int n, room;
} pb_planned_list;
void pb_planned_list_free(pb_planned_list *plan); /* accepts NULL */

/* The subcommands. Each takes the arguments after its name and returns a status with, on failure,
 * what went wrong in `msg` (empty when the command already said it, e.g. a failed case in the
 * table); main alone turns the status into the exit code. */
pb_status pb_cmd_run(int argc, char **argv, pb_msg *msg);
pb_status pb_cmd_list(int argc, char **argv, pb_msg *msg);
pb_status pb_cmd_info(int argc, char **argv, pb_msg *msg);
pb_status pb_cmd_selftest(int argc, char **argv, pb_msg *msg);
pb_status pb_cmd_compare(int argc, char **argv, pb_msg *msg);
pb_status pb_cmd_sweep(int argc, char **argv, pb_msg *msg);
pb_status pb_cmd_scale(int argc, char **argv, pb_msg *msg);
pb_status pb_cmd_report(int argc, char **argv, pb_msg *msg);
/* --threshold's percentage ("5", "5%") as a fraction, for compare and report. */
pb_status pb_cli_parse_threshold(const char *text, double *out, pb_msg *msg);

/* Parses `run` options (exposed for tests). */
pb_status pb_run_parse(int argc, char **argv, pb_run_config *cfg, int *help, pb_msg *msg);

/* Plans workload x backend x variant, in workload order, into `plan` (emptied first; free it with
 * pb_planned_list_free). Nothing is left out unsaid: where a backend lists more variants than
 * PB_VARIANTS_BOUND, a line on `notes` (may be NULL) names the backend and workload. PB_ERR_NOMEM
 * when memory runs out. */
pb_status pb_cli_plan(const pb_session *session, const int *workloads, const pb_variant_request *req,
                      int include_cpu_devices, FILE *notes, pb_planned_list *plan, pb_msg *msg);

/* "cpu cpu-all (2 threads)" / "opencl gpu dev0 own". */
void pb_cli_variant_name(const pb_backend_slot *slot, const pb_variant *v, char *out, size_t size);

/* The results table printed after a run, fitted to `width` columns: every column when they fit,
 * else the essential ones with a device's standing against all cores on a line of its own. */
void pb_cli_print_table(const pb_resultset *set, int width, FILE *out);
/* Prints text (lines ended by newlines) wrapped at spaces to `width` columns, continuation lines
 * indented by two. */
void pb_cli_print_wrapped(const char *text, int width, FILE *out);
int pb_cli_any_failed(const pb_resultset *set);

/* Under the table: how many rounds, which cases' rounds still disagreed, which were disturbed. */
struct pb_rounds_summary;
void pb_cli_print_rounds(const pb_resultset *set, const struct pb_rounds_summary *sum, int width, FILE *out);

/* Ctrl-C during a measurement: catch resets the flag and installs the handler (the first Ctrl-C
 * sets the flag, a second ends the program), release restores the default; the flag is what
 * pb_runner_opts.interrupted points to. */
volatile sig_atomic_t *pb_cli_interrupt_flag(void);
void pb_cli_interrupt_catch(void);
void pb_cli_interrupt_release(void);
int pb_cli_interrupted(void); /* 1 after a Ctrl-C since the last catch */

/* Current UTC time as ISO 8601 ("2026-11-27T06:45:00Z") and as a file-name stamp. Either may be NULL. */
void pb_cli_utc_now(char *iso, size_t iso_size, char *stamp, size_t stamp_size);
/* Decides a result file's path (`output`, else results/<label>-<stamp>.json with the label made
 * safe for a file name) and checks, before anything is measured, that it can be written. */
pb_status pb_cli_output_path(const char *output, const char *label, const char *stamp, char *path, size_t size,
                             pb_msg *msg);
/* The result file's build fields (version, compiler, flags, backends) from this build, and the command
 * line: "parbench COMMAND ARGV...". */
void pb_cli_fill_build(pb_resultset *set, const char *command, int argc, char **argv);
/* The running machine's facts, labelled `label` (NULL: its host name, else "machine"). */
void pb_cli_read_machine(pb_machine *m, const char *label);
/* One device record per device of every open backend of `session`, with its facts. */
void pb_cli_record_devices(pb_resultset *set, const pb_session *session);

#endif
