/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef NSFAB_ALLOC_COUNTER_H
#define NSFAB_ALLOC_COUNTER_H

#include <cstdint>

/**
 * Bytes and blocks the program has allocated with operator new (every ns-3 Packet, buffer,
 * event and container allocates through it), counted by the replacement operators in
 * alloc-counter.cc, which a benchmark program links in. Read before and after the part
 * measured.
 */
struct AllocCount
{
    uint64_t bytes;
    uint64_t blocks;
};

AllocCount GetAllocCount();

#endif // NSFAB_ALLOC_COUNTER_H
