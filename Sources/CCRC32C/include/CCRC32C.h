#pragma once
#include <stddef.h>
#include <stdint.h>

/// Extends a CRC-32C (Castagnoli) over `length` bytes. Start with crc = 0.
/// Uses the SSE4.2 `crc32` instruction when the CPU has it, else a table-driven loop.
uint32_t aseed_crc32c_update(uint32_t crc, const void *data, size_t length);

/// 1 when the hardware path is in use, for logs and benchmarks.
int aseed_crc32c_is_hardware(void);
