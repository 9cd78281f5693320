/* parbench's entry point: dispatches the subcommand. `parbench` alone runs the benchmark. */
#include <stdio.h>
#include <string.h>

#include "../core/buildinfo.h"
#include "cli.h"
#include "opts.h"

typedef struct pb_command {
    const char *name;
    pb_status (*fn)(int argc, char **argv, pb_msg *msg);
    const char *summary;
} pb_command;

static const pb_command pb_commands[] = {
    { "run", pb_cmd_run, "measure every workload on one core, all cores and the GPU; save a result file" },
    { "list", pb_cmd_list, "workloads, backends and devices found here (and how to add missing ones)" },
    { "info", pb_cmd_info, "this machine's fingerprint" },
    { "selftest", pb_cmd_selftest, "every backend x workload at tiny size, verified: one pass/fail table" },
    { "scale", pb_cmd_scale, "speed-up over 1..all CPU threads, parallel efficiency and an Amdahl fit" },
    { "compare", pb_cmd_compare, "is machine B faster than machine A, and where? (two or more result files)" },
    { "sweep", pb_cmd_sweep, "sizes tiny..standard: where the GPU overtakes the CPU end to end (a sweep, prints only)" },
    { "report", pb_cmd_report, "one self-contained HTML page with charts from one or more result files" },
};

/* The one place a status becomes an exit code (README): 0 ok, 2 bad usage or bad input, 1 anything
 * else (a case failed or did not verify, the run was interrupted, a file could not be written). */
static int pb_exit_code(pb_status st)
{
    if (st == PB_OK)
        return 0;
    return st == PB_ERR_USAGE || st == PB_ERR_INPUT ? 2 : 1;
}

static void pb_main_help(void)
{
    printf("usage: parbench [COMMAND] [options]\n\n"
           "parbench shows what this machine's parallel hardware does on real, verified workloads\n"
           "(one CPU core, all cores, the GPU) and compares machines with statistics.\n\nCommands:\n");
    for (size_t i = 0; i < sizeof pb_commands / sizeof pb_commands[0]; i++)
        printf("  %-10s %s\n", pb_commands[i].name, pb_commands[i].summary);
    printf("\nWith no command, parbench runs 'run'. 'parbench help COMMAND' (or 'parbench COMMAND --help')\n"
           "shows a command's options.\n"
           "  -V, --version   print the version (also: parbench version)\n"
           "  -h, --help      show this help (also: parbench help)\n");
}

static int pb_main_version(void)
{
    printf("parbench %s (%s; backends: %s)\n", pb_build_version(), pb_build_compiler(), pb_build_backends());
    return 0;
}

static const pb_command *pb_main_find(const char *name)
{
    for (size_t i = 0; i < sizeof pb_commands / sizeof pb_commands[0]; i++)
        if (strcmp(name, pb_commands[i].name) == 0)
            return &pb_commands[i];
    return NULL;
}

/* An unknown command, with the nearest one when it looks like a typo. */
static int pb_main_unknown(const char *word)
{
    const char *names[sizeof pb_commands / sizeof pb_commands[0] + 2];
    int n = 0;
    for (size_t i = 0; i < sizeof pb_commands / sizeof pb_commands[0]; i++)
        names[n++] = pb_commands[i].name;
    names[n++] = "help";
    names[n++] = "version";
    const char *near = pb_opts_nearest(word, names, n);
    if (near)
        fprintf(stderr, "parbench: unknown command '%s'; did you mean '%s'?\n", word, near);
    else
        fprintf(stderr, "parbench: unknown command '%s'; commands are run, list, info, selftest, scale, compare, sweep, "
                        "report "
                        "(see 'parbench help')\n", word);
    return pb_exit_code(PB_ERR_USAGE);
}

/* Runs a command; its message, when it has one, goes to stderr as "parbench CMD: ...". */
static int pb_main_run(const pb_command *cmd, int argc, char **argv)
{
    pb_msg msg = { "" };
    pb_status st = cmd->fn(argc, argv, &msg);
    if (st != PB_OK && msg.text[0])
        fprintf(stderr, "parbench %s: %s\n", cmd->name, msg.text);
    return pb_exit_code(st);
}

/* "parbench help [COMMAND]": the overview, or the command's own --help. */
static int pb_main_help_command(int argc, char **argv)
{
    if (argc < 3) {
        pb_main_help();
        return 0;
    }
    const pb_command *cmd = pb_main_find(argv[2]);
    if (!cmd)
        return pb_main_unknown(argv[2]);
    char help[] = "--help";
    char *args[] = { help, NULL };
    return pb_main_run(cmd, 1, args);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return pb_main_help_command(1, argv);
    if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0 ||
                      strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "version") == 0))
        return pb_main_version();
    if (argc >= 2 && strcmp(argv[1], "help") == 0)
        return pb_main_help_command(argc, argv);
    if (argc < 2 || argv[1][0] == '-')
        return pb_main_run(&pb_commands[0], argc - 1, argv + 1);
    const pb_command *cmd = pb_main_find(argv[1]);
    return cmd ? pb_main_run(cmd, argc - 2, argv + 2) : pb_main_unknown(argv[1]);
}
