/* cmd_function.c - functions' commands: FCALL, FCALL_RO and FUNCTION
 * LOAD / LIST / DELETE / FLUSH / DUMP / RESTORE / STATS / KILL / HELP.
 *
 * The rows only, and the arguments' checks in Redis's order: the engine
 * (libraries, the interpreter, the DUMP payload) is function.c. FUNCTION
 * KILL answers as Redis does when nothing runs, which is always the case
 * here: a function runs to its end inside the FCALL that started it. */
#include "cmd.h"
#include "script.h"
#include "function.h"
#include "reply.h"

static void fcall_cmd(struct call *k)
{
    fn_fcall(k, 0);
}

static void fcall_ro_cmd(struct call *k)
{
    fn_fcall(k, 1);
}

static void function_load_cmd(struct call *k)
{
    int replace = 0, at = 2;
    while (at < k->argc - 1) {
        if (!arg_is(k, at, "replace")) {
            reply_errf(k->c, rtext[RT_FN_LOAD_OPTION_FMT], k->argv[at]);
            return;
        }
        replace = 1;
        at++;
    }
    fn_load(k->core, k->c, k->argv[at], k->argl[at], replace);
}

static void function_list_cmd(struct call *k)
{
    int with_code = 0;
    const char *pat = NULL;
    size_t plen = 0;
    for (int i = 2; i < k->argc; i++) {
        if (!with_code && arg_is(k, i, "withcode")) {
            with_code = 1;
            continue;
        }
        if (pat == NULL && arg_is(k, i, "libraryname")) {
            if (i >= k->argc - 1) {
                reply_err(k->c, RT_FN_LIST_NO_NAME);
                return;
            }
            i++;
            pat = k->argv[i];
            plen = k->argl[i];
            continue;
        }
        reply_errf(k->c, rtext[RT_FN_LIST_ARG_FMT], k->argv[i]);
        return;
    }
    fn_list(k->core, k->c, pat, plen, with_code);
}

static void function_delete_cmd(struct call *k)
{
    fn_delete(k->core, k->c, k->argv[2], k->argl[2]);
}

static void function_flush_cmd(struct call *k)
{
    if (k->argc > 3) {
        reply_errf(k->c, rtext[RT_SUBCMD_SYNTAX_FMT], "FLUSH", "FUNCTION");
        return;
    }
    if (k->argc == 3 && !arg_is(k, 2, "sync") && !arg_is(k, 2, "async")) {
        reply_err(k->c, RT_FN_FLUSH_MODE);
        return;
    }
    fn_flush(k->core);
    reply_ok(k->c);
}

static void function_dump_cmd(struct call *k)
{
    fn_dump(k->core, k->c);
}

static void function_restore_cmd(struct call *k)
{
    if (k->argc > 4) {
        reply_errf(k->c, rtext[RT_SUBCMD_SYNTAX_FMT], "RESTORE", "FUNCTION");
        return;
    }
    int policy = 'A';
    if (k->argc == 4) {
        if (arg_is(k, 3, "append"))
            policy = 'A';
        else if (arg_is(k, 3, "replace"))
            policy = 'R';
        else if (arg_is(k, 3, "flush"))
            policy = 'F';
        else {
            reply_err(k->c, RT_FN_RESTORE_POLICY);
            return;
        }
    }
    fn_restore(k->core, k->c, k->argv[2], k->argl[2], policy);
}

static void function_stats_cmd(struct call *k)
{
    fn_stats(k->core, k->c);
}

static void function_kill_cmd(struct call *k)
{
    int why = scr_kill(k->core, 1);
    if (why)
        reply_err(k->c, (enum rtext_id)why);
    else
        reply_ok(k->c);
}

static void function_help_cmd(struct call *k)
{
    static const char *const lines[] = {
        "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME "
        "argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored "
        "using FUNCTION RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a "
        "restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
        "abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
        "replace the old",
        "      libraries with the new libraries (notice that even on this option there is a "
        "chance of failure",
        "      in case of functions name collision with another library).",
        "HELP",
        "    Prints this help.",
    };
    reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

// clang-format off
static struct cmd_def function_subs[] = {
    {.name = "delete", .fn = function_delete_cmd,
     .arity = 3, .rflags = RF_WRITE | RF_NOSCRIPT,
     .acl = CAT_WRITE | CAT_SLOW | CAT_SCRIPTING,
     .tips = "request_policy:all_shards response_policy:all_succeeded",
     .since = "7.0.0", .group = "scripting",
     .complexity = "O(1)",
     ARGS({.name = "library-name", .type = ARG_STRING}),
     .summary = "Deletes a library and its functions."},
    {.name = "dump", .fn = function_dump_cmd,
     .arity = 2, .rflags = RF_NOSCRIPT,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     .since = "7.0.0", .group = "scripting",
     .complexity = "O(N) where N is the number of functions",
     .summary = "Dumps all libraries into a serialized binary payload."},
    {.name = "flush", .fn = function_flush_cmd,
     .arity = -2, .rflags = RF_WRITE | RF_NOSCRIPT,
     .acl = CAT_WRITE | CAT_SLOW | CAT_SCRIPTING,
     .tips = "request_policy:all_shards response_policy:all_succeeded",
     .since = "7.0.0", .group = "scripting",
     .complexity = "O(N) where N is the number of functions deleted",
     ARGS({.name = "async", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "async", .type = ARG_PURE_TOKEN, .token = "ASYNC"},
                   {.name = "sync", .type = ARG_PURE_TOKEN, .token = "SYNC"})}),
     .summary = "Deletes all libraries and functions."},
    {.name = "help", .fn = function_help_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     .since = "7.0.0", .group = "scripting",
     .complexity = "O(1)",
     .summary = "Returns helpful text about the different subcommands."},
    {.name = "kill", .fn = function_kill_cmd,
     .arity = 2, .rflags = RF_NOSCRIPT | RF_ALLOW_BUSY,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     .tips = "request_policy:all_shards response_policy:one_succeeded",
     .since = "7.0.0", .group = "scripting",
     .complexity = "O(1)",
     .summary = "Terminates a function during execution."},
    {.name = "list", .fn = function_list_cmd,
     .arity = -2, .rflags = RF_NOSCRIPT,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     .tips = "nondeterministic_output_order",
     .since = "7.0.0", .group = "scripting",
     .complexity = "O(N) where N is the number of functions",
     ARGS({.name = "library-name-pattern", .type = ARG_STRING, .token = "LIBRARYNAME", .aflags = ARGF_OPTIONAL},
          {.name = "withcode", .type = ARG_PURE_TOKEN, .token = "WITHCODE", .aflags = ARGF_OPTIONAL}),
     .summary = "Returns information about all libraries."},
    {.name = "load", .fn = function_load_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM | RF_NOSCRIPT,
     .acl = CAT_WRITE | CAT_SLOW | CAT_SCRIPTING,
     .tips = "request_policy:all_shards response_policy:all_succeeded",
     .since = "7.0.0", .group = "scripting",
     .complexity = "O(1) (considering compilation time is redundant)",
     ARGS({.name = "replace", .type = ARG_PURE_TOKEN, .token = "REPLACE", .aflags = ARGF_OPTIONAL},
          {.name = "function-code", .type = ARG_STRING}),
     .summary = "Creates a library."},
    {.name = "restore", .fn = function_restore_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM | RF_NOSCRIPT,
     .acl = CAT_WRITE | CAT_SLOW | CAT_SCRIPTING,
     .tips = "request_policy:all_shards response_policy:all_succeeded",
     .since = "7.0.0", .group = "scripting",
     .complexity = "O(N) where N is the number of functions on the payload",
     ARGS({.name = "serialized-value", .type = ARG_STRING},
          {.name = "policy", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "flush", .type = ARG_PURE_TOKEN, .token = "FLUSH"},
                   {.name = "append", .type = ARG_PURE_TOKEN, .token = "APPEND"},
                   {.name = "replace", .type = ARG_PURE_TOKEN, .token = "REPLACE"})}),
     .summary = "Restores all libraries from a payload."},
    {.name = "stats", .fn = function_stats_cmd,
     .arity = 2, .rflags = RF_NOSCRIPT | RF_ALLOW_BUSY,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
     .since = "7.0.0", .group = "scripting",
     .complexity = "O(1)",
     .summary = "Returns information about a function during execution."},
    {.name = NULL},
};
// clang-format on

// clang-format off
struct cmd_def cmd_function_table[] = {
    {.name = "fcall", .fn = fcall_cmd, .flags = CMD_MAY_REPLICATE,
     .arity = -3, .rflags = RF_NOSCRIPT | RF_STALE | RF_SKIP_MONITOR | RF_NO_MANDATORY_KEYS | RF_MOVABLEKEYS,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(2), FK_KEYNUM(0, 1, 1), .notes = "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"}),
     .since = "7.0.0", .group = "scripting",
     .complexity = "Depends on the function that is executed.",
     ARGS({.name = "function", .type = ARG_STRING},
          {.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE},
          {.name = "arg", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Invokes a function."},
    {.name = "fcall_ro", .fn = fcall_ro_cmd,
     .arity = -3, .rflags = RF_READONLY | RF_NOSCRIPT | RF_STALE | RF_SKIP_MONITOR | RF_NO_MANDATORY_KEYS | RF_MOVABLEKEYS,
     .acl = CAT_SLOW | CAT_SCRIPTING,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(2), FK_KEYNUM(0, 1, 1), .notes = "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"}),
     .since = "7.0.0", .group = "scripting",
     .complexity = "Depends on the function that is executed.",
     ARGS({.name = "function", .type = ARG_STRING},
          {.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE},
          {.name = "arg", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Invokes a read-only function."},
    {.name = "function", .subs = function_subs,
     .arity = -2,
     .acl = CAT_SLOW,
     .since = "7.0.0", .group = "scripting",
     .complexity = "Depends on subcommand.",
     .summary = "Groups the commands that manage functions."},
    {.name = NULL},
};
// clang-format on
