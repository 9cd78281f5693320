/* parbench's entry point: dispatches the subcommand. `parbench` alone runs the benchmark. */
#include <stdio.h>
#include <string.h>

#include "../core/buildinfo.h"
#include "cli.h"

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
    { "compare", pb_cmd_compare, "is machine B faster than machine A, and where? (two or more result files)" },
};

static void pb_main_help(void)
{
    printf("usage: parbench [COMMAND] [options]\n\n"
           "parbench shows what this machine's parallel hardware does on real, verified workloads\n"
           "(one CPU core, all cores, the GPU) and compares machines with statistics.\n\nCommands:\n");
    for (size_t i = 0; i < sizeof pb_commands / sizeof pb_commands[0]; i++)
        printf("  %-10s %s\n", pb_commands[i].name, pb_commands[i].summary);
    printf("\nWith no command, parbench runs 'run'. 'parbench COMMAND --help' shows a command's options.\n"
           "  --version   print the version\n  --help      show this help\n");
}

/* The one place a status becomes an exit code (README): 0 ok, 2 bad usage or bad input, 1 anything
 * else (a case failed or did not verify, the run was interrupted, a file could not be written). */
static int pb_exit_code(pb_status st)
{
    if (st == PB_OK)
        return 0;
    return st == PB_ERR_USAGE || st == PB_ERR_INPUT ? 2 : 1;
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

int main(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            pb_main_help();
            return 0;
        }
        if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
            printf("parbench %s (%s; backends: %s)\n", pb_build_version(), pb_build_compiler(), pb_build_backends());
            return 0;
        }
        return pb_main_run(&pb_commands[0], argc - 1, argv + 1);
    }
    for (size_t i = 0; i < sizeof pb_commands / sizeof pb_commands[0]; i++)
        if (strcmp(argv[1], pb_commands[i].name) == 0)
            return pb_main_run(&pb_commands[i], argc - 2, argv + 2);
    fprintf(stderr, "parbench: unknown command '%s'; commands are run, list, info, selftest, compare "
                    "(see 'parbench --help')\n", argv[1]);
    return pb_exit_code(PB_ERR_USAGE);
}
