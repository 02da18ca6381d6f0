/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Replacement global allocation functions that count what the program allocates. The
// benchmarks are single-threaded, so plain counters serve.

#include "alloc-counter.h"

#include <cstdlib>
#include <new>

namespace
{
uint64_t g_bytes = 0;
uint64_t g_blocks = 0;

void*
Allocate(std::size_t size)
{
    g_bytes += size;
    ++g_blocks;
    if (void* p = std::malloc(size == 0 ? 1 : size))
    {
        return p;
    }
    throw std::bad_alloc();
}
} // namespace

AllocCount
GetAllocCount()
{
    return {g_bytes, g_blocks};
}

void*
operator new(std::size_t size)
{
    return Allocate(size);
}

void*
operator new[](std::size_t size)
{
    return Allocate(size);
}

void
operator delete(void* p) noexcept
{
    std::free(p);
}

void
operator delete[](void* p) noexcept
{
    std::free(p);
}

void
operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}

void
operator delete[](void* p, std::size_t) noexcept
{
    std::free(p);
}
