// CRC-32C as used by Kafka's RecordBatch v2 (reflected polynomial 0x82F63B78).
// Hardware path: the SSE4.2 crc32 instruction, 8 bytes per step. Software path:
// slicing-by-8 tables built once. Both produce identical results.
#include "CCRC32C.h"
#include <string.h>

#define POLY 0x82F63B78u

static uint32_t table[8][256];
static int table_ready = 0;

static void build_tables(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ POLY : c >> 1;
        table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        for (int t = 1; t < 8; t++) {
            table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
        }
    }
    __atomic_store_n(&table_ready, 1, __ATOMIC_RELEASE);
}

static uint32_t crc32c_software(uint32_t crc, const uint8_t *p, size_t n) {
    if (!__atomic_load_n(&table_ready, __ATOMIC_ACQUIRE)) build_tables();
    crc = ~crc;
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        word ^= crc;
        crc = table[7][word & 0xff] ^ table[6][(word >> 8) & 0xff] ^
              table[5][(word >> 16) & 0xff] ^ table[4][(word >> 24) & 0xff] ^
              table[3][(word >> 32) & 0xff] ^ table[2][(word >> 40) & 0xff] ^
              table[1][(word >> 48) & 0xff] ^ table[0][word >> 56];
        p += 8;
        n -= 8;
    }
    while (n--) crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
    return ~crc;
}

#if defined(__x86_64__)
#include <nmmintrin.h>

// The crc32 instruction has a latency of three cycles but a throughput of one per cycle, so
// one dependency chain leaves two thirds of it idle. Large inputs are cut into rounds of
// three lanes of LANE bytes, processed in parallel, then joined: the register after lanes
// A, B, C is shift(A, 2 LANE) ^ shift(B, LANE) ^ C, where shift(r, n) is the register r
// advanced over n zero bytes. That map is linear in r, so it is four 256-entry tables per
// shift distance, built once from the instruction itself.
#define LANE 4096

static uint32_t shift_lane[4][256];
static uint32_t shift_two_lanes[4][256];
static int shift_tables_ready = 0;

__attribute__((target("sse4.2")))
static uint32_t advance_over_zeros(uint32_t r, size_t n) {
    uint64_t c = r;
    for (size_t i = 0; i < n / 8; i++) c = _mm_crc32_u64(c, 0);
    return (uint32_t)c;
}

static void build_shift_table(uint32_t table[4][256], size_t distance) {
    uint32_t basis[32];
    for (int bit = 0; bit < 32; bit++) basis[bit] = advance_over_zeros(1u << bit, distance);
    for (int k = 0; k < 4; k++) {
        for (uint32_t b = 0; b < 256; b++) {
            uint32_t value = 0;
            for (int bit = 0; bit < 8; bit++) {
                if (b & (1u << bit)) value ^= basis[8 * k + bit];
            }
            table[k][b] = value;
        }
    }
}

static void build_shift_tables(void) {
    build_shift_table(shift_lane, LANE);
    build_shift_table(shift_two_lanes, 2 * LANE);
    __atomic_store_n(&shift_tables_ready, 1, __ATOMIC_RELEASE);
}

static inline uint32_t shift_by(uint32_t table[4][256], uint32_t r) {
    return table[0][r & 0xff] ^ table[1][(r >> 8) & 0xff] ^ table[2][(r >> 16) & 0xff] ^ table[3][r >> 24];
}

__attribute__((target("sse4.2")))
static uint32_t crc32c_hardware(uint32_t crc, const uint8_t *p, size_t n) {
    uint64_t c = ~crc;
    if (n >= 3 * LANE) {
        if (!__atomic_load_n(&shift_tables_ready, __ATOMIC_ACQUIRE)) build_shift_tables();
        while (n >= 3 * LANE) {
            uint64_t a = c, b = 0, d = 0;
            for (size_t i = 0; i < LANE; i += 8) {
                uint64_t wa, wb, wd;
                memcpy(&wa, p + i, 8);
                memcpy(&wb, p + LANE + i, 8);
                memcpy(&wd, p + 2 * LANE + i, 8);
                a = _mm_crc32_u64(a, wa);
                b = _mm_crc32_u64(b, wb);
                d = _mm_crc32_u64(d, wd);
            }
            c = shift_by(shift_two_lanes, (uint32_t)a) ^ shift_by(shift_lane, (uint32_t)b) ^ (uint32_t)d;
            p += 3 * LANE;
            n -= 3 * LANE;
        }
    }
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        c = _mm_crc32_u64(c, word);
        p += 8;
        n -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (n--) c32 = _mm_crc32_u8(c32, *p++);
    return ~c32;
}

static int has_sse42(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("sse4.2") ? 1 : 0;
    }
    return cached;
}

uint32_t aseed_crc32c_update(uint32_t crc, const void *data, size_t length) {
    if (has_sse42()) return crc32c_hardware(crc, (const uint8_t *)data, length);
    return crc32c_software(crc, (const uint8_t *)data, length);
}

int aseed_crc32c_is_hardware(void) { return has_sse42(); }

#else

uint32_t aseed_crc32c_update(uint32_t crc, const void *data, size_t length) {
    return crc32c_software(crc, (const uint8_t *)data, length);
}

int aseed_crc32c_is_hardware(void) { return 0; }

#endif
