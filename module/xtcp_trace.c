// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP's tracepoints are instantiated here, once (see xtcp_trace.h for
 * the events and how to use them).
 */
#define CREATE_TRACE_POINTS
#include "xtcp_trace.h"
