/* Ctrl-C during a measurement: the first one asks the runner to stop after the case in hand (what
 * was measured is kept and saved), a second one ends the program at once. */
#include <signal.h>

#include "cli.h"

static volatile sig_atomic_t pb_interrupt_flag;

static void pb_on_sigint(int sig)
{
    (void)sig;
    pb_interrupt_flag = 1;
    signal(SIGINT, SIG_DFL);
}

volatile sig_atomic_t *pb_cli_interrupt_flag(void)
{
    return &pb_interrupt_flag;
}

void pb_cli_interrupt_catch(void)
{
    pb_interrupt_flag = 0;
    signal(SIGINT, pb_on_sigint);
}

void pb_cli_interrupt_release(void)
{
    signal(SIGINT, SIG_DFL);
}

int pb_cli_interrupted(void)
{
    return pb_interrupt_flag != 0;
}
