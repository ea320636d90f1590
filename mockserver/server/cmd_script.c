/* cmd_script.c - scripting commands: EVAL EVALSHA EVAL_RO EVALSHA_RO and
 * SCRIPT LOAD / EXISTS / FLUSH / KILL / HELP.
 *
 * The rows only: the engine (the interpreter, the cache, what a script may
 * do) is script.c. SCRIPT KILL reaches a script only once it is busy
 * (past busy-reply-threshold, script.h): before that no other client's
 * command runs. SCRIPT DEBUG NO is accepted; YES and SYNC are refused
 * with an error of ours: mockredis has no Lua debugger. */
#include "cmd.h"
#include "reply.h"
#include "script.h"

static void eval_cmd(struct call *k)
{
    scr_eval(k, 0, 0);
}

static void evalsha_cmd(struct call *k)
{
    scr_eval(k, 1, 0);
}

static void eval_ro_cmd(struct call *k)
{
    scr_eval(k, 0, 1);
}

static void evalsha_ro_cmd(struct call *k)
{
    scr_eval(k, 1, 1);
}

static void script_load_cmd(struct call *k)
{
    char sha[41];
    if (scr_load(k->core, k->c, k->argv[2], k->argl[2], sha) == 0)
        reply_bulk(k->c, sha, 40);
}

static void script_exists_cmd(struct call *k)
{
    reply_array(k->c, k->argc - 2);
    for (int i = 2; i < k->argc; i++)
        reply_int(k->c, scr_exists(k->core, k->argv[i], k->argl[i]));
}

static void script_flush_cmd(struct call *k)
{
    if (k->argc > 3 || (k->argc == 3 && !arg_is(k, 2, "sync") && !arg_is(k, 2, "async"))) {
        reply_err(k->c, RT_SCRIPT_FLUSH_MODE);
        return;
    }
    scr_flush(k->core);
    reply_ok(k->c);
}

static void script_debug_cmd(struct call *k)
{
    if (arg_is(k, 2, "no"))
        reply_ok(k->c);
    else if (arg_is(k, 2, "yes") || arg_is(k, 2, "sync"))
        reply_err(k->c, RT_SCRIPT_NO_DEBUGGER);
    else
        reply_err(k->c, RT_SCRIPT_DEBUG_MODE);
}

static void script_kill_cmd(struct call *k)
{
    int why = scr_kill(k->core, 0);
    if (why)
        reply_err(k->c, (enum rtext_id)why);
    else
        reply_ok(k->c);
}

static void script_help_cmd(struct call *k)
{
    static const char *const lines[] = {
        "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

// clang-format off
static struct cmd_def script_subs[] = {
    {.name = "debug", .fn = script_debug_cmd,
     .arity = 3, .rflags = RF_NOSCRIPT,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     .since = "3.2.0", .group = "scripting",
     .complexity = "O(1)",
     ARGS({.name = "mode", .type = ARG_ONEOF,
           SUBARGS({.name = "yes", .type = ARG_PURE_TOKEN, .token = "YES"},
                   {.name = "sync", .type = ARG_PURE_TOKEN, .token = "SYNC"},
                   {.name = "no", .type = ARG_PURE_TOKEN, .token = "NO"})}),
     .summary = "Sets the debug mode of the scripts that follow."},
    {.name = "exists", .fn = script_exists_cmd,
     .arity = -3, .rflags = RF_NOSCRIPT,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     .tips = "request_policy:all_shards response_policy:agg_logical_and",
     .since = "2.6.0", .group = "scripting",
     .complexity = "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
     ARGS({.name = "sha1", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Tells whether scripts are in the script cache."},
    {.name = "flush", .fn = script_flush_cmd,
     .arity = -2, .rflags = RF_NOSCRIPT,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     .tips = "request_policy:all_nodes response_policy:all_succeeded",
     .since = "2.6.0", .group = "scripting",
     .complexity = "O(N) with N being the number of scripts in cache",
     ARGS({.name = "async", .type = ARG_ONEOF, .since = "6.2.0", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "async", .type = ARG_PURE_TOKEN, .token = "ASYNC"},
                   {.name = "sync", .type = ARG_PURE_TOKEN, .token = "SYNC"})}),
     .summary = "Empties the script cache."},
    {.name = "help", .fn = script_help_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     .since = "5.0.0", .group = "scripting",
     .complexity = "O(1)",
     .summary = "Returns helpful text about the different subcommands."},
    {.name = "kill", .fn = script_kill_cmd,
     .arity = 2, .rflags = RF_NOSCRIPT | RF_ALLOW_BUSY,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     .tips = "request_policy:all_shards response_policy:one_succeeded",
     .since = "2.6.0", .group = "scripting",
     .complexity = "O(1)",
     .summary = "Stops the script that is running."},
    {.name = "load", .fn = script_load_cmd,
     .arity = 3, .rflags = RF_NOSCRIPT | RF_STALE,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     .tips = "request_policy:all_nodes response_policy:all_succeeded",
     .since = "2.6.0", .group = "scripting",
     .complexity = "O(N) with N being the length in bytes of the script body.",
     ARGS({.name = "script", .type = ARG_STRING}),
     .summary = "Loads a script into the script cache without running it."},
    {.name = NULL},
};
// clang-format on

// clang-format off
struct cmd_def cmd_script_table[] = {
    {.name = "eval", .fn = eval_cmd, .flags = CMD_MAY_REPLICATE,
     .arity = -3, .rflags = RF_NOSCRIPT | RF_STALE | RF_SKIP_MONITOR | RF_NO_MANDATORY_KEYS | RF_MOVABLEKEYS,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(2), FK_KEYNUM(0, 1, 1), .notes = "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"}),
     .since = "2.6.0", .group = "scripting",
     .complexity = "Depends on the script that is executed.",
     ARGS({.name = "script", .type = ARG_STRING},
          {.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE},
          {.name = "arg", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Runs a Lua script on the server."},
    {.name = "evalsha", .fn = evalsha_cmd, .flags = CMD_MAY_REPLICATE,
     .arity = -3, .rflags = RF_NOSCRIPT | RF_STALE | RF_SKIP_MONITOR | RF_NO_MANDATORY_KEYS | RF_MOVABLEKEYS,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(2), FK_KEYNUM(0, 1, 1)}),
     .since = "2.6.0", .group = "scripting",
     .complexity = "Depends on the script that is executed.",
     ARGS({.name = "sha1", .type = ARG_STRING},
          {.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE},
          {.name = "arg", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Runs a cached Lua script, named by its SHA1 digest."},
    {.name = "eval_ro", .fn = eval_ro_cmd,
     .arity = -3, .rflags = RF_READONLY | RF_NOSCRIPT | RF_STALE | RF_SKIP_MONITOR | RF_NO_MANDATORY_KEYS | RF_MOVABLEKEYS,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(2), FK_KEYNUM(0, 1, 1), .notes = "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"}),
     .since = "7.0.0", .group = "scripting",
     .complexity = "Depends on the script that is executed.",
     ARGS({.name = "script", .type = ARG_STRING},
          {.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE},
          {.name = "arg", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Runs a Lua script that may not write."},
    {.name = "evalsha_ro", .fn = evalsha_ro_cmd,
     .arity = -3, .rflags = RF_READONLY | RF_NOSCRIPT | RF_STALE | RF_SKIP_MONITOR | RF_NO_MANDATORY_KEYS | RF_MOVABLEKEYS,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(2), FK_KEYNUM(0, 1, 1)}),
     .since = "7.0.0", .group = "scripting",
     .complexity = "Depends on the script that is executed.",
     ARGS({.name = "sha1", .type = ARG_STRING},
          {.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE},
          {.name = "arg", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Runs a cached Lua script that may not write, named by its SHA1 digest."},
    {.name = "script", .subs = script_subs,
     .arity = -2,
     .acl = CAT_SLOW,
     .since = "2.6.0", .group = "scripting",
     .complexity = "Depends on subcommand.",
     .summary = "Groups the commands that manage the script cache."},
    {.name = NULL},
};
// clang-format on
