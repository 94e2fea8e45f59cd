/* The body fingerprint of newsclean._dedupe.minhash, in C.
 *
 * signature(lowered: str) -> bytes | None computes exactly what
 * minhash._signature_py computes (tests/test_dedupe.py compares them):
 *
 *   words     maximal runs of characters c with c.isalnum() or c == '_'  (re's \w)
 *   word hash crc32 of the word's UTF-8 bytes (zlib.crc32)
 *   shingles  three consecutive words (all the words when there are fewer than three):
 *             h = ((w0 * G + w1) * G + w2) mod 2**64, then splitmix64's finaliser
 *   MinHash   one permutation hashing: bin = h >> 58 (64 bins), keep the least h & (2**58-1)
 *   output    per bin the top 16 of those 58 bits, little-endian; an empty bin takes the
 *             value of the next filled bin to its right (circularly) plus 0x9E37 per step
 *             (densification by rotation, Shrivastava & Li 2014)
 *
 * None when the text has no word.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define BINS 64
#define VALUE_MASK ((UINT64_C(1) << 58) - 1)
#define GOLDEN UINT64_C(0x9E3779B97F4A7C15)
#define EMPTY UINT64_MAX

static uint32_t crc_table[256];
static unsigned char ascii_word[128]; /* re's \w for ASCII: letters, digits, '_' */

static void crc_init(void) {
    for (int ch = 0; ch < 128; ch++)
        ascii_word[ch] = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
                         (ch >= 'A' && ch <= 'Z') || ch == '_';
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static inline uint32_t crc_byte(uint32_t c, unsigned char b) {
    return crc_table[(c ^ b) & 0xFF] ^ (c >> 8);
}

/* crc32 update with the UTF-8 bytes of one code point (surrogates as 3 bytes) */
static inline uint32_t crc_code_point(uint32_t c, Py_UCS4 ch) {
    if (ch < 0x80) return crc_byte(c, (unsigned char)ch);
    if (ch < 0x800) {
        c = crc_byte(c, (unsigned char)(0xC0 | (ch >> 6)));
        return crc_byte(c, (unsigned char)(0x80 | (ch & 0x3F)));
    }
    if (ch < 0x10000) {
        c = crc_byte(c, (unsigned char)(0xE0 | (ch >> 12)));
        c = crc_byte(c, (unsigned char)(0x80 | ((ch >> 6) & 0x3F)));
        return crc_byte(c, (unsigned char)(0x80 | (ch & 0x3F)));
    }
    c = crc_byte(c, (unsigned char)(0xF0 | (ch >> 18)));
    c = crc_byte(c, (unsigned char)(0x80 | ((ch >> 12) & 0x3F)));
    c = crc_byte(c, (unsigned char)(0x80 | ((ch >> 6) & 0x3F)));
    return crc_byte(c, (unsigned char)(0x80 | (ch & 0x3F)));
}

static inline uint64_t finalise(uint64_t z) {
    z ^= z >> 30;
    z *= UINT64_C(0xBF58476D1CE4E5B9);
    z ^= z >> 27;
    z *= UINT64_C(0x94D049BB133111EB);
    z ^= z >> 31;
    return z;
}

static inline void add_shingle(uint64_t *mins, uint64_t h) {
    h = finalise(h);
    unsigned bin = (unsigned)(h >> 58);
    uint64_t v = h & VALUE_MASK;
    if (v < mins[bin]) mins[bin] = v;
}

static PyObject *signature(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "signature() takes a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    uint64_t mins[BINS];
    for (int i = 0; i < BINS; i++) mins[i] = EMPTY;

    uint64_t w[3] = {0, 0, 0}; /* the last three word hashes, oldest first */
    Py_ssize_t words = 0;
    int in_word = 0;
    uint32_t crc = 0;
    for (Py_ssize_t i = 0; i <= n; i++) {
        int word_char = 0;
        Py_UCS4 ch = 0;
        if (i < n) {
            ch = PyUnicode_READ(kind, data, i);
            word_char = ch < 128 ? ascii_word[ch] : Py_UNICODE_ISALNUM(ch);
        }
        if (word_char) {
            if (!in_word) {
                in_word = 1;
                crc = 0xFFFFFFFFu;
            }
            crc = crc_code_point(crc, ch);
        } else if (in_word) {
            in_word = 0;
            w[0] = w[1];
            w[1] = w[2];
            w[2] = (uint64_t)(crc ^ 0xFFFFFFFFu);
            words++;
            if (words >= 3) add_shingle(mins, (w[0] * GOLDEN + w[1]) * GOLDEN + w[2]);
        }
    }
    if (words == 0) Py_RETURN_NONE;
    if (words < 3) {
        /* all the words as one shingle: w holds them right-aligned, zeros before */
        add_shingle(mins, (w[0] * GOLDEN + w[1]) * GOLDEN + w[2]);
    }
    unsigned char out[2 * BINS];
    for (int b = 0; b < BINS; b++) {
        uint64_t v = EMPTY;
        unsigned step = 0;
        for (int t = 0; t < BINS; t++) {
            uint64_t m = mins[(b + t) % BINS];
            if (m != EMPTY) {
                v = m;
                step = (unsigned)t;
                break;
            }
        }
        unsigned value = (unsigned)(((v >> 42) + (uint64_t)step * 0x9E37u) & 0xFFFFu);
        out[2 * b] = (unsigned char)(value & 0xFF);
        out[2 * b + 1] = (unsigned char)(value >> 8);
    }
    return PyBytes_FromStringAndSize((const char *)out, 2 * BINS);
}

static PyObject *matches(PyObject *self, PyObject *args) {
    Py_buffer a, b;
    if (!PyArg_ParseTuple(args, "y*y*", &a, &b)) return NULL;
    Py_ssize_t len = a.len < b.len ? a.len : b.len;
    const unsigned char *x = a.buf, *y = b.buf;
    long equal = 0;
    for (Py_ssize_t i = 0; i + 1 < len; i += 2) equal += x[i] == y[i] && x[i + 1] == y[i + 1];
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    return PyLong_FromLong(equal);
}

static PyMethodDef methods[] = {
    {"signature", signature, METH_O, "The 64-bin MinHash signature (128 bytes) of lowered text."},
    {"matches", matches, METH_VARARGS, "How many 16-bit slots two signatures share."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_minhash", "Body fingerprints in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__minhash(void) {
    crc_init();
    return PyModule_Create(&module);
}
