/* mr_err.c - texts for the project's error codes, generated from MR_ERRNO_MAP. */
#include "mr_err.h"

const char *mr_strerror(int code)
{
    switch (code) {
    case MR_OK: return "success";
#define MR__ERR_CASE(name, text)                                                                   \
    case MR_E##name: return text;
        MR_ERRNO_MAP(MR__ERR_CASE)
#undef MR__ERR_CASE
    default: return "unknown error";
    }
}
