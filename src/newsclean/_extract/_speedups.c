/*
 * newsclean._extract._speedups: the native extractor's two mechanical walks in C, and the
 * DOM stage's semantic passes (dom_never, dom_strip; boilerplate.py is their reference, see
 * the section "the DOM stage's semantic passes").
 *
 * native.py is the reference: _Stats.measure (the post-order stats walk, with the class/id
 * vocabulary callbacks) and _Writer (walk/inner/block/flush, _pre_text, _is_data_table,
 * _table) are mirrored here step by step, and every decision that is a heuristic stays in
 * Python (the vocabulary is called back; the tag sets come from native.py through
 * configure()). The walks read lexbor's tree through the struct fields in _lexbor.h, starting
 * from selectolax's LexborNode.mem_id (the lxb_dom_node_t address).
 *
 * A change to those Python walks (or to boilerplate.py's passes) must be made here too:
 * tests/test_speedups.py fails on one (a digest of their source) until it is, and compares both paths on fixtures and random
 * markup; benchmarks/parity.py compares them on every WCXB dev page.
 *
 * Text semantics follow Python's: lengths are code points after str.strip() (Unicode
 * whitespace, Py_UNICODE_ISSPACE), text is decoded from UTF-8 with "replace" exactly where
 * selectolax decodes it, and whitespace is collapsed by PyUnicode_Split / PyUnicode_Join.
 *
 * Recursion goes through Py_EnterRecursiveCall, so a tree deeper than Python's recursion
 * limit raises RecursionError rather than overflowing the C stack (native.py gives measure
 * its own limit, past which the walk stops with the tree untouched and Python takes over).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <string.h>

#include "_lexbor.h"

/* ---- configuration (set once by configure()) -------------------------------------- */

/* Flag bits, from native.py's tag sets; the role sits above them (see ROLES). */
enum {
    F_INLINE = 1 << 0,
    F_SKIP = 1 << 1,
    F_SCORED = 1 << 2,
    F_TEXT_CONTAINER = 1 << 3,
    F_NO_VOCABULARY = 1 << 4,
    F_NEVER_PRUNED = 1 << 5,
    F_LINK_FARM = 1 << 6,
    ROLE_SHIFT = 8,
    /* the DOM stage's tag sets (boilerplate.py), above the role */
    F_NEVER_TAG = 1 << 16,
    F_SCAN_TAG = 1 << 17,
    F_NOSCRIPT = 1 << 18,
    F_HEADER = 1 << 19,
    F_CHROME_TAG = 1 << 20,
    F_CONTENT_TAG = 1 << 21,
    F_FORM = 1 << 22,
    F_INPUT = 1 << 23,
    F_SIGNUP_STOP = 1 << 24,
    F_TOP = 1 << 25,
    F_BODY = 1 << 26,
};

/* Tags the code names one by one; index = role (0: none). Exposed as ROLES. */
static const char *const ROLE_NAMES[] = {
    "",   "a",  "br", "img", "hr", "pre", "table", "li",      "dt", "dd", "blockquote",
    "p",  "td", "th", "tr",  "div", "article", "h1", "h2", "h3", "h4", "h5", "h6", "form",
};
enum {
    R_NONE, R_A, R_BR, R_IMG, R_HR, R_PRE, R_TABLE, R_LI, R_DT, R_DD, R_BLOCKQUOTE,
    R_P, R_TD, R_TH, R_TR, R_DIV, R_ARTICLE, R_H1, R_H2, R_H3, R_H4, R_H5, R_H6, R_FORM,
    R_COUNT
};

#define TABLE_SIZE 1024 /* lexbor's static tag ids are small; custom ids are pointers */

typedef struct {
    PyObject *name; /* NULL: not known yet */
    unsigned int flags;
} TagInfo;

static TagInfo tag_table[TABLE_SIZE];
static PyObject *name_flags = NULL; /* dict: tag name -> flags (tags native.py names) */
static uintptr_t text_id = 0;
static int configured = 0;
static lxb_dom_node_remove_f node_remove = NULL;
static lxb_dom_element_qualified_name_f element_qualified_name = NULL;
static lxb_dom_attr_qualified_name_f attr_qualified_name = NULL;
static lxb_dom_attr_value_noi_f attr_value = NULL;
static PyObject *raw_block = NULL; /* body.RawBlock */

/* Block kinds (native.py's BlockKind values). */
enum { K_PARAGRAPH, K_HEADING, K_LIST_ITEM, K_QUOTE, K_CODE, K_TABLE, K_COUNT };
static const char *const KIND_NAMES[] = {"paragraph", "heading", "list_item",
                                         "quote",     "code",    "table"};
static PyObject *kind_str[K_COUNT];
static PyObject *str_space = NULL;      /* " " */
static PyObject *str_newline = NULL;    /* "\n" */
static PyObject *str_bar = NULL;        /* " | " */
static PyObject *str_empty = NULL;      /* "" */
static PyObject *str_seen = NULL;       /* "seen" */
static PyObject *str_category_of = NULL;
static PyObject *str_class_words = NULL;
static PyObject *str_words = NULL;
static PyObject *str_phrases = NULL;
static PyObject *str_categories = NULL;
static PyObject *str_removable_at = NULL;
static PyObject *str_lower = NULL;

/* ---- small byte buffer --------------------------------------------------------------- */

typedef struct {
    char *data;
    Py_ssize_t size;
    Py_ssize_t capacity;
} Buffer;

static int
buffer_reserve(Buffer *b, Py_ssize_t extra)
{
    if (b->size + extra <= b->capacity) {
        return 0;
    }
    Py_ssize_t capacity = b->capacity ? b->capacity : 256;
    while (capacity < b->size + extra) {
        capacity *= 2;
    }
    char *data = PyMem_Realloc(b->data, (size_t)capacity);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    b->data = data;
    b->capacity = capacity;
    return 0;
}

static int
buffer_append(Buffer *b, const char *data, Py_ssize_t length)
{
    if (length <= 0) {
        return 0;
    }
    if (buffer_reserve(b, length) < 0) {
        return -1;
    }
    memcpy(b->data + b->size, data, (size_t)length);
    b->size += length;
    return 0;
}

static void
buffer_free(Buffer *b)
{
    PyMem_Free(b->data);
    b->data = NULL;
    b->size = b->capacity = 0;
}

/* ---- UTF-8 ------------------------------------------------------------------------ */

/* Decode one code point as Python's strict UTF-8 decoder would; -1 when invalid. */
static inline Py_UCS4
utf8_next(const unsigned char *s, Py_ssize_t length, Py_ssize_t *i)
{
    Py_ssize_t at = *i;
    unsigned char c = s[at];
    if (c < 0x80) {
        *i = at + 1;
        return c;
    }
    Py_ssize_t need;
    Py_UCS4 cp;
    unsigned char low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1F;
    }
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0F;
        if (c == 0xE0) {
            low = 0xA0;
        }
        else if (c == 0xED) {
            high = 0x9F;
        }
    }
    else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07;
        if (c == 0xF0) {
            low = 0x90;
        }
        else if (c == 0xF4) {
            high = 0x8F;
        }
    }
    else {
        return (Py_UCS4)-1;
    }
    if (at + need >= length) {
        return (Py_UCS4)-1; /* truncated */
    }
    for (Py_ssize_t k = 1; k <= need; k++) {
        unsigned char d = s[at + k];
        if (k == 1 ? (d < low || d > high) : (d < 0x80 || d > 0xBF)) {
            return (Py_UCS4)-1;
        }
        cp = (cp << 6) | (d & 0x3F);
    }
    *i = at + need + 1;
    return cp;
}

static int
utf8_valid(const unsigned char *s, Py_ssize_t length)
{
    Py_ssize_t i = 0;
    while (i < length) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        if (utf8_next(s, length, &i) == (Py_UCS4)-1) {
            return 0;
        }
    }
    return 1;
}

/* len(text.strip()) and text.count(","), for text decoded with "replace"; -1 on error.
 * One pass validates the UTF-8 and counts code points and commas (eight ASCII bytes at a
 * time where it can); the stripped whitespace is then read from both ends. */
static Py_ssize_t
stripped_length(const unsigned char *s, Py_ssize_t length, Py_ssize_t *commas)
{
    const uint64_t high_bits = 0x8080808080808080ULL;
    const uint64_t low_bits = 0x7F7F7F7F7F7F7F7FULL;
    const uint64_t all_commas = 0x2C2C2C2C2C2C2C2CULL;
    Py_ssize_t i = 0, count = 0, comma_count = 0;
    while (i < length) {
        if (i + 8 <= length) {
            uint64_t block;
            memcpy(&block, s + i, 8);
            if ((block & high_bits) == 0) {
                /* a high bit per byte that is not a comma (exact: no carry across bytes) */
                uint64_t other = block ^ all_commas;
                uint64_t found = ~(((other & low_bits) + low_bits) | other) & high_bits;
                while (found) {
                    comma_count++;
                    found &= found - 1;
                }
                count += 8;
                i += 8;
                continue;
            }
        }
        if (s[i] < 0x80) {
            comma_count += s[i] == ',';
            count++;
            i++;
            continue;
        }
        if (utf8_next(s, length, &i) == (Py_UCS4)-1) {
            /* invalid bytes: let Python decode them, as selectolax does */
            PyObject *text = PyUnicode_DecodeUTF8((const char *)s, length, "replace");
            if (text == NULL) {
                return -1;
            }
            Py_ssize_t n = PyUnicode_GET_LENGTH(text);
            int kind = PyUnicode_KIND(text);
            const void *data = PyUnicode_DATA(text);
            Py_ssize_t first = -1, last = -1;
            comma_count = 0;
            for (Py_ssize_t k = 0; k < n; k++) {
                Py_UCS4 ch = PyUnicode_READ(kind, data, k);
                if (ch == ',') {
                    comma_count++;
                }
                if (!Py_UNICODE_ISSPACE(ch)) {
                    if (first < 0) {
                        first = k;
                    }
                    last = k;
                }
            }
            Py_DECREF(text);
            if (commas != NULL) {
                *commas = comma_count;
            }
            return first < 0 ? 0 : last - first + 1;
        }
        count++;
    }
    if (commas != NULL) {
        *commas = comma_count;
    }
    /* valid UTF-8 from here: whitespace code points off the front, then off the back */
    Py_ssize_t at = 0;
    while (at < length) {
        Py_ssize_t next = at;
        Py_UCS4 cp = utf8_next(s, length, &next); /* Py_UNICODE_ISSPACE reads it twice */
        if (!Py_UNICODE_ISSPACE(cp)) {
            break;
        }
        at = next;
        count--;
    }
    if (at == length) {
        return 0; /* all whitespace */
    }
    Py_ssize_t end = length;
    while (end > at) {
        Py_ssize_t start = end - 1;
        while (start > at && (s[start] & 0xC0) == 0x80) {
            start--; /* back to the first byte of the last code point */
        }
        Py_ssize_t next = start;
        Py_UCS4 cp = utf8_next(s, length, &next);
        if (!Py_UNICODE_ISSPACE(cp)) {
            break;
        }
        end = start;
        count--;
    }
    return count;
}

/* Append a text node's data as selectolax's text_content gives it (decoded with
 * "replace"), optionally with newlines as spaces. */
static int
append_text(Buffer *b, const unsigned char *s, Py_ssize_t length, int newline_to_space)
{
    if (length <= 0) {
        return 0;
    }
    const char *data = (const char *)s;
    PyObject *fixed = NULL;
    if (!utf8_valid(s, length)) {
        fixed = PyUnicode_DecodeUTF8((const char *)s, length, "replace");
        if (fixed == NULL) {
            return -1;
        }
        data = PyUnicode_AsUTF8AndSize(fixed, &length);
        if (data == NULL) {
            Py_DECREF(fixed);
            return -1;
        }
    }
    Py_ssize_t start = b->size;
    int status = buffer_append(b, data, length);
    Py_XDECREF(fixed);
    if (status < 0) {
        return -1;
    }
    if (newline_to_space) {
        for (Py_ssize_t k = start; k < b->size; k++) {
            if (b->data[k] == '\n') {
                b->data[k] = ' ';
            }
        }
    }
    return 0;
}

/* Append " ".join(text.split()) of valid UTF-8 `s` to `b`: runs of Unicode whitespace
 * (Py_UNICODE_ISSPACE, as str.split() uses) become one space, none at the ends. */
static int
collapse_utf8(Buffer *b, const unsigned char *s, Py_ssize_t length)
{
    /* the output is never longer than the input */
    if (buffer_reserve(b, length) < 0) {
        return -1;
    }
    char *out = b->data + b->size;
    char *const first = out;
    Py_ssize_t i = 0;
    int pending_space = 0;
    while (i < length) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if (Py_UNICODE_ISSPACE(c)) {
                pending_space = out != first;
            }
            else {
                if (pending_space) {
                    *out++ = ' ';
                    pending_space = 0;
                }
                *out++ = (char)c;
            }
            i++;
            continue;
        }
        Py_ssize_t at = i;
        Py_UCS4 cp = utf8_next(s, length, &i);
        if (cp == (Py_UCS4)-1) {
            PyErr_SetString(PyExc_ValueError, "collapse_utf8: invalid UTF-8");
            return -1;
        }
        if (Py_UNICODE_ISSPACE(cp)) {
            pending_space = out != first;
            continue;
        }
        if (pending_space) {
            *out++ = ' ';
            pending_space = 0;
        }
        while (at < i) {
            *out++ = (char)s[at++];
        }
    }
    b->size = out - b->data;
    return 0;
}

/* Valid UTF-8 for `s` as Python decodes it with "replace": `s` itself, or the re-encoded
 * text in *holder (a new reference the caller releases). */
static const unsigned char *
valid_utf8(const unsigned char *s, Py_ssize_t *length, PyObject **holder)
{
    *holder = NULL;
    if (utf8_valid(s, *length)) {
        return s;
    }
    *holder = PyUnicode_DecodeUTF8((const char *)s, *length, "replace");
    if (*holder == NULL) {
        return NULL;
    }
    return (const unsigned char *)PyUnicode_AsUTF8AndSize(*holder, length);
}

/* " ".join(text.split()) */
static PyObject *
collapse(PyObject *text)
{
    PyObject *parts = PyUnicode_Split(text, NULL, -1);
    if (parts == NULL) {
        return NULL;
    }
    PyObject *joined = PyUnicode_Join(str_space, parts);
    Py_DECREF(parts);
    return joined;
}

/* ---- nodes ------------------------------------------------------------------------- */

static inline lxb_dom_node_t *
node_at(unsigned long long mem_id)
{
    return (lxb_dom_node_t *)(uintptr_t)mem_id;
}

static inline int
is_text(const lxb_dom_node_t *node)
{
    return node->local_name == text_id;
}

/* A text node's data (selectolax's text_content): NULL when it has none. */
static inline const lexbor_str_t *
text_data(const lxb_dom_node_t *node)
{
    if (node->type != LXB_DOM_NODE_TYPE_TEXT) {
        return NULL;
    }
    const lexbor_str_t *str = &((const lxb_dom_character_data_t *)node)->data;
    return str->data != NULL ? str : NULL;
}

/* The element's tag name (new reference) and flags, as LexborNode.tag names it; *name is
 * NULL for a node that native.py does not treat as an element (its tag is None or starts
 * with "-"). Returns -1 on error. */
static int
element_info(lxb_dom_node_t *node, PyObject **name, unsigned int *flags)
{
    *name = NULL;
    *flags = 0;
    if (node->type != LXB_DOM_NODE_TYPE_ELEMENT) {
        return 0;
    }
    lxb_dom_element_t *element = (lxb_dom_element_t *)node;
    uintptr_t id = node->local_name;
    int cacheable = element->qualified_name == 0 && id < TABLE_SIZE;
    if (cacheable && tag_table[id].name != NULL) {
        *name = Py_NewRef(tag_table[id].name);
        *flags = tag_table[id].flags;
        return 0;
    }
    size_t length = 0;
    const lxb_char_t *raw = element_qualified_name(element, &length);
    if (raw == NULL || length == 0 || raw[0] == '-') {
        return 0;
    }
    PyObject *tag = PyUnicode_DecodeUTF8((const char *)raw, (Py_ssize_t)length, "replace");
    if (tag == NULL) {
        return -1;
    }
    PyObject *value = PyDict_GetItemWithError(name_flags, tag);
    if (value == NULL && PyErr_Occurred()) {
        Py_DECREF(tag);
        return -1;
    }
    unsigned int bits = value != NULL ? (unsigned int)PyLong_AsUnsignedLong(value) : 0;
    if (cacheable) {
        PyUnicode_InternInPlace(&tag);
        tag_table[id].name = Py_NewRef(tag);
        tag_table[id].flags = bits;
    }
    *name = tag;
    *flags = bits;
    return 0;
}

static inline int
role_of(unsigned int flags)
{
    return (int)((flags >> ROLE_SHIFT) & 0xFF); /* the DOM stage's bits sit above */
}

/* Pre-order successor of `node` inside `root`'s subtree (root itself excluded). */
static inline lxb_dom_node_t *
next_in(lxb_dom_node_t *node, lxb_dom_node_t *root)
{
    if (node->first_child != NULL) {
        return node->first_child;
    }
    while (node != root && node->next == NULL) {
        node = node->parent;
    }
    return node == root ? NULL : node->next;
}

/* The attribute's value decoded (new reference): None when valueless, NULL (no error) when
 * absent. `name` is compared as selectolax's attributes dict keys are (exact bytes) when
 * exact, else ASCII case-insensitively (as attrs[...] does). */
static PyObject *
attribute(lxb_dom_node_t *node, const char *name, int exact, int last)
{
    size_t name_length = strlen(name);
    lxb_dom_attr_t *found = NULL;
    for (lxb_dom_attr_t *attr = ((lxb_dom_element_t *)node)->first_attr; attr != NULL;
         attr = attr->next) {
        size_t length = 0;
        const lxb_char_t *qualified = attr_qualified_name(attr, &length);
        if (qualified == NULL || length != name_length) {
            continue;
        }
        int equal = exact ? memcmp(qualified, name, length) == 0
                          : PyOS_strnicmp((const char *)qualified, name, length) == 0;
        if (equal) {
            found = attr;
            if (!last) {
                break;
            }
        }
    }
    if (found == NULL) {
        return NULL;
    }
    size_t length = 0;
    const lxb_char_t *value = attr_value(found, &length);
    if (value == NULL) {
        Py_RETURN_NONE;
    }
    return PyUnicode_DecodeUTF8((const char *)value, (Py_ssize_t)length, "replace");
}

/* The raw value of the last attribute named exactly `name` (as the attributes dict keeps
 * it): 1 found with a value, 0 absent or valueless. */
static int
raw_attribute(lxb_dom_node_t *node, const char *name, size_t name_length,
              const lxb_char_t **value, size_t *value_length)
{
    lxb_dom_attr_t *found = NULL;
    for (lxb_dom_attr_t *attr = ((lxb_dom_element_t *)node)->first_attr; attr != NULL;
         attr = attr->next) {
        size_t length = 0;
        const lxb_char_t *qualified = attr_qualified_name(attr, &length);
        if (qualified != NULL && length == name_length && memcmp(qualified, name, length) == 0) {
            found = attr;
        }
    }
    if (found == NULL) {
        return 0;
    }
    *value = attr_value(found, value_length);
    return *value != NULL;
}

static PyObject *marker_of_slow(lxb_dom_node_t *node);

/* class_and_id(node): f"{class or ''} {id or ''}".lower() (new reference). ASCII values are
 * joined and lower-cased here; anything else goes through Python's str.lower(). */
static PyObject *
marker_of(lxb_dom_node_t *node)
{
    if (((lxb_dom_element_t *)node)->first_attr == NULL) {
        return Py_NewRef(str_space);
    }
    const lxb_char_t *values[2] = {NULL, NULL};
    size_t lengths[2] = {0, 0};
    raw_attribute(node, "class", 5, &values[0], &lengths[0]);
    raw_attribute(node, "id", 2, &values[1], &lengths[1]);
    if (lengths[0] == 0 && lengths[1] == 0) {
        return Py_NewRef(str_space);
    }
    Py_ssize_t total = (Py_ssize_t)(lengths[0] + 1 + lengths[1]);
    PyObject *result = PyUnicode_New(total, 127);
    if (result == NULL) {
        return NULL;
    }
    Py_UCS1 *out = PyUnicode_1BYTE_DATA(result);
    Py_ssize_t at = 0;
    for (int k = 0; k < 2; k++) {
        if (k == 1) {
            out[at++] = ' ';
        }
        for (size_t i = 0; i < lengths[k]; i++) {
            lxb_char_t c = values[k][i];
            if (c >= 0x80) {
                Py_DECREF(result);
                return marker_of_slow(node);
            }
            out[at++] = (c >= 'A' && c <= 'Z') ? (Py_UCS1)(c + 32) : c;
        }
    }
    return result;
}

static PyObject *
marker_of_slow(lxb_dom_node_t *node)
{
    PyObject *values[2] = {NULL, NULL};
    const char *names[2] = {"class", "id"};
    int any = 0;
    for (int k = 0; k < 2; k++) {
        values[k] = attribute(node, names[k], 1, 1);
        if (values[k] == NULL && PyErr_Occurred()) {
            Py_XDECREF(values[0]);
            return NULL;
        }
        if (values[k] == Py_None) {
            Py_CLEAR(values[k]);
        }
        if (values[k] != NULL && PyUnicode_GET_LENGTH(values[k]) > 0) {
            any = 1;
        }
    }
    if (!any) {
        Py_XDECREF(values[0]);
        Py_XDECREF(values[1]);
        return Py_NewRef(str_space);
    }
    PyObject *parts = PyList_New(0);
    PyObject *result = NULL;
    if (parts == NULL) {
        goto done;
    }
    if (PyList_Append(parts, values[0] ? values[0] : str_empty) < 0 ||
        PyList_Append(parts, values[1] ? values[1] : str_empty) < 0) {
        goto done;
    }
    PyObject *joined = PyUnicode_Join(str_space, parts);
    if (joined == NULL) {
        goto done;
    }
    if (PyUnicode_IS_ASCII(joined)) {
        /* ASCII lower-casing equals str.lower() on ASCII text */
        Py_ssize_t n = PyUnicode_GET_LENGTH(joined);
        const Py_UCS1 *src = PyUnicode_1BYTE_DATA(joined);
        int upper = 0;
        for (Py_ssize_t k = 0; k < n; k++) {
            if (src[k] >= 'A' && src[k] <= 'Z') {
                upper = 1;
                break;
            }
        }
        if (!upper) {
            result = joined;
            goto done;
        }
        result = PyUnicode_New(n, 127);
        if (result != NULL) {
            Py_UCS1 *dst = PyUnicode_1BYTE_DATA(result);
            for (Py_ssize_t k = 0; k < n; k++) {
                dst[k] = (src[k] >= 'A' && src[k] <= 'Z') ? (Py_UCS1)(src[k] + 32) : src[k];
            }
        }
        Py_DECREF(joined);
    }
    else {
        result = PyObject_CallMethodNoArgs(joined, str_lower);
        Py_DECREF(joined);
    }
done:
    Py_XDECREF(parts);
    Py_XDECREF(values[0]);
    Py_XDECREF(values[1]);
    return result;
}

/* len(node.text(deep=True, separator=" ", strip=True)); -1 on error. */
static Py_ssize_t
separated_text_length(lxb_dom_node_t *root)
{
    Py_ssize_t total = 0, pieces = 0;
    for (lxb_dom_node_t *node = root->first_child; node != NULL; node = next_in(node, root)) {
        if (!is_text(node)) {
            continue;
        }
        const lexbor_str_t *str = &((const lxb_dom_character_data_t *)node)->data;
        if (str->data == NULL) {
            continue;
        }
        Py_ssize_t n = stripped_length(str->data, (Py_ssize_t)str->length, NULL);
        if (n < 0) {
            return -1;
        }
        total += n;
        pieces++;
    }
    return pieces ? total + pieces - 1 : 0;
}

/* Detach `root` and every node below it, as selectolax's decompose(recursive=True) does
 * (node_remove_deep: lxb_dom_node_remove on each, children first). */
static void
remove_deep(lxb_dom_node_t *root)
{
    lxb_dom_node_t *node = root, *tmp;
    while (node != NULL) {
        if (node->first_child != NULL) {
            node = node->first_child;
        }
        else {
            while (node != root && node->next == NULL) {
                tmp = node->parent;
                node_remove(node);
                node = tmp;
            }
            if (node == root) {
                node_remove(node);
                break;
            }
            tmp = node->next;
            node_remove(node);
            node = tmp;
        }
    }
}

/* ---- Stat ------------------------------------------------------------------------- */

typedef struct StatObject {
    PyObject_HEAD
    PyObject *tag;
    PyObject *marker;
    /* the element children's stats, owned; downward only, so no reference cycles, and no
     * GC-tracked list per element (the `children` attribute builds one when asked) */
    struct StatObject **kids;
    Py_ssize_t kid_count;
    Py_ssize_t kid_capacity;
    unsigned long long mem_id;
    unsigned long long parent_id;
    Py_ssize_t chars;
    Py_ssize_t links;
    Py_ssize_t commas;
    Py_ssize_t paragraphs;
    double score;
    char flat;
} StatObject;

static void
Stat_dealloc(StatObject *self)
{
    Py_XDECREF(self->tag);
    Py_XDECREF(self->marker);
    for (Py_ssize_t k = 0; k < self->kid_count; k++) {
        Py_DECREF(self->kids[k]);
    }
    PyMem_Free(self->kids);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
Stat_link_density(StatObject *self, void *closure)
{
    (void)closure;
    return PyFloat_FromDouble(self->chars ? (double)self->links / (double)self->chars : 0.0);
}

static PyObject *
Stat_children(StatObject *self, void *closure)
{
    (void)closure;
    PyObject *list = PyList_New(self->kid_count);
    if (list == NULL) {
        return NULL;
    }
    for (Py_ssize_t k = 0; k < self->kid_count; k++) {
        PyList_SET_ITEM(list, k, Py_NewRef((PyObject *)self->kids[k]));
    }
    return list;
}

static int
stat_add_child(StatObject *self, StatObject *child)
{
    if (self->kid_count == self->kid_capacity) {
        Py_ssize_t capacity = self->kid_capacity ? self->kid_capacity * 2 : 4;
        StatObject **kids = PyMem_Realloc(self->kids, (size_t)capacity * sizeof(StatObject *));
        if (kids == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        self->kids = kids;
        self->kid_capacity = capacity;
    }
    self->kids[self->kid_count++] = (StatObject *)Py_NewRef((PyObject *)child);
    return 0;
}

static PyObject *
Stat_node(StatObject *self, void *closure)
{
    (void)self;
    (void)closure;
    Py_RETURN_NONE;
}

static PyMemberDef Stat_members[] = {
    {"tag", T_OBJECT, offsetof(StatObject, tag), READONLY, NULL},
    {"marker", T_OBJECT, offsetof(StatObject, marker), READONLY, NULL},
    {"mem_id", T_ULONGLONG, offsetof(StatObject, mem_id), READONLY, NULL},
    {"parent_id", T_ULONGLONG, offsetof(StatObject, parent_id), READONLY, NULL},
    {"chars", T_PYSSIZET, offsetof(StatObject, chars), READONLY, NULL},
    {"links", T_PYSSIZET, offsetof(StatObject, links), READONLY, NULL},
    {"commas", T_PYSSIZET, offsetof(StatObject, commas), READONLY, NULL},
    {"paragraphs", T_PYSSIZET, offsetof(StatObject, paragraphs), READONLY, NULL},
    {"score", T_DOUBLE, offsetof(StatObject, score), READONLY, NULL},
    {"flat", T_BOOL, offsetof(StatObject, flat), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef Stat_getset[] = {
    {"link_density", (getter)Stat_link_density, NULL, NULL, NULL},
    {"children", (getter)Stat_children, NULL, NULL, NULL},
    {"node", (getter)Stat_node, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject StatType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "newsclean._extract._speedups.Stat",
    .tp_basicsize = sizeof(StatObject),
    .tp_dealloc = (destructor)Stat_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One element's numbers from the C stats walk (see native._Stat).",
    .tp_members = Stat_members,
    .tp_getset = Stat_getset,
};

/* ---- the stats walk ------------------------------------------------------------------- */

typedef struct {
    PyObject *by_id;
    PyObject *scored;
    PyObject *pruner; /* NULL: no vocabulary pass */
    PyObject *seen;
    /* the pruner's class_words (ClassWords.words and .phrases) and categories: NULL when it
     * has none, and category_of judges every class/id string its memo has not seen */
    PyObject *words;
    PyObject *phrases;
    PyObject *categories;
    StatObject **path;
    Py_ssize_t depth;
    Py_ssize_t capacity;
    /* elements nest deeper than this below the root: the walk stops (too_deep) and leaves
     * the tree as it was, for the Python walk */
    Py_ssize_t max_depth;
    int too_deep;
    /* what the vocabulary removes, removed when the walk is over: a removal never changes a
     * later verdict (the nodes judged later are never its ancestors), and a walk that stops
     * for depth has changed nothing */
    lxb_dom_node_t **removed;
    Py_ssize_t removed_count;
    Py_ssize_t removed_capacity;
} Measure;

static int
score_one(Measure *m, StatObject *stat, double score)
{
    if (stat->score == 0.0 && PyList_Append(m->scored, (PyObject *)stat) < 0) {
        return -1;
    }
    stat->score += score;
    return 0;
}

/* _Stats._score_ancestors */
static int
score_ancestors(Measure *m, double score, StatObject *include_self)
{
    if (include_self != NULL && score_one(m, include_self, score) < 0) {
        return -1;
    }
    Py_ssize_t levels = m->depth < 5 ? m->depth : 5;
    for (Py_ssize_t level = 1; level <= levels; level++) {
        StatObject *ancestor = m->path[m->depth - level];
        double add;
        if (level == 1) {
            add = score;
        }
        else if (level == 2) {
            add = score / 2.0;
        }
        else {
            add = score / (3.0 * (double)level);
        }
        if (score_one(m, ancestor, add) < 0) {
            return -1;
        }
    }
    return 0;
}

/* What ClassWords.category splits at, among ASCII characters: str.split()'s whitespace
 * (\t to \r, \x1c to \x1f, the space) and the '_' and '-' it turns into spaces. */
static inline int
class_separator(Py_UCS1 c)
{
    return c == ' ' || c == '_' || c == '-' || (c >= '\t' && c <= '\r') ||
           (c >= 0x1c && c <= 0x1f);
}

/* The category of the first of `tokens` (ClassWords.phrases' pairs of token and category,
 * longest first) that `s` holds at `start`, ending at a separator or the end: borrowed, NULL
 * for none (an error set when one occurred). ClassWords._walk at one word. */
static PyObject *
phrase_category(PyObject *tokens, const Py_UCS1 *s, Py_ssize_t length, Py_ssize_t start)
{
    if (!PyTuple_Check(tokens)) {
        PyErr_SetString(PyExc_TypeError, "ClassWords.phrases must hold tuples");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(tokens); k++) {
        PyObject *pair = PyTuple_GET_ITEM(tokens, k);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2 ||
            !PyUnicode_Check(PyTuple_GET_ITEM(pair, 0))) {
            PyErr_SetString(PyExc_TypeError, "ClassWords.phrases must hold (token, category)");
            return NULL;
        }
        PyObject *token = PyTuple_GET_ITEM(pair, 0);
        Py_ssize_t end = start + PyUnicode_GET_LENGTH(token);
        /* an ASCII string holds no other character */
        if (PyUnicode_IS_ASCII(token) && end <= length &&
            memcmp(s + start, PyUnicode_1BYTE_DATA(token), (size_t)(end - start)) == 0 &&
            (end == length || class_separator(s[end]))) {
            return PyTuple_GET_ITEM(pair, 1);
        }
    }
    return NULL;
}

/* pruner.category_of(marker) for a string its memo has not seen, by the pruner's class_words,
 * without calling it: ClassWords.category, word by word as ClassWords._walk goes (the first
 * word that starts a token, of one word or several, names the category), then the removable
 * categories only. 1 decided (*category: a new reference, None for none), 0 undecided (not
 * ASCII: category_of decides), -1 error. Pages bring many class strings no page showed
 * before, and the Python calls behind category_of cost microseconds each. */
static int
words_category(Measure *m, PyObject *marker, PyObject **category)
{
    if (!PyUnicode_IS_ASCII(marker)) {
        return 0;
    }
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(marker);
    Py_ssize_t length = PyUnicode_GET_LENGTH(marker);
    Py_ssize_t i = 0;
    while (i < length) {
        if (class_separator(s[i])) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        while (i < length && !class_separator(s[i])) {
            i++;
        }
        PyObject *word = PyUnicode_New(i - start, 127);
        if (word == NULL) {
            return -1;
        }
        memcpy(PyUnicode_1BYTE_DATA(word), s + start, (size_t)(i - start));
        /* borrowed from phrases and words, which outlive the walk */
        PyObject *found = NULL;
        PyObject *tokens = PyDict_GetItemWithError(m->phrases, word);
        if (tokens != NULL) {
            found = phrase_category(tokens, s, length, start);
            if (found == NULL && PyErr_Occurred()) {
                Py_DECREF(word);
                return -1;
            }
        }
        else if (PyErr_Occurred()) {
            Py_DECREF(word);
            return -1;
        }
        if (found == NULL) {
            found = PyDict_GetItemWithError(m->words, word);
        }
        Py_DECREF(word);
        if (found == NULL && PyErr_Occurred()) {
            return -1;
        }
        if (found != NULL) {
            int removable = PySet_Contains(m->categories, found);
            if (removable < 0) {
                return -1;
            }
            *category = Py_NewRef(removable ? found : Py_None);
            return 1;
        }
    }
    *category = Py_NewRef(Py_None);
    return 1;
}

/* The vocabulary's verdict on `child`: 1 remove, 0 keep, -1 error. */
static int
vocabulary_removes(Measure *m, lxb_dom_node_t *child, PyObject *marker)
{
    PyObject *category = PyDict_GetItemWithError(m->seen, marker);
    if (category == NULL) {
        if (PyErr_Occurred()) {
            return -1;
        }
        int decided = m->words != NULL ? words_category(m, marker, &category) : 0;
        if (decided < 0) {
            return -1;
        }
        if (!decided) {
            category = PyObject_CallMethodOneArg(m->pruner, str_category_of, marker);
            if (category == NULL) {
                return -1;
            }
        }
    }
    else {
        Py_INCREF(category);
    }
    if (category == Py_None) {
        Py_DECREF(category);
        return 0;
    }
    int verdict = -1;
    PyObject *itemprop = NULL, *mem_id = NULL, *chars = NULL, *answer = NULL;
    Py_ssize_t length = separated_text_length(child);
    if (length < 0) {
        goto done;
    }
    itemprop = attribute(child, "itemprop", 0, 0);
    if (itemprop == NULL) {
        if (PyErr_Occurred()) {
            goto done;
        }
        itemprop = Py_NewRef(str_empty);
    }
    else if (itemprop == Py_None) {
        Py_SETREF(itemprop, Py_NewRef(str_empty));
    }
    mem_id = PyLong_FromSize_t((size_t)(uintptr_t)child);
    chars = PyLong_FromSsize_t(length);
    if (mem_id == NULL || chars == NULL) {
        goto done;
    }
    /* no PY_VECTORCALL_ARGUMENTS_OFFSET: args[-1] is not ours to borrow */
    PyObject *args[] = {m->pruner, mem_id, itemprop, category, chars};
    answer = PyObject_VectorcallMethod(str_removable_at, args, 5, NULL);
    if (answer == NULL) {
        goto done;
    }
    verdict = PyObject_IsTrue(answer);
done:
    Py_DECREF(category);
    Py_XDECREF(itemprop);
    Py_XDECREF(mem_id);
    Py_XDECREF(chars);
    Py_XDECREF(answer);
    return verdict;
}

static StatObject *
new_stat(PyObject *tag, PyObject *marker, lxb_dom_node_t *node, unsigned long long parent_id)
{
    StatObject *stat = PyObject_New(StatObject, &StatType);
    if (stat == NULL) {
        return NULL;
    }
    stat->tag = Py_NewRef(tag);
    stat->marker = Py_NewRef(marker);
    stat->kids = NULL;
    stat->kid_count = stat->kid_capacity = 0;
    stat->mem_id = (unsigned long long)(uintptr_t)node;
    stat->parent_id = parent_id;
    stat->chars = stat->links = stat->commas = stat->paragraphs = 0;
    stat->score = 0.0;
    stat->flat = 1;
    return stat;
}

/* _Stats.measure; returns a new reference. */
static StatObject *
measure_node(Measure *m, lxb_dom_node_t *node, PyObject *tag, unsigned int flags,
             PyObject *marker)
{
    unsigned long long parent_id = m->depth ? m->path[m->depth - 1]->mem_id : 0;
    StatObject *stat = new_stat(tag, marker, node, parent_id);
    if (stat == NULL) {
        return NULL;
    }
    PyObject *key = PyLong_FromSize_t((size_t)(uintptr_t)node);
    if (key == NULL || PyDict_SetItem(m->by_id, key, (PyObject *)stat) < 0) {
        Py_XDECREF(key);
        Py_DECREF(stat);
        return NULL;
    }
    Py_DECREF(key);
    if (m->depth > m->max_depth) {
        m->too_deep = 1; /* NULL without an exception: unwinds to speedups_measure */
        Py_DECREF(stat);
        return NULL;
    }
    if (Py_EnterRecursiveCall(" in the native extractor's stats walk")) {
        Py_DECREF(stat);
        return NULL;
    }
    if (m->depth == m->capacity) {
        Py_ssize_t capacity = m->capacity ? m->capacity * 2 : 64;
        StatObject **path = PyMem_Realloc(m->path, (size_t)capacity * sizeof(StatObject *));
        if (path == NULL) {
            PyErr_NoMemory();
            goto fail;
        }
        m->path = path;
        m->capacity = capacity;
    }
    m->path[m->depth++] = stat;

    Py_ssize_t direct = 0, inline_chars = 0, commas = 0, chars = 0, links = 0;
    Py_ssize_t paragraphs = 0;
    char flat = 1;
    lxb_dom_node_t *child = node->first_child;
    while (child != NULL) {
        if (is_text(child)) {
            const lexbor_str_t *str = text_data(child);
            if (str != NULL && str->length > 0) {
                Py_ssize_t count = 0;
                Py_ssize_t n = stripped_length(str->data, (Py_ssize_t)str->length, &count);
                if (n < 0) {
                    goto fail_path;
                }
                if (n) {
                    direct += n;
                    commas += count;
                }
            }
            child = child->next;
            continue;
        }
        PyObject *ctag;
        unsigned int cflags;
        if (element_info(child, &ctag, &cflags) < 0) {
            goto fail_path;
        }
        if (ctag == NULL) {
            child = child->next;
            continue;
        }
        PyObject *cmarker = marker_of(child);
        if (cmarker == NULL) {
            Py_DECREF(ctag);
            goto fail_path;
        }
        if (m->pruner != NULL && !(cflags & (F_NO_VOCABULARY | F_NEVER_PRUNED))) {
            int removes = vocabulary_removes(m, child, cmarker);
            if (removes < 0) {
                Py_DECREF(ctag);
                Py_DECREF(cmarker);
                goto fail_path;
            }
            if (removes) {
                /* skipped now, detached when the walk is over (see Measure.removed) */
                if (m->removed_count == m->removed_capacity) {
                    Py_ssize_t capacity = m->removed_capacity ? m->removed_capacity * 2 : 16;
                    lxb_dom_node_t **removed =
                        PyMem_Realloc(m->removed, (size_t)capacity * sizeof(lxb_dom_node_t *));
                    if (removed == NULL) {
                        PyErr_NoMemory();
                        Py_DECREF(ctag);
                        Py_DECREF(cmarker);
                        goto fail_path;
                    }
                    m->removed = removed;
                    m->removed_capacity = capacity;
                }
                m->removed[m->removed_count++] = child;
                child = child->next;
                Py_DECREF(ctag);
                Py_DECREF(cmarker);
                continue;
            }
        }
        StatObject *sub = measure_node(m, child, ctag, cflags, cmarker);
        Py_DECREF(ctag);
        Py_DECREF(cmarker);
        if (sub == NULL) {
            goto fail_path;
        }
        int appended = stat_add_child(stat, sub);
        chars += sub->chars;
        links += role_of(cflags) == R_A ? sub->chars : sub->links;
        commas += sub->commas;
        paragraphs += sub->paragraphs;
        if (cflags & F_INLINE) {
            if (role_of(cflags) != R_A) {
                inline_chars += sub->chars - sub->links;
            }
            if (!sub->flat) {
                flat = 0;
            }
        }
        else {
            flat = 0;
        }
        Py_DECREF(sub);
        if (appended < 0) {
            goto fail_path;
        }
        child = child->next;
    }
    m->depth--;
    Py_LeaveRecursiveCall();
    Py_ssize_t own = direct + inline_chars;
    chars += direct;
    stat->chars = chars;
    stat->links = links;
    stat->commas = commas;
    stat->flat = flat;
    if (flags & F_SCORED) {
        Py_ssize_t length = chars - links;
        if (length >= 25) {
            double extra = (double)length / 100.0;
            if (score_ancestors(m, 1.0 + (double)commas + (extra < 3.0 ? extra : 3.0), NULL) <
                0) {
                Py_DECREF(stat);
                return NULL;
            }
            paragraphs = length;
        }
    }
    else if ((flags & F_TEXT_CONTAINER) && own >= 25) {
        double extra = (double)own / 100.0;
        if (score_ancestors(m, 1.0 + (extra < 3.0 ? extra : 3.0), stat) < 0) {
            Py_DECREF(stat);
            return NULL;
        }
        paragraphs += own;
    }
    stat->paragraphs = paragraphs;
    return stat;

fail_path:
    m->depth--;
fail:
    Py_LeaveRecursiveCall();
    Py_DECREF(stat);
    return NULL;
}

/* The pruner's class_words and categories into `m` (see words_category); -1 on error. */
static int
class_words_of(Measure *m)
{
    PyObject *class_words = PyObject_GetAttr(m->pruner, str_class_words);
    if (class_words == NULL) {
        return -1;
    }
    if (class_words != Py_None) {
        m->words = PyObject_GetAttr(class_words, str_words);
        m->phrases = m->words != NULL ? PyObject_GetAttr(class_words, str_phrases) : NULL;
        m->categories =
            m->phrases != NULL ? PyObject_GetAttr(m->pruner, str_categories) : NULL;
    }
    Py_DECREF(class_words);
    if (class_words == Py_None) {
        return 0;
    }
    if (m->categories == NULL) {
        return -1;
    }
    if (!PyDict_Check(m->words) || !PyDict_Check(m->phrases) || !PyAnySet_Check(m->categories)) {
        PyErr_SetString(PyExc_TypeError,
                        "pruner.class_words needs dicts words and phrases, categories a set");
        return -1;
    }
    return 0;
}

static PyObject *
speedups_measure(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long root_id;
    PyObject *by_id, *scored, *pruner;
    Py_ssize_t max_depth = PY_SSIZE_T_MAX;
    if (!PyArg_ParseTuple(args, "KO!O!O|n:measure", &root_id, &PyDict_Type, &by_id,
                          &PyList_Type, &scored, &pruner, &max_depth)) {
        return NULL;
    }
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "_speedups.configure() was not called");
        return NULL;
    }
    Measure m = {by_id, scored, pruner == Py_None ? NULL : pruner, NULL, NULL, NULL, NULL,
                 NULL, 0, 0, max_depth, 0, NULL, 0, 0};
    PyObject *result = NULL;
    if (m.pruner != NULL) {
        m.seen = PyObject_GetAttr(pruner, str_seen);
        if (m.seen == NULL) {
            return NULL;
        }
        if (!PyDict_Check(m.seen)) {
            Py_DECREF(m.seen);
            PyErr_SetString(PyExc_TypeError, "pruner.seen must be a dict");
            return NULL;
        }
        if (class_words_of(&m) < 0) {
            goto done;
        }
    }
    lxb_dom_node_t *root = node_at(root_id);
    PyObject *tag;
    unsigned int flags;
    if (element_info(root, &tag, &flags) < 0) {
        goto done;
    }
    if (tag == NULL) {
        tag = Py_NewRef(str_empty);
    }
    PyObject *marker = root->type == LXB_DOM_NODE_TYPE_ELEMENT ? marker_of(root)
                                                               : Py_NewRef(str_empty);
    if (marker != NULL) {
        result = (PyObject *)measure_node(&m, root, tag, flags, marker);
        Py_DECREF(marker);
    }
    Py_DECREF(tag);
    if (m.too_deep && !PyErr_Occurred()) {
        result = Py_NewRef(Py_None); /* nothing was removed */
    }
    else {
        /* after an error too, as removing at once did: the removals judged so far */
        for (Py_ssize_t k = 0; k < m.removed_count; k++) {
            remove_deep(m.removed[k]);
        }
    }
done:
    Py_XDECREF(m.seen);
    Py_XDECREF(m.words);
    Py_XDECREF(m.phrases);
    Py_XDECREF(m.categories);
    PyMem_Free(m.path);
    PyMem_Free(m.removed);
    return result;
}

/* ---- the ranking (native._ranked) ------------------------------------------------------ */

/* What rank() weighs a candidate with: native.py's constants, passed at each call. */
typedef struct {
    PyObject *tag_weights; /* _TAG_WEIGHT */
    PyObject *positive;    /* _POSITIVE */
    PyObject *negative;    /* _NEGATIVE */
    const char *stem;      /* _NEGATIVE_STEM, ASCII */
    Py_ssize_t stem_length;
    double class_weight;   /* _CLASS_WEIGHT */
    PyObject *fallback;    /* _marker_weight, for a marker that is not ASCII */
} Weights;

static inline int
ascii_alnum(Py_UCS1 c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* native._marker_weight(marker) for an ASCII marker, word by word as _class_words splits it:
 * 0 done, -1 error. A word holds the stem as _NEGATIVE_STEM_WORD fullmatches it when the
 * rest of it is ASCII letters and digits (\w, less the '_' that separates words). */
static int
ascii_marker_weight(const Weights *w, PyObject *marker, double *weight)
{
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(marker);
    Py_ssize_t length = PyUnicode_GET_LENGTH(marker);
    int positive = 0, negative = 0;
    Py_ssize_t i = 0;
    while (i < length && !(positive && negative)) {
        if (class_separator(s[i])) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        while (i < length && !class_separator(s[i])) {
            i++;
        }
        if (!negative && i - start >= w->stem_length &&
            memcmp(s + start, w->stem, (size_t)w->stem_length) == 0) {
            Py_ssize_t k = start + w->stem_length;
            while (k < i && ascii_alnum(s[k])) {
                k++;
            }
            negative = k == i;
        }
        if (positive && negative) {
            break;
        }
        PyObject *word = PyUnicode_New(i - start, 127);
        if (word == NULL) {
            return -1;
        }
        memcpy(PyUnicode_1BYTE_DATA(word), s + start, (size_t)(i - start));
        int in_positive = positive ? 0 : PySet_Contains(w->positive, word);
        int in_negative = negative ? 0 : PySet_Contains(w->negative, word);
        Py_DECREF(word);
        if (in_positive < 0 || in_negative < 0) {
            return -1;
        }
        positive |= in_positive;
        negative |= in_negative;
    }
    *weight = (positive ? w->class_weight : 0.0) - (negative ? w->class_weight : 0.0);
    return 0;
}

/* native._final_score; -1 on error */
static int
final_score(const Weights *w, StatObject *stat, double *score)
{
    PyObject *tag_weight = PyDict_GetItemWithError(w->tag_weights, stat->tag);
    if (tag_weight == NULL && PyErr_Occurred()) {
        return -1;
    }
    double tag = tag_weight == NULL ? 0.0 : PyFloat_AsDouble(tag_weight);
    if (tag == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    double marker = 0.0;
    if (PyUnicode_IS_ASCII(stat->marker)) {
        if (ascii_marker_weight(w, stat->marker, &marker) < 0) {
            return -1;
        }
    }
    else {
        PyObject *answer = PyObject_CallOneArg(w->fallback, stat->marker);
        if (answer == NULL) {
            return -1;
        }
        marker = PyFloat_AsDouble(answer);
        Py_DECREF(answer);
        if (marker == -1.0 && PyErr_Occurred()) {
            return -1;
        }
    }
    double base = stat->score + tag + marker;
    /* base * (1 - link_density), which is base itself for an empty element */
    *score = stat->chars ? base * (1.0 - (double)stat->links / (double)stat->chars) : base;
    return 0;
}

/* A candidate and its final score, sorted as native._ranked sorts: best first, ties in the
 * order of `scored` (a stable sort in reverse keeps that order). */
typedef struct {
    double score;
    Py_ssize_t index;
} Ranked;

static int
compare_ranked(const void *a, const void *b)
{
    const Ranked *x = a, *y = b;
    if (x->score != y->score) {
        return x->score > y->score ? -1 : 1;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

/* rank(scored, final, tag_weights, positive, negative, stem, class_weight, marker_weight)
 * -> [(final score, stat), ...] best first, with final[mem_id] = final score: native._ranked.
 * About seventy candidates a page, each a few Python calls and a class string new to the
 * page: a tenth of the body stage. */
static PyObject *
speedups_rank(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *scored, *final, *stem;
    Weights w;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!UdO:rank", &PyList_Type, &scored, &PyDict_Type,
                          &final, &PyDict_Type, &w.tag_weights, &PyFrozenSet_Type,
                          &w.positive, &PyFrozenSet_Type, &w.negative, &stem, &w.class_weight,
                          &w.fallback)) {
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(stem)) {
        PyErr_SetString(PyExc_ValueError, "rank: the stem must be ASCII");
        return NULL;
    }
    w.stem = (const char *)PyUnicode_1BYTE_DATA(stem);
    w.stem_length = PyUnicode_GET_LENGTH(stem);
    Py_ssize_t count = PyList_GET_SIZE(scored);
    Ranked *order = PyMem_Malloc((size_t)(count ? count : 1) * sizeof(Ranked));
    if (order == NULL) {
        return PyErr_NoMemory();
    }
    PyObject *pairs = NULL;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *item = PyList_GET_ITEM(scored, k);
        if (!Py_IS_TYPE(item, &StatType)) {
            PyErr_SetString(PyExc_TypeError, "rank: scored must hold the C walk's stats");
            goto done;
        }
        order[k].index = k;
        if (final_score(&w, (StatObject *)item, &order[k].score) < 0) {
            goto done;
        }
    }
    qsort(order, (size_t)count, sizeof(Ranked), compare_ranked);
    pairs = PyList_New(count);
    for (Py_ssize_t k = 0; pairs != NULL && k < count; k++) {
        PyObject *item = PyList_GET_ITEM(scored, order[k].index);
        PyObject *score = PyFloat_FromDouble(order[k].score);
        PyObject *key =
            score != NULL ? PyLong_FromUnsignedLongLong(((StatObject *)item)->mem_id) : NULL;
        int stored = key != NULL ? PyDict_SetItem(final, key, score) : -1;
        Py_XDECREF(key);
        PyObject *pair = stored == 0 ? PyTuple_Pack(2, score, item) : NULL;
        Py_XDECREF(score);
        if (pair == NULL) {
            Py_CLEAR(pairs);
            break;
        }
        PyList_SET_ITEM(pairs, k, pair);
    }
done:
    PyMem_Free(order);
    return pairs;
}

/* ---- the writer ------------------------------------------------------------------------ */

typedef struct {
    PyObject *by_id;
    PyObject *kept;
    PyObject *blocks;
    int include_tables;
    int listing;
    double limit;
    double prune_max_share;       /* native._PRUNE_MAX_SHARE */
    double story_beside_comments; /* native._STORY_BESIDE_COMMENTS */
    double link_farm_max_text;    /* native._LINK_FARM_MAX_TEXT */
    Buffer buffer;
    Buffer scratch;
    /* the buffer holds more than collapsed pieces (raw text, a <br> newline): w_flush
     * collapses it; pieces that are collapsed already stay so, joined end to end */
    int raw;
} Writer;

static int w_walk(Writer *w, lxb_dom_node_t *node, int kind);
static int w_block(Writer *w, lxb_dom_node_t *node, unsigned int flags, int kind);

/* RawBlock's slots (kind, text, level), as offsets, when a block can be built by filling
 * them: its dataclass __init__ only sets them, with object.__setattr__ each (frozen), which
 * made block building a tenth of the writer's time. Found once per configured RawBlock;
 * with anything else there (no such slots, a __post_init__) blocks are built by calling it. */
static PyObject *block_type = NULL; /* borrowed: the RawBlock the offsets were read from */
static Py_ssize_t block_offsets[3] = {-1, -1, -1};

static int
find_block_slots(void)
{
    static const char *const names[3] = {"kind", "text", "level"};
    block_type = raw_block;
    block_offsets[0] = -1;
    if (!PyType_Check(raw_block)) {
        return 0;
    }
    PyTypeObject *type = (PyTypeObject *)raw_block;
    PyObject *post_init = PyDict_GetItemString(type->tp_dict, "__post_init__");
    if (post_init != NULL || type->tp_base != &PyBaseObject_Type ||
        type->tp_new != PyBaseObject_Type.tp_new) {
        return 0;
    }
    Py_ssize_t offsets[3];
    for (int k = 0; k < 3; k++) {
        PyObject *descr = PyDict_GetItemString(type->tp_dict, names[k]);
        if (descr == NULL || !Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
            return 0;
        }
        PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
        if (member->type != T_OBJECT_EX || (member->flags & READONLY)) {
            return 0;
        }
        offsets[k] = member->offset;
    }
    memcpy(block_offsets, offsets, sizeof offsets);
    return 0;
}

static int
add_block(Writer *w, int kind, PyObject *text, int level)
{
    PyObject *level_obj = level ? PyLong_FromLong(level) : Py_NewRef(Py_None);
    if (level_obj == NULL) {
        return -1;
    }
    if (block_type != raw_block) {
        find_block_slots();
    }
    PyObject *block;
    if (block_offsets[0] >= 0) {
        PyTypeObject *type = (PyTypeObject *)raw_block;
        block = type->tp_alloc(type, 0);
        if (block != NULL) {
            PyObject *values[3] = {kind_str[kind], text, level_obj};
            for (int k = 0; k < 3; k++) {
                *(PyObject **)((char *)block + block_offsets[k]) = Py_NewRef(values[k]);
            }
        }
    }
    else {
        block = PyObject_CallFunctionObjArgs(raw_block, kind_str[kind], text, level_obj, NULL);
    }
    Py_DECREF(level_obj);
    if (block == NULL) {
        return -1;
    }
    int status = PyList_Append(w->blocks, block);
    Py_DECREF(block);
    return status;
}

/* _Writer.flush */
static int
w_flush(Writer *w, int kind, int level)
{
    int raw = w->raw;
    w->raw = 0;
    if (w->buffer.size == 0) {
        return 0;
    }
    /* the buffer holds valid UTF-8 (every piece went through valid_utf8 or Python); with
     * a <br> newline each line is collapsed and empty lines go, else the whole text */
    const unsigned char *data = (const unsigned char *)w->buffer.data;
    Py_ssize_t size = w->buffer.size;
    w->buffer.size = 0;
    if (!raw) {
        /* collapsed pieces only: no whitespace at the ends, no runs, no newline */
        PyObject *text = PyUnicode_DecodeUTF8((const char *)data, size, "strict");
        if (text == NULL) {
            return -1;
        }
        int status = add_block(w, kind, text, level);
        Py_DECREF(text);
        return status;
    }
    Buffer *out = &w->scratch;
    out->size = 0;
    Py_ssize_t line_start = 0;
    while (line_start <= size) {
        const unsigned char *newline = memchr(data + line_start, '\n', (size_t)(size - line_start));
        Py_ssize_t line_end = newline != NULL ? (Py_ssize_t)(newline - data) : size;
        Py_ssize_t before = out->size;
        if (before > 0 && buffer_append(out, "\n", 1) < 0) {
            return -1;
        }
        Py_ssize_t mark = out->size;
        if (collapse_utf8(out, data + line_start, line_end - line_start) < 0) {
            return -1;
        }
        if (out->size == mark) {
            out->size = before; /* an empty line goes, with its separator */
        }
        line_start = line_end + 1;
    }
    if (out->size == 0) {
        return 0;
    }
    PyObject *cleaned = PyUnicode_DecodeUTF8(out->data, out->size, "strict");
    if (cleaned == NULL) {
        return -1;
    }
    int status = add_block(w, kind, cleaned, level);
    Py_DECREF(cleaned);
    return status;
}

/* The stat of `node` (borrowed) or NULL; -1 in *error on error. */
static StatObject *
stat_of(Writer *w, lxb_dom_node_t *node, int *error)
{
    PyObject *key = PyLong_FromSize_t((size_t)(uintptr_t)node);
    if (key == NULL) {
        *error = 1;
        return NULL;
    }
    PyObject *stat = PyDict_GetItemWithError(w->by_id, key);
    Py_DECREF(key);
    if (stat == NULL && PyErr_Occurred()) {
        *error = 1;
        return NULL;
    }
    if (stat != NULL && !PyObject_TypeCheck(stat, &StatType)) {
        PyErr_SetString(PyExc_TypeError, "by_id must hold _speedups.Stat objects");
        *error = 1;
        return NULL;
    }
    return (StatObject *)stat;
}

/* _Writer.pruned: 1 pruned, 0 kept, -1 error. */
static int
w_pruned(Writer *w, lxb_dom_node_t *node, unsigned int flags)
{
    if (flags & F_SKIP) {
        return 1;
    }
    int error = 0;
    StatObject *stat = stat_of(w, node, &error);
    if (error) {
        return -1;
    }
    int role = role_of(flags);
    if (stat == NULL || stat->chars == 0) {
        return !(role == R_BR || role == R_IMG || role == R_HR);
    }
    double share = w->prune_max_share * w->limit;
    if (role == R_FORM && (double)stat->chars < share) {
        /* a form inside the article is a widget; one around it is the page */
        return 1;
    }
    PyObject *key = PyLong_FromSize_t((size_t)(uintptr_t)node);
    if (key == NULL) {
        return -1;
    }
    PyObject *category = PyDict_GetItemWithError(w->kept, key);
    Py_DECREF(key);
    if (category == NULL && PyErr_Occurred()) {
        return -1;
    }
    if (category != NULL &&
        ((double)stat->chars < share ||
         (PyUnicode_Check(category) && PyUnicode_CompareWithASCIIString(category, "comments") == 0 &&
          w->limit - (double)stat->chars >= w->story_beside_comments))) {
        return 1;
    }
    if ((flags & F_LINK_FARM) && stat->links && !w->listing) {
        double density = (double)stat->links / (double)stat->chars;
        if (role == R_P || role == R_LI) {
            return density > 0.8 && stat->chars < 100;
        }
        if (density > 0.6 && (double)stat->chars < share &&
            (double)(stat->chars - stat->links) < w->link_farm_max_text) {
            /* a container with sentences of its own beside its links is walked */
            return 1;
        }
    }
    return 0;
}

/* Raw bytes of every text node below `root` (node.text(deep=True, separator=sep)). */
static int
gather_text(Buffer *b, lxb_dom_node_t *root, const char *separator)
{
    Py_ssize_t count = 0;
    for (lxb_dom_node_t *node = root->first_child; node != NULL; node = next_in(node, root)) {
        if (!is_text(node)) {
            continue;
        }
        const lexbor_str_t *str = &((const lxb_dom_character_data_t *)node)->data;
        if (str->data == NULL) {
            continue;
        }
        if (count++ > 0 && buffer_append(b, separator, (Py_ssize_t)strlen(separator)) < 0) {
            return -1;
        }
        if (buffer_append(b, (const char *)str->data, (Py_ssize_t)str->length) < 0) {
            return -1;
        }
    }
    return 0;
}

/* " ".join(node.text(deep=True, separator=separator).split()), new reference */
static PyObject *
collapsed_text(lxb_dom_node_t *node, const char *separator)
{
    Buffer b = {NULL, 0, 0};
    if (gather_text(&b, node, separator) < 0) {
        buffer_free(&b);
        return NULL;
    }
    PyObject *text = PyUnicode_DecodeUTF8(b.data ? b.data : "", b.size, "replace");
    buffer_free(&b);
    if (text == NULL) {
        return NULL;
    }
    PyObject *result = collapse(text);
    Py_DECREF(text);
    return result;
}

/* _Writer.inner */
static int
w_inner(Writer *w, lxb_dom_node_t *node, int kind)
{
    int error = 0;
    StatObject *stat = stat_of(w, node, &error);
    if (error) {
        return -1;
    }
    if (stat != NULL && stat->flat) {
        /* " ".join(node.text(deep=True).split()): the text nodes' bytes are decoded as one */
        Buffer *raw = &w->scratch;
        raw->size = 0;
        if (gather_text(raw, node, "") < 0) {
            return -1;
        }
        PyObject *holder;
        Py_ssize_t length = raw->size;
        const unsigned char *data =
            valid_utf8((const unsigned char *)(raw->data ? raw->data : ""), &length, &holder);
        if (data == NULL) {
            return -1;
        }
        int status = collapse_utf8(&w->buffer, data, length);
        Py_XDECREF(holder);
        return status;
    }
    return w_walk(w, node, kind);
}

/* _Writer.walk */
static int
w_walk(Writer *w, lxb_dom_node_t *node, int kind)
{
    if (Py_EnterRecursiveCall(" in the native extractor's writer")) {
        return -1;
    }
    int status = 0;
    for (lxb_dom_node_t *child = node->first_child; child != NULL && status == 0;
         child = child->next) {
        if (is_text(child)) {
            const lexbor_str_t *str = text_data(child);
            if (str != NULL) {
                w->raw = 1;
                status = append_text(&w->buffer, str->data, (Py_ssize_t)str->length, 1);
            }
            continue;
        }
        PyObject *tag;
        unsigned int flags;
        if (element_info(child, &tag, &flags) < 0) {
            status = -1;
            break;
        }
        if (tag == NULL) {
            continue;
        }
        Py_DECREF(tag);
        int role = role_of(flags);
        if (role == R_BR) {
            w->raw = 1;
            status = buffer_append(&w->buffer, "\n", 1);
        }
        else if (flags & F_INLINE) {
            int pruned = role == R_A ? 0 : w_pruned(w, child, flags);
            status = pruned < 0 ? -1 : pruned ? 0 : w_walk(w, child, kind);
        }
        else {
            int pruned = w_pruned(w, child, flags);
            status = pruned < 0 ? -1 : pruned ? 0 : w_block(w, child, flags, kind);
        }
    }
    Py_LeaveRecursiveCall();
    return status;
}

typedef struct {
    Buffer buffer;
    int any;          /* pieces is not empty */
    int ends_newline; /* pieces[-1].endswith("\n") */
} Pieces;

static int
pieces_add(Pieces *p, const unsigned char *data, Py_ssize_t length)
{
    if (append_text(&p->buffer, data, length, 0) < 0) {
        return -1;
    }
    p->any = 1;
    p->ends_newline = length > 0 && data[length - 1] == '\n';
    return 0;
}

/* _pre_text */
static int
pre_text(Pieces *p, lxb_dom_node_t *node)
{
    if (Py_EnterRecursiveCall(" in the native extractor's writer")) {
        return -1;
    }
    int status = 0;
    for (lxb_dom_node_t *child = node->first_child; child != NULL && status == 0;
         child = child->next) {
        if (is_text(child)) {
            const lexbor_str_t *str = text_data(child);
            status = str != NULL ? pieces_add(p, str->data, (Py_ssize_t)str->length)
                                 : pieces_add(p, (const unsigned char *)"", 0);
            continue;
        }
        PyObject *tag;
        unsigned int flags;
        if (element_info(child, &tag, &flags) < 0) {
            status = -1;
            break;
        }
        if (tag == NULL) {
            continue;
        }
        Py_DECREF(tag);
        if (role_of(flags) == R_BR) {
            status = pieces_add(p, (const unsigned char *)"\n", 1);
            continue;
        }
        int block = !(flags & F_INLINE);
        if (block && p->any && !p->ends_newline) {
            status = pieces_add(p, (const unsigned char *)"\n", 1);
        }
        if (status == 0) {
            status = pre_text(p, child);
        }
        if (status == 0 && block && p->any && !p->ends_newline) {
            status = pieces_add(p, (const unsigned char *)"\n", 1);
        }
    }
    Py_LeaveRecursiveCall();
    return status;
}

/* _is_data_table: 1 data, 0 layout, -1 error */
static int
is_data_table(Writer *w, lxb_dom_node_t *table)
{
    /* lexbor's css() matches the node itself too: the table is left out */
    for (lxb_dom_node_t *node = table->first_child; node != NULL; node = next_in(node, table)) {
        PyObject *tag;
        unsigned int flags;
        if (element_info(node, &tag, &flags) < 0) {
            return -1;
        }
        if (tag == NULL) {
            continue;
        }
        Py_DECREF(tag);
        int role = role_of(flags);
        if (role == R_TABLE || role == R_P || role == R_ARTICLE || role == R_H1 ||
            role == R_H2 || role == R_H3) {
            return 0;
        }
        if (role == R_DIV && node->parent != NULL) {
            PyObject *ptag;
            unsigned int pflags;
            if (element_info(node->parent, &ptag, &pflags) < 0) {
                return -1;
            }
            if (ptag != NULL) {
                Py_DECREF(ptag);
                if (role_of(pflags) == R_DIV) {
                    return 0;
                }
            }
        }
    }
    for (lxb_dom_node_t *node = table->first_child; node != NULL; node = next_in(node, table)) {
        PyObject *tag;
        unsigned int flags;
        if (element_info(node, &tag, &flags) < 0) {
            return -1;
        }
        if (tag == NULL) {
            continue;
        }
        Py_DECREF(tag);
        int role = role_of(flags);
        if (role == R_TD || role == R_TH) {
            int error = 0;
            StatObject *stat = stat_of(w, node, &error);
            if (error) {
                return -1;
            }
            if (stat != NULL && stat->chars > 400) {
                return 0;
            }
        }
    }
    return 1;
}

/* Whether `node` is an element of one of the two roles; -1 on error. */
static int
has_role(lxb_dom_node_t *node, int one, int other)
{
    PyObject *tag;
    unsigned int flags;
    if (element_info(node, &tag, &flags) < 0) {
        return -1;
    }
    if (tag == NULL) {
        return 0;
    }
    Py_DECREF(tag);
    return role_of(flags) == one || role_of(flags) == other;
}

/* _Writer._table */
static int
w_table(Writer *w, lxb_dom_node_t *table)
{
    PyObject *rows = PyList_New(0);
    PyObject *cells = NULL;
    int status = -1;
    if (rows == NULL) {
        return -1;
    }
    for (lxb_dom_node_t *row = table->first_child; row != NULL; row = next_in(row, table)) {
        int is_row = has_role(row, R_TR, R_TR);
        if (is_row < 0) {
            goto done;
        }
        if (!is_row) {
            continue;
        }
        cells = PyList_New(0);
        if (cells == NULL) {
            goto done;
        }
        int any = 0;
        for (lxb_dom_node_t *cell = row->first_child; cell != NULL; cell = next_in(cell, row)) {
            int is_cell = has_role(cell, R_TD, R_TH);
            if (is_cell < 0) {
                goto done;
            }
            if (!is_cell) {
                continue;
            }
            PyObject *text = collapsed_text(cell, " ");
            if (text == NULL) {
                goto done;
            }
            any |= PyUnicode_GET_LENGTH(text) > 0;
            int appended = PyList_Append(cells, text);
            Py_DECREF(text);
            if (appended < 0) {
                goto done;
            }
        }
        if (any) {
            PyObject *line = PyUnicode_Join(str_bar, cells);
            if (line == NULL) {
                goto done;
            }
            int appended = PyList_Append(rows, line);
            Py_DECREF(line);
            if (appended < 0) {
                goto done;
            }
        }
        Py_CLEAR(cells);
    }
    if (PyList_GET_SIZE(rows)) {
        PyObject *text = PyUnicode_Join(str_newline, rows);
        if (text == NULL) {
            goto done;
        }
        status = add_block(w, K_TABLE, text, 0);
        Py_DECREF(text);
    }
    else {
        status = 0;
    }
done:
    Py_XDECREF(cells);
    Py_DECREF(rows);
    return status;
}

/* _Writer.block */
static int
w_block(Writer *w, lxb_dom_node_t *node, unsigned int flags, int kind)
{
    if (w_flush(w, kind, 0) < 0) {
        return -1;
    }
    int role = role_of(flags);
    if (role >= R_H1 && role <= R_H6) {
        if (w_inner(w, node, K_HEADING) < 0) {
            return -1;
        }
        return w_flush(w, K_HEADING, role - R_H1 + 1);
    }
    if (role == R_PRE) {
        Pieces p = {{NULL, 0, 0}, 0, 0};
        if (pre_text(&p, node) < 0) {
            buffer_free(&p.buffer);
            return -1;
        }
        Py_ssize_t start = 0, end = p.buffer.size;
        while (start < end && p.buffer.data[start] == '\n') {
            start++;
        }
        while (end > start && p.buffer.data[end - 1] == '\n') {
            end--;
        }
        PyObject *text =
            PyUnicode_DecodeUTF8(p.buffer.data ? p.buffer.data + start : "", end - start,
                                 "replace");
        buffer_free(&p.buffer);
        if (text == NULL) {
            return -1;
        }
        /* text.strip() is not empty: some code point is not whitespace */
        int kind_data = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        int visible = 0;
        for (Py_ssize_t k = 0; k < PyUnicode_GET_LENGTH(text); k++) {
            if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind_data, data, k))) {
                visible = 1;
                break;
            }
        }
        int status = visible ? add_block(w, K_CODE, text, 0) : 0;
        Py_DECREF(text);
        return status;
    }
    if (role == R_TABLE) {
        int data = is_data_table(w, node);
        if (data < 0) {
            return -1;
        }
        if (data) {
            return w->include_tables ? w_table(w, node) : 0;
        }
        if (w_walk(w, node, kind) < 0) {
            return -1;
        }
        return w_flush(w, kind, 0);
    }
    int inner;
    if (role == R_LI || role == R_DT || role == R_DD) {
        inner = kind == K_QUOTE ? K_QUOTE : K_LIST_ITEM;
    }
    else if (role == R_BLOCKQUOTE) {
        inner = K_QUOTE;
    }
    else if (kind == K_LIST_ITEM || kind == K_QUOTE) {
        inner = kind;
    }
    else {
        inner = K_PARAGRAPH;
    }
    if (w_inner(w, node, inner) < 0) {
        return -1;
    }
    return w_flush(w, inner, 0);
}

static PyObject *
speedups_write(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *chosen, *by_id, *kept;
    int include_tables, listing;
    double limit, prune_max_share, story_beside_comments, link_farm_max_text;
    if (!PyArg_ParseTuple(args, "O!O!O!ppdddd:write", &PyList_Type, &chosen, &PyDict_Type,
                          &by_id, &PyDict_Type, &kept, &include_tables, &listing, &limit,
                          &prune_max_share, &story_beside_comments, &link_farm_max_text)) {
        return NULL;
    }
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "_speedups.configure() was not called");
        return NULL;
    }
    Writer w = {by_id,
                kept,
                PyList_New(0),
                include_tables,
                listing,
                limit,
                prune_max_share,
                story_beside_comments,
                link_farm_max_text,
                {NULL, 0, 0},
                {NULL, 0, 0},
                0};
    if (w.blocks == NULL) {
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(chosen);
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *item = PyList_GET_ITEM(chosen, k);
        if (!PyObject_TypeCheck(item, &StatType)) {
            PyErr_SetString(PyExc_TypeError, "write() takes _speedups.Stat objects");
            goto fail;
        }
        lxb_dom_node_t *node = node_at(((StatObject *)item)->mem_id);
        PyObject *tag;
        unsigned int flags;
        if (element_info(node, &tag, &flags) < 0) {
            goto fail;
        }
        Py_XDECREF(tag);
        if (flags & F_INLINE) {
            if (w_walk(&w, node, K_PARAGRAPH) < 0 || w_flush(&w, K_PARAGRAPH, 0) < 0) {
                goto fail;
            }
        }
        else if (w_block(&w, node, flags, K_PARAGRAPH) < 0) {
            goto fail;
        }
    }
    if (w_flush(&w, K_PARAGRAPH, 0) < 0) {
        goto fail;
    }
    buffer_free(&w.buffer);
    buffer_free(&w.scratch);
    return w.blocks;
fail:
    buffer_free(&w.buffer);
    buffer_free(&w.scratch);
    Py_DECREF(w.blocks);
    return NULL;
}

/* ---- the DOM stage's semantic passes (boilerplate.py) ------------------------------- */

/* boilerplate.py is the reference: DomScan.of, _expandable, remove_never_content,
 * _remove_signup_boxes, and strip_boilerplate's hidden and chrome passes (with
 * _holds_content, _inside_content and VocabularyPruner's content set) are mirrored here.
 * The elements are found by one pre-order walk instead of the CSS union query: an element
 * that the query lists is one that the classification below can place, and the query lists
 * an element once per selector it matches (`hits`), which the removal counts repeat. */

enum {
    A_ROLE = 1 << 0,
    A_STYLE = 1 << 1,
    A_HIDDEN = 1 << 2,
    A_ARIA_HIDDEN = 1 << 3,
    A_ARIA_MODAL = 1 << 4,
    A_ARIA_CONTROLS = 1 << 5,
    A_ITEMPROP = 1 << 6,
    A_ARIA_LABELLEDBY = 1 << 7,
    A_ID = 1 << 8,
    A_SCANNED = A_ROLE | A_STYLE | A_HIDDEN | A_ARIA_HIDDEN | A_ARIA_MODAL | A_ARIA_CONTROLS |
                A_ITEMPROP, /* the attribute selectors of _SCAN */
};

typedef struct {
    const lxb_char_t *data;
    size_t length; /* data NULL: absent or valueless */
} Value;

/* The attributes the DOM stage reads, as node.attributes gives them (the last of a name). */
typedef struct {
    unsigned int present;
    Value role, style, itemprop, aria_hidden, aria_modal;
    lxb_dom_attr_t *aria_controls, *id;
} DomAttrs;

static const struct {
    const char *name;
    size_t length;
    unsigned int bit;
} DOM_ATTRS[] = {
    {"role", 4, A_ROLE},
    {"style", 5, A_STYLE},
    {"hidden", 6, A_HIDDEN},
    {"aria-hidden", 11, A_ARIA_HIDDEN},
    {"aria-modal", 10, A_ARIA_MODAL},
    {"aria-controls", 13, A_ARIA_CONTROLS},
    {"itemprop", 8, A_ITEMPROP},
    {"aria-labelledby", 15, A_ARIA_LABELLEDBY},
    {"id", 2, A_ID},
};

static void
dom_attrs(lxb_dom_node_t *node, DomAttrs *a)
{
    memset(a, 0, sizeof(*a));
    for (lxb_dom_attr_t *attr = ((lxb_dom_element_t *)node)->first_attr; attr != NULL;
         attr = attr->next) {
        size_t length = 0;
        const lxb_char_t *name = attr_qualified_name(attr, &length);
        if (name == NULL) {
            continue;
        }
        for (size_t k = 0; k < sizeof(DOM_ATTRS) / sizeof(DOM_ATTRS[0]); k++) {
            if (length != DOM_ATTRS[k].length || memcmp(name, DOM_ATTRS[k].name, length) != 0) {
                continue;
            }
            unsigned int bit = DOM_ATTRS[k].bit;
            a->present |= bit;
            Value *value = bit == A_ROLE          ? &a->role
                           : bit == A_STYLE       ? &a->style
                           : bit == A_ITEMPROP    ? &a->itemprop
                           : bit == A_ARIA_HIDDEN ? &a->aria_hidden
                           : bit == A_ARIA_MODAL  ? &a->aria_modal
                                                  : NULL;
            if (value != NULL) {
                value->length = 0;
                value->data = attr_value(attr, &value->length);
            }
            else if (bit == A_ARIA_CONTROLS) {
                a->aria_controls = attr;
            }
            else if (bit == A_ID) {
                a->id = attr;
            }
            break;
        }
    }
}

static inline int
value_is(const Value *value, const char *text)
{
    size_t length = strlen(text);
    return value->data != NULL && value->length == length &&
           memcmp(value->data, text, length) == 0;
}

static int
bytes_contain(const lxb_char_t *data, size_t length, const char *needle, int ascii_nocase)
{
    size_t n = strlen(needle);
    if (data == NULL || n > length) {
        return 0;
    }
    for (size_t at = 0; at + n <= length; at++) {
        size_t k = 0;
        for (; k < n; k++) {
            lxb_char_t c = data[at + k];
            if (ascii_nocase && c >= 'A' && c <= 'Z') {
                c = (lxb_char_t)(c + 32);
            }
            if (c != (lxb_char_t)needle[k]) {
                break;
            }
        }
        if (k == n) {
            return 1;
        }
    }
    return 0;
}

/* The element's flags (0 for a node native.py does not treat as an element). */
static int
dom_flags(lxb_dom_node_t *node, unsigned int *flags)
{
    PyObject *name;
    if (element_info(node, &name, flags) < 0) {
        return -1;
    }
    if (name == NULL) {
        *flags = 0;
        return 0;
    }
    Py_DECREF(name);
    return 1;
}

/* HIDDEN_STYLES: case-sensitive substrings of the style attribute */
static const char *const HIDDEN_STYLE_NEEDLES[] = {"display:none", "display: none",
                                                   "visibility:hidden", "visibility: hidden"};

static int
hidden_style(const Value *style)
{
    for (size_t k = 0; k < 4; k++) {
        if (bytes_contain(style->data, style->length, HIDDEN_STYLE_NEEDLES[k], 0)) {
            return 1;
        }
    }
    return 0;
}

/* node.css_first(CONTENT_MARKERS) is not None or node.tag in ("article", "main"): the node
 * itself or an element below it is article/main, [role=main], [itemprop=articleBody|text] */
static int
holds_content(lxb_dom_node_t *root)
{
    for (lxb_dom_node_t *node = root; node != NULL;
         node = node == root ? (root->first_child) : next_in(node, root)) {
        unsigned int flags;
        int element = dom_flags(node, &flags);
        if (element < 0) {
            return -1;
        }
        if (node->type != LXB_DOM_NODE_TYPE_ELEMENT) {
            continue;
        }
        if (flags & F_CONTENT_TAG) {
            return 1;
        }
        DomAttrs a;
        dom_attrs(node, &a);
        if (value_is(&a.role, "main") || value_is(&a.itemprop, "articleBody") ||
            value_is(&a.itemprop, "text")) {
            return 1;
        }
    }
    return 0;
}

/* _inside_content: an ancestor is article/main or has itemprop=articleBody */
static int
inside_content(lxb_dom_node_t *node)
{
    for (lxb_dom_node_t *parent = node->parent; parent != NULL; parent = parent->parent) {
        unsigned int flags;
        int element = dom_flags(parent, &flags);
        if (element < 0) {
            return -1;
        }
        if (element == 0) {
            continue;
        }
        if (flags & F_CONTENT_TAG) {
            return 1;
        }
        DomAttrs a;
        dom_attrs(parent, &a);
        if (value_is(&a.itemprop, "articleBody")) {
            return 1;
        }
    }
    return 0;
}

/* form.css_first(SIGNUP_INPUTS): input[type=email] (type: ASCII case-insensitive, as lexbor
 * matches it) or input[name*=mail i] at or below the form */
static int
asks_for_email(lxb_dom_node_t *form)
{
    for (lxb_dom_node_t *node = form; node != NULL;
         node = node == form ? form->first_child : next_in(node, form)) {
        unsigned int flags;
        int element = dom_flags(node, &flags);
        if (element < 0) {
            return -1;
        }
        if (element == 0 || !(flags & F_INPUT)) {
            continue;
        }
        for (lxb_dom_attr_t *attr = ((lxb_dom_element_t *)node)->first_attr; attr != NULL;
             attr = attr->next) {
            size_t length = 0;
            const lxb_char_t *name = attr_qualified_name(attr, &length);
            if (name == NULL) {
                continue;
            }
            size_t value_length = 0;
            if (length == 4 && memcmp(name, "type", 4) == 0) {
                const lxb_char_t *value = attr_value(attr, &value_length);
                if (value != NULL && value_length == 5 &&
                    PyOS_strnicmp((const char *)value, "email", 5) == 0) {
                    return 1;
                }
            }
            else if (length == 4 && memcmp(name, "name", 4) == 0) {
                const lxb_char_t *value = attr_value(attr, &value_length);
                if (bytes_contain(value, value_length, "mail", 1)) {
                    return 1;
                }
            }
        }
    }
    return 0;
}

typedef struct {
    lxb_dom_node_t *node;
    Py_ssize_t hits;
} Listed;

typedef struct {
    Listed *items;
    Py_ssize_t size, capacity;
} List;

static int
list_add(List *list, lxb_dom_node_t *node, Py_ssize_t hits)
{
    if (list->size == list->capacity) {
        Py_ssize_t capacity = list->capacity ? 2 * list->capacity : 16;
        Listed *items = PyMem_Realloc(list->items, (size_t)capacity * sizeof(Listed));
        if (items == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        list->items = items;
        list->capacity = capacity;
    }
    list->items[list->size].node = node;
    list->items[list->size].hits = hits;
    list->size++;
    return 0;
}

/* [mem_id, hits, mem_id, hits, ...] */
static PyObject *
list_out(const List *list, int with_hits)
{
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    for (Py_ssize_t k = 0; k < list->size; k++) {
        PyObject *id = PyLong_FromUnsignedLongLong((uintptr_t)list->items[k].node);
        if (id == NULL || PyList_Append(out, id) < 0) {
            Py_XDECREF(id);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(id);
        if (with_hits) {
            PyObject *hits = PyLong_FromSsize_t(list->items[k].hits);
            if (hits == NULL || PyList_Append(out, hits) < 0) {
                Py_XDECREF(hits);
                Py_DECREF(out);
                return NULL;
            }
            Py_DECREF(hits);
        }
    }
    return out;
}

/* The decoded value of an attribute (new reference; None when valueless). */
static PyObject *
attr_text(lxb_dom_attr_t *attr)
{
    size_t length = 0;
    const lxb_char_t *value = attr_value(attr, &length);
    if (value == NULL) {
        Py_RETURN_NONE;
    }
    return PyUnicode_DecodeUTF8((const char *)value, (Py_ssize_t)length, "replace");
}

/* dom_never(html_id, root_id, form_max_chars, box_max_chars, max_share)
 *
 * DomScan.of, then remove_never_content: returns (removed, hidden, chrome, markers, hints)
 * with hidden and chrome as [mem_id, hits, ...] (the hidden ones already filtered by
 * _expandable), or None, with the tree untouched, when <html>, <head> or <body> would be
 * judged (selectolax re-points its head/body on their removal: the Python path handles it).
 * root_id is tree.body or tree.root. */
static PyObject *
speedups_dom_never(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long html_id, root_id;
    Py_ssize_t form_max, box_max;
    double share;
    if (!PyArg_ParseTuple(args, "KKnnd:dom_never", &html_id, &root_id, &form_max, &box_max,
                          &share)) {
        return NULL;
    }
    List never = {0}, hidden = {0}, chrome = {0}, markers = {0}, forms = {0}, hints = {0};
    PyObject *controlled = NULL, *result = NULL;
    lxb_dom_node_t *html = node_at(html_id);
    lxb_dom_node_t *root = node_at(root_id);
    int fallback = 0;
    for (lxb_dom_node_t *node = html; node != NULL;
         node = node == html ? html->first_child : next_in(node, html)) {
        unsigned int flags;
        int element = dom_flags(node, &flags);
        if (element < 0) {
            goto done;
        }
        if (element == 0) {
            continue;
        }
        DomAttrs a;
        dom_attrs(node, &a);
        unsigned int scanned = a.present & A_SCANNED;
        Py_ssize_t hits = (flags & F_SCAN_TAG) ? 1 : 0;
        for (unsigned int bits = scanned; bits; bits &= bits - 1) {
            hits++;
        }
        if (hits == 0) {
            continue;
        }
        const Value *role = &a.role;
        int is_never = (flags & F_NEVER_TAG) || value_is(&a.aria_modal, "true");
        if (!is_never && role->data != NULL) {
            static const char *const never_roles[] = {
                "navigation", "search", "dialog", "alertdialog",
                "menu",       "menubar", "banner", "contentinfo"};
            for (size_t k = 0; k < 8 && !is_never; k++) {
                is_never = value_is(role, never_roles[k]);
            }
        }
        int is_hidden = 0, is_chrome = 0;
        if (!is_never) {
            is_hidden = (flags & F_NOSCRIPT) || (a.present & A_HIDDEN) ||
                        value_is(&a.aria_hidden, "true") ||
                        (a.style.data != NULL && hidden_style(&a.style));
            unsigned int parent_flags = 0;
            if ((flags & F_HEADER) && node->parent != NULL &&
                dom_flags(node->parent, &parent_flags) < 0) {
                goto done;
            }
            is_chrome = (flags & F_CHROME_TAG) || value_is(role, "complementary") ||
                        ((flags & F_HEADER) && (parent_flags & F_BODY));
        }
        if ((flags & F_TOP) && (is_never || is_hidden || is_chrome)) {
            fallback = 1;
            break;
        }
        if (is_never) {
            if (list_add(&never, node, hits) < 0) {
                goto done;
            }
            continue;
        }
        if (a.aria_controls != NULL) {
            PyObject *controls = attr_text(a.aria_controls);
            if (controls == NULL) {
                goto done;
            }
            if (controls != Py_None && PyUnicode_GET_LENGTH(controls) > 0) {
                PyObject *parts = PyUnicode_Split(controls, NULL, -1);
                if (parts == NULL) {
                    Py_DECREF(controls);
                    goto done;
                }
                if (controlled == NULL && (controlled = PySet_New(NULL)) == NULL) {
                    Py_DECREF(parts);
                    Py_DECREF(controls);
                    goto done;
                }
                int status = 0;
                for (Py_ssize_t k = 0; k < PyList_GET_SIZE(parts) && status == 0; k++) {
                    status = PySet_Add(controlled, PyList_GET_ITEM(parts, k));
                }
                Py_DECREF(parts);
                if (status < 0) {
                    Py_DECREF(controls);
                    goto done;
                }
            }
            Py_DECREF(controls);
        }
        if (is_hidden && list_add(&hidden, node, hits) < 0) {
            goto done;
        }
        if (is_chrome && list_add(&chrome, node, hits) < 0) {
            goto done;
        }
        int hint = value_is(&a.itemprop, "articleBody") || value_is(&a.itemprop, "text");
        if (hint || value_is(&a.itemprop, "reviewBody")) {
            /* listed once per selector matched, as the query lists it */
            for (Py_ssize_t k = 0; k < hits; k++) {
                if (list_add(&hints, node, 1) < 0) {
                    goto done;
                }
            }
        }
        if (((flags & F_CONTENT_TAG) || value_is(role, "main") || hint) &&
            list_add(&markers, node, 1) < 0) {
            goto done;
        }
        if (flags & F_FORM) {
            int asks = asks_for_email(node);
            if (asks < 0 || (asks && list_add(&forms, node, 1) < 0)) {
                goto done;
            }
        }
    }
    if (fallback) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    /* _expandable: a region or tab panel, labelled by its toggle, or named by a toggle */
    Py_ssize_t kept = 0;
    for (Py_ssize_t k = 0; k < hidden.size; k++) {
        lxb_dom_node_t *node = hidden.items[k].node;
        unsigned int flags;
        if (dom_flags(node, &flags) < 0) {
            goto done;
        }
        int expandable = 0;
        if (!(flags & F_NOSCRIPT)) {
            DomAttrs a;
            dom_attrs(node, &a);
            expandable = value_is(&a.role, "region") || value_is(&a.role, "tabpanel") ||
                         (a.present & A_ARIA_LABELLEDBY);
            if (!expandable && a.id != NULL && controlled != NULL) {
                PyObject *id = attr_text(a.id);
                if (id == NULL) {
                    goto done;
                }
                expandable = id != Py_None ? PySet_Contains(controlled, id) : 0;
                Py_DECREF(id);
                if (expandable < 0) {
                    goto done;
                }
            }
        }
        if (!expandable) {
            hidden.items[kept++] = hidden.items[k];
        }
    }
    hidden.size = kept;
    /* remove_never_content */
    Py_ssize_t removed = 0;
    for (Py_ssize_t k = 0; k < never.size; k++) {
        remove_deep(never.items[k].node);
        removed += never.items[k].hits;
    }
    /* _remove_signup_boxes */
    if (forms.size) {
        Py_ssize_t page = separated_text_length(root);
        if (page < 0) {
            goto done;
        }
        double limit = share * (double)page;
        if ((double)box_max < limit) {
            limit = (double)box_max;
        }
        for (Py_ssize_t k = 0; k < forms.size; k++) {
            lxb_dom_node_t *box = forms.items[k].node;
            if (box->parent == NULL) {
                continue;
            }
            Py_ssize_t chars = separated_text_length(box);
            if (chars < 0) {
                goto done;
            }
            if (chars > form_max) {
                continue;
            }
            lxb_dom_node_t *parent = box->parent;
            while (parent != NULL) {
                unsigned int flags;
                int element = dom_flags(parent, &flags);
                if (element < 0) {
                    goto done;
                }
                if (element && (flags & F_SIGNUP_STOP)) {
                    break;
                }
                chars = separated_text_length(parent);
                if (chars < 0) {
                    goto done;
                }
                if ((double)chars > limit) {
                    break;
                }
                int holds = holds_content(parent);
                if (holds < 0) {
                    goto done;
                }
                if (holds) {
                    break;
                }
                box = parent;
                parent = box->parent;
            }
            remove_deep(box);
            removed++;
        }
    }
    PyObject *lists[4] = {list_out(&hidden, 1), list_out(&chrome, 1), list_out(&markers, 0),
                          list_out(&hints, 0)};
    if (lists[0] && lists[1] && lists[2] && lists[3]) {
        result = Py_BuildValue("(nNNNN)", removed, lists[0], lists[1], lists[2], lists[3]);
    }
    else {
        for (int k = 0; k < 4; k++) {
            Py_XDECREF(lists[k]);
        }
    }
done:
    PyMem_Free(never.items);
    PyMem_Free(hidden.items);
    PyMem_Free(chrome.items);
    PyMem_Free(markers.items);
    PyMem_Free(forms.items);
    PyMem_Free(hints.items);
    Py_XDECREF(controlled);
    return result;
}

/* dom_strip(root_id, hidden, chrome, markers, max_share)
 *
 * strip_boilerplate's hidden and chrome passes after dom_never (same lists), then the
 * content set VocabularyPruner keeps: (hidden removed, chrome removed, page_length,
 * {mem_id of each marker and of its ancestors}). */
static PyObject *
speedups_dom_strip(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long root_id;
    PyObject *hidden, *chrome, *markers;
    double share;
    if (!PyArg_ParseTuple(args, "KO!O!O!d:dom_strip", &root_id, &PyList_Type, &hidden,
                          &PyList_Type, &chrome, &PyList_Type, &markers, &share)) {
        return NULL;
    }
    Py_ssize_t page = separated_text_length(node_at(root_id));
    if (page < 0) {
        return NULL;
    }
    if (page < 1) {
        page = 1;
    }
    double limit = share * (double)page;
    Py_ssize_t counts[2] = {0, 0};
    PyObject *lists[2] = {hidden, chrome};
    for (int pass = 0; pass < 2; pass++) {
        PyObject *list = lists[pass];
        for (Py_ssize_t k = 0; k + 1 < PyList_GET_SIZE(list); k += 2) {
            unsigned long long id = PyLong_AsUnsignedLongLong(PyList_GET_ITEM(list, k));
            Py_ssize_t hits = PyLong_AsSsize_t(PyList_GET_ITEM(list, k + 1));
            if (PyErr_Occurred()) {
                return NULL;
            }
            lxb_dom_node_t *node = node_at(id);
            if (pass == 1) {
                int inside = inside_content(node);
                if (inside < 0) {
                    return NULL;
                }
                int holds = inside ? 0 : holds_content(node);
                if (holds < 0) {
                    return NULL;
                }
                if (inside || holds) {
                    continue;
                }
            }
            Py_ssize_t chars = separated_text_length(node);
            if (chars < 0) {
                return NULL;
            }
            if ((double)chars < limit) {
                remove_deep(node);
                counts[pass] += hits;
            }
        }
    }
    PyObject *content = PySet_New(NULL);
    if (content == NULL) {
        return NULL;
    }
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(markers); k++) {
        unsigned long long id = PyLong_AsUnsignedLongLong(PyList_GET_ITEM(markers, k));
        if (PyErr_Occurred()) {
            Py_DECREF(content);
            return NULL;
        }
        for (lxb_dom_node_t *node = node_at(id); node != NULL; node = node->parent) {
            PyObject *key = PyLong_FromUnsignedLongLong((uintptr_t)node);
            if (key == NULL) {
                Py_DECREF(content);
                return NULL;
            }
            int seen = PySet_Contains(content, key);
            if (seen == 0) {
                seen = PySet_Add(content, key) < 0 ? -1 : 0;
            }
            Py_DECREF(key);
            if (seen < 0) {
                Py_DECREF(content);
                return NULL;
            }
            if (seen) {
                break;
            }
        }
    }
    return Py_BuildValue("(nnnN)", counts[0], counts[1], page, content);
}

/* ---- helpers for native.py ----------------------------------------------------------- */

/* lexbor's tag id of the node at mem_id (its local_name) */
static PyObject *
speedups_tag_id(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long mem_id;
    if (!PyArg_ParseTuple(args, "K:tag_id", &mem_id)) {
        return NULL;
    }
    return PyLong_FromSize_t((size_t)node_at(mem_id)->local_name);
}

/* The pre-order view of a subtree that the self-test compares with selectolax's API:
 * ("e", tag, class_and_id) per element, ("t", text_content) per text node. */
static PyObject *
speedups_describe(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long root_id;
    if (!PyArg_ParseTuple(args, "K:describe", &root_id)) {
        return NULL;
    }
    lxb_dom_node_t *root = node_at(root_id);
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    for (lxb_dom_node_t *node = root->first_child; node != NULL; node = next_in(node, root)) {
        PyObject *item = NULL;
        if (is_text(node)) {
            const lexbor_str_t *str = text_data(node);
            if (str == NULL) {
                continue;
            }
            item = Py_BuildValue("(sN)", "t",
                                 PyUnicode_DecodeUTF8((const char *)str->data,
                                                      (Py_ssize_t)str->length, "replace"));
        }
        else {
            PyObject *tag;
            unsigned int flags;
            if (element_info(node, &tag, &flags) < 0) {
                goto fail;
            }
            if (tag == NULL) {
                continue;
            }
            item = Py_BuildValue("(sNNI)", "e", tag, marker_of(node), flags);
        }
        if (item == NULL || PyList_Append(out, item) < 0) {
            Py_XDECREF(item);
            goto fail;
        }
        Py_DECREF(item);
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* configure(remove, element_name, attr_name, attr_value, text_id, tags, flags, raw_block)
 * tags: {lexbor tag id: name} for the names the code uses; flags: {name: flag bits}. */
static PyObject *
speedups_configure(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long remove_addr, element_name_addr, attr_name_addr, attr_value_addr, text;
    PyObject *tags, *flags, *block;
    if (!PyArg_ParseTuple(args, "KKKKKO!O!O:configure", &remove_addr, &element_name_addr,
                          &attr_name_addr, &attr_value_addr, &text, &PyDict_Type, &tags,
                          &PyDict_Type, &flags, &block)) {
        return NULL;
    }
    if (!remove_addr || !element_name_addr || !attr_name_addr || !attr_value_addr) {
        PyErr_SetString(PyExc_ValueError, "a lexbor function address is missing");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < TABLE_SIZE; k++) {
        Py_CLEAR(tag_table[k].name);
        tag_table[k].flags = 0;
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(tags, &pos, &key, &value)) {
        unsigned long long id = PyLong_AsUnsignedLongLong(key);
        if (PyErr_Occurred()) {
            return NULL;
        }
        if (id >= TABLE_SIZE || !PyUnicode_Check(value)) {
            continue; /* not a static lexbor id: looked up by name instead */
        }
        PyObject *bits = PyDict_GetItemWithError(flags, value);
        if (bits == NULL && PyErr_Occurred()) {
            return NULL;
        }
        tag_table[id].name = Py_NewRef(value);
        PyUnicode_InternInPlace(&tag_table[id].name);
        tag_table[id].flags = bits != NULL ? (unsigned int)PyLong_AsUnsignedLong(bits) : 0;
        if (PyErr_Occurred()) {
            return NULL;
        }
    }
    Py_XSETREF(name_flags, Py_NewRef(flags));
    Py_XSETREF(raw_block, Py_NewRef(block));
    node_remove = (lxb_dom_node_remove_f)(uintptr_t)remove_addr;
    element_qualified_name = (lxb_dom_element_qualified_name_f)(uintptr_t)element_name_addr;
    attr_qualified_name = (lxb_dom_attr_qualified_name_f)(uintptr_t)attr_name_addr;
    attr_value = (lxb_dom_attr_value_noi_f)(uintptr_t)attr_value_addr;
    text_id = (uintptr_t)text;
    configured = 1;
    Py_RETURN_NONE;
}

/* ---- the metadata walk (metadata.py) ------------------------------------------------- */

/* metadata.py is the reference: _read_page's Python branch (_scan, _time_facts,
 * _byline_nodes, _byline_text_nodes, _inside_comments) is mirrored here by one pre-order walk
 * that lists each element as lexbor's queries would: once per selector of a list it matches
 * (selectors.c: type selectors compare the local name in any namespace; attribute selectors
 * read the element's first attribute of that name and compare case-sensitively, except the
 * HTML attributes lexbor compares ASCII case-insensitively on HTML elements, `type` and `rel`
 * among those read here; class selectors fold ASCII case in quirks mode;
 * :lexbor-contains(... i) looks for the needle, folding ASCII case, in each child text node).
 * Texts come back as selectolax gives them (node_text: collapsed_text(node, " ")). */

/* dom/interfaces/document.h (leading fields): the compat mode class selectors depend on */
typedef struct {
    lxb_dom_node_t node;
    int compat_mode; /* lxb_dom_document_cmode_t */
} meta_document_t;

enum { META_CMODE_QUIRKS = 0x01, META_NS_HTML = 0x02 }; /* document.h, ns/const.h */

/* The tags the walk names, in the order of META_TAGS (their lexbor ids: meta_configure). */
enum {
    MT_META,
    MT_SCRIPT,
    MT_H1,
    MT_TITLE,
    MT_HTML,
    MT_LINK,
    MT_TIME,
    MT_A,
    MT_ADDRESS,
    MT_FOOTER,
    MT_ASIDE,
    MT_P, /* MT_P .. MT_STRONG: the :is() list of the byline text selectors */
    MT_SPAN,
    MT_DIV,
    MT_LI,
    MT_SMALL,
    MT_EM,
    MT_STRONG,
    MT_COUNT,
};
static const char *const META_TAG_NAMES[MT_COUNT] = {
    "meta",    "script", "h1",    "title", "html", "link", "time",  "a",     "address",
    "footer",  "aside",  "p",     "span",  "div",  "li",   "small", "em",    "strong",
};
static uintptr_t meta_tags[MT_COUNT];
static int meta_configured = 0;

/* The attributes the queries read: the first of each name (as selectors.c finds it). */
enum {
    MA_CLASS,
    MA_ID,
    MA_ITEMPROP,
    MA_REL,
    MA_HREF,
    MA_CONTENT,
    MA_TYPE,
    MA_DATETIME,
    MA_TESTID,
    MA_PROPERTY,
    MA_NAME,
    MA_HTTP_EQUIV,
    MA_PUBDATE,
    MA_COUNT,
};
static const char *const META_ATTR_NAMES[MA_COUNT] = {
    "class",   "id",       "itemprop",    "rel",  "href",       "content", "type",
    "datetime", "data-testid", "property", "name", "http-equiv", "pubdate",
};

static size_t meta_attr_lengths[MA_COUNT]; /* strlen of each name (meta_configure) */

typedef struct {
    unsigned int present; /* bit k: a->value[k] is set (the attribute is there) */
    Value value[MA_COUNT]; /* data NULL: valueless */
} MetaAttrs;

static const Value META_NO_VALUE = {NULL, 0};

static void
meta_attrs(lxb_dom_node_t *node, MetaAttrs *a)
{
    a->present = 0;
    for (lxb_dom_attr_t *attr = ((lxb_dom_element_t *)node)->first_attr; attr != NULL;
         attr = attr->next) {
        size_t length = 0;
        const lxb_char_t *name = attr_qualified_name(attr, &length);
        if (name == NULL) {
            continue;
        }
        for (int k = 0; k < MA_COUNT; k++) {
            if (!(a->present & (1u << k)) && meta_attr_lengths[k] == length &&
                memcmp(name, META_ATTR_NAMES[k], length) == 0) {
                a->present |= 1u << k;
                a->value[k].length = 0;
                a->value[k].data = attr_value(attr, &a->value[k].length);
                break;
            }
        }
    }
}

static inline int
meta_has(const MetaAttrs *a, int k)
{
    return (a->present >> k) & 1;
}

/* the attribute's value; data NULL when absent or valueless */
static inline const Value *
meta_value(const MetaAttrs *a, int k)
{
    return meta_has(a, k) ? &a->value[k] : &META_NO_VALUE;
}

/* [name=text]: the value (valueless: "") equals text; ASCII case folded when nocase */
static int
meta_equals(const MetaAttrs *a, int k, const char *text, int nocase)
{
    size_t length = strlen(text);
    if (!meta_has(a, k)) {
        return 0;
    }
    const Value *value = &a->value[k];
    if (value->data == NULL) {
        return length == 0;
    }
    if (value->length != length) {
        return 0;
    }
    return nocase ? PyOS_strnicmp((const char *)value->data, text, length) == 0
                  : memcmp(value->data, text, length) == 0;
}

/* Whether `needle` is in data[0:length], case-sensitively (bytes_contain, through memchr:
 * the walk asks this of every class attribute several times) */
static int
meta_find_n(const lxb_char_t *data, size_t length, const char *needle, size_t n)
{
    if (data == NULL || n == 0 || n > length) {
        return 0;
    }
    const lxb_char_t *end = data + length - n + 1;
    for (const lxb_char_t *at = data; at < end; at++) {
        at = memchr(at, needle[0], (size_t)(end - at));
        if (at == NULL) {
            return 0;
        }
        size_t k = 1;
        while (k < n && at[k] == (lxb_char_t)needle[k]) {
            k++;
        }
        if (k == n) {
            return 1;
        }
    }
    return 0;
}

/* meta_find_n for a string literal */
#define meta_find(data, length, needle) meta_find_n((data), (length), (needle), sizeof(needle) - 1)

/* [name*=text], case-sensitive */
static inline int
meta_contains_n(const MetaAttrs *a, int k, const char *text, size_t n)
{
    const Value *value = meta_value(a, k);
    return meta_find_n(value->data, value->length, text, n);
}
#define meta_contains(a, k, text) meta_contains_n((a), (k), (text), sizeof(text) - 1)

static inline int
meta_space(lxb_char_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* .token: a whitespace-separated token of the class attribute (ASCII case folded in quirks
 * mode), as lxb_selectors_match_class */
static int
meta_class_token(const MetaAttrs *a, const char *token, int quirks)
{
    const Value *value = meta_value(a, MA_CLASS);
    const lxb_char_t *data = value->data;
    size_t length = value->length, n = strlen(token);
    if (data == NULL || n > length) {
        return 0;
    }
    if (!quirks) {
        /* the token's occurrences, through memchr: class values can be long */
        const lxb_char_t *end = data + length - n + 1;
        for (const lxb_char_t *at = data; at < end; at++) {
            at = memchr(at, token[0], (size_t)(end - at));
            if (at == NULL) {
                return 0;
            }
            if (memcmp(at, token, n) == 0 && (at == data || meta_space(at[-1])) &&
                (at + n == data + length || meta_space(at[n]))) {
                return 1;
            }
        }
        return 0;
    }
    size_t start = 0;
    for (size_t at = 0; at <= length; at++) {
        if (at < length && !meta_space(data[at])) {
            continue;
        }
        if (at - start == n && PyOS_strnicmp((const char *)data + start, token, n) == 0) {
            return 1;
        }
        start = at + 1;
    }
    return 0;
}

static inline int
meta_tag(const lxb_dom_node_t *node, int tag)
{
    return node->local_name == meta_tags[tag];
}

/* lexbor compares these attributes ASCII case-insensitively on HTML elements */
static inline int
meta_html_nocase(const lxb_dom_node_t *node)
{
    return node->ns == META_NS_HTML;
}

/* script[type="application/ld+json"] */
static int
meta_is_jsonld(lxb_dom_node_t *node, const MetaAttrs *a)
{
    return meta_tag(node, MT_SCRIPT) &&
           meta_equals(a, MA_TYPE, "application/ld+json", meta_html_nocase(node));
}

/* link[rel=canonical][href] */
static int
meta_is_canonical(lxb_dom_node_t *node, const MetaAttrs *a)
{
    return meta_tag(node, MT_LINK) && meta_equals(a, MA_REL, "canonical", meta_html_nocase(node)) &&
           meta_has(a, MA_HREF);
}

/* _DATELINE_PARTS, in order */
enum { MD_ITEMPROP, MD_LOWER, MD_UPPER, MD_BYLINE, MD_COUNT };

static int
meta_dateline_part(const MetaAttrs *a, int part)
{
    switch (part) {
    case MD_ITEMPROP:
        return meta_equals(a, MA_ITEMPROP, "dateline", 0);
    case MD_LOWER:
        return meta_contains(a, MA_CLASS, "dateline");
    case MD_UPPER:
        return meta_contains(a, MA_CLASS, "Dateline");
    default:
        return meta_contains(a, MA_CLASS, "byline");
    }
}

typedef int (*MetaTest)(lxb_dom_node_t *node, const MetaAttrs *a, int arg);

static int
meta_test_part(lxb_dom_node_t *node, const MetaAttrs *a, int part)
{
    (void)node;
    return meta_dateline_part(a, part);
}

static int
meta_test_jsonld(lxb_dom_node_t *node, const MetaAttrs *a, int arg)
{
    (void)arg;
    return meta_is_jsonld(node, a);
}

static int
meta_test_canonical(lxb_dom_node_t *node, const MetaAttrs *a, int arg)
{
    (void)arg;
    return meta_is_canonical(node, a);
}

/* node.css_matches(selector): the node or an element below it passes the test */
static int
meta_matches(lxb_dom_node_t *root, MetaTest test, int arg)
{
    for (lxb_dom_node_t *node = root; node != NULL;
         node = node == root ? root->first_child : next_in(node, root)) {
        if (node->type != LXB_DOM_NODE_TYPE_ELEMENT) {
            continue;
        }
        MetaAttrs a;
        meta_attrs(node, &a);
        if (test(node, &a, arg)) {
            return 1;
        }
    }
    return 0;
}

/* How often tree.css(_BYLINE_SELECTOR) lists the element */
static const char *const META_BYLINE_HREFS[] = {
    "/author/",       "/authors/",      "/writer/", "/writers/",
    "/contributor/", "/contributors/", "/byline/",
};

enum { META_BYLINE_HREF_COUNT = sizeof(META_BYLINE_HREFS) / sizeof(META_BYLINE_HREFS[0]) };

/* How many of META_BYLINE_HREFS the href holds: one pass over its slashes */
static Py_ssize_t
meta_href_hits(const Value *href)
{
    const lxb_char_t *data = href->data;
    if (data == NULL) {
        return 0;
    }
    const lxb_char_t *end = data + href->length;
    unsigned int found = 0;
    for (const lxb_char_t *at = data; at < end; at++) {
        at = memchr(at, '/', (size_t)(end - at));
        if (at == NULL) {
            break;
        }
        for (int k = 0; k < META_BYLINE_HREF_COUNT; k++) {
            size_t n = strlen(META_BYLINE_HREFS[k]);
            if (!(found & (1u << k)) && (size_t)(end - at) >= n &&
                memcmp(at, META_BYLINE_HREFS[k], n) == 0) {
                found |= 1u << k;
            }
        }
    }
    Py_ssize_t hits = 0;
    for (; found; found &= found - 1) {
        hits++;
    }
    return hits;
}

static Py_ssize_t
meta_byline_hits(lxb_dom_node_t *node, const MetaAttrs *a, int quirks, int line)
{
    Py_ssize_t hits = meta_equals(a, MA_REL, "author", meta_html_nocase(node)) +
                      meta_equals(a, MA_ITEMPROP, "author", 0) +
                      (line && meta_contains(a, MA_CLASS, "byline")) +
                      meta_contains(a, MA_CLASS, "author") +
                      meta_contains(a, MA_ID, "byline") + meta_contains(a, MA_ID, "author") +
                      meta_contains(a, MA_TESTID, "byline") +
                      meta_contains(a, MA_TESTID, "author") +
                      meta_class_token(a, "writer", quirks) + meta_class_token(a, "by", quirks);
    if (meta_tag(node, MT_A)) {
        hits += meta_href_hits(meta_value(a, MA_HREF));
    }
    return hits;
}

enum { MB_WRITTEN = 1, MB_POSTED = 2, MB_BY = 4 };

/* Which of "written by", "posted by" and "by " (ASCII case folded, as lexbor's
 * :lexbor-contains(... i)) are in the text: all three hold "by", so its "y"s and "Y"s are
 * found by memchr (body text is most of a page's bytes) and each is checked */
static int
meta_by_needles(const lxb_char_t *s, size_t length)
{
    static const lxb_char_t letters[] = {'y', 'Y'};
    int found = 0;
    const lxb_char_t *end = s + length;
    for (int pass = 0; pass < 2 && found != (MB_WRITTEN | MB_POSTED | MB_BY); pass++) {
        for (const lxb_char_t *y = s + 1; y < end; y++) {
            y = memchr(y, letters[pass], (size_t)(end - y));
            if (y == NULL) {
                break;
            }
            if ((y[-1] | 0x20) != 'b') { /* | 0x20 folds "B", and only it, onto "b" */
                continue;
            }
            size_t at = (size_t)(y - s);
            if (y + 1 < end && y[1] == ' ') {
                found |= MB_BY;
            }
            if (at >= 9 && PyOS_strnicmp((const char *)y - 9, "written ", 8) == 0) {
                found |= MB_WRITTEN;
            }
            if (at >= 8 && PyOS_strnicmp((const char *)y - 8, "posted ", 7) == 0) {
                found |= MB_POSTED;
            }
        }
    }
    return found;
}

/* How often tree.css(_BYLINE_TEXT_SELECTOR) lists the element */
static Py_ssize_t
meta_byline_text_hits(lxb_dom_node_t *node)
{
    int address = meta_tag(node, MT_ADDRESS), listed = address;
    for (int tag = MT_P; tag <= MT_STRONG && !listed; tag++) {
        listed = meta_tag(node, tag);
    }
    if (!listed) {
        return 0;
    }
    int found = 0;
    for (lxb_dom_node_t *child = node->first_child; child != NULL; child = child->next) {
        const lexbor_str_t *str = text_data(child);
        if (str != NULL) {
            found |= meta_by_needles(str->data, str->length);
        }
    }
    if (address) {
        return (found & MB_BY) != 0;
    }
    return ((found & MB_WRITTEN) != 0) + ((found & MB_POSTED) != 0) + ((found & MB_BY) != 0);
}

/* attr(node, name) as a str: "" when absent or valueless */
static PyObject *
meta_attr(lxb_dom_node_t *node, const char *name)
{
    PyObject *value = attribute(node, name, 0, 0);
    if (value == NULL && PyErr_Occurred()) {
        return NULL;
    }
    if (value == NULL || value == Py_None) {
        Py_XDECREF(value);
        return Py_NewRef(str_empty);
    }
    return value;
}

/* node.attributes.get(name), the last attribute of that exact name: None when absent */
static PyObject *
meta_attributes_get(lxb_dom_node_t *node, const char *name)
{
    PyObject *value = attribute(node, name, 1, 1);
    if (value == NULL && !PyErr_Occurred()) {
        Py_RETURN_NONE;
    }
    return value;
}

/* str.strip(): the Py_UNICODE_ISSPACE characters off both ends, new reference */
static PyObject *
meta_strip(PyObject *text)
{
    Py_ssize_t start = 0, end = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    while (start < end && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, start))) {
        start++;
    }
    while (end > start && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, end - 1))) {
        end--;
    }
    return PyUnicode_Substring(text, start, end);
}

/* key.strip().casefold(), new reference: an ASCII key without capitals is its own casefold */
static PyObject *
meta_key(PyObject *raw)
{
    PyObject *key = meta_strip(raw);
    if (key == NULL) {
        return NULL;
    }
    int plain = PyUnicode_IS_ASCII(key);
    const Py_UCS1 *data = plain ? PyUnicode_1BYTE_DATA(key) : NULL;
    for (Py_ssize_t at = 0; plain && at < PyUnicode_GET_LENGTH(key); at++) {
        plain = !(data[at] >= 'A' && data[at] <= 'Z');
    }
    if (!plain) {
        Py_SETREF(key, PyObject_CallMethod(key, "casefold", NULL));
    }
    return key;
}

/* meta.setdefault(key, []).append(content) */
static int
meta_file(PyObject *meta, PyObject *key, PyObject *content)
{
    PyObject *filed = PyDict_GetItemWithError(meta, key); /* borrowed */
    if (filed != NULL) {
        return PyList_Append(filed, content);
    }
    if (PyErr_Occurred()) {
        return -1;
    }
    PyObject *list = PyList_New(1);
    if (list == NULL) {
        return -1;
    }
    PyList_SET_ITEM(list, 0, Py_NewRef(content));
    int status = PyDict_SetItem(meta, key, list);
    Py_DECREF(list);
    return status;
}

/* metadata._add_meta for one <meta content>: the stripped content filed under each key
 * attribute (_KEY_ATTRS, read as node.attributes gives them) that strips and casefolds to a
 * non-empty key, in order and as often as keys repeat */
static int
meta_add(PyObject *meta, lxb_dom_node_t *node)
{
    static const char *const keys[] = {"property", "name", "itemprop", "http-equiv"};
    PyObject *raw = attribute(node, "content", 1, 1);
    if (raw == NULL || raw == Py_None) {
        Py_XDECREF(raw);
        return PyErr_Occurred() ? -1 : 0;
    }
    PyObject *content = meta_strip(raw);
    Py_DECREF(raw);
    if (content == NULL) {
        return -1;
    }
    int status = 0;
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]) && status == 0 &&
                       PyUnicode_GET_LENGTH(content) > 0;
         k++) {
        PyObject *value = attribute(node, keys[k], 1, 1);
        if (value == NULL || value == Py_None) {
            Py_XDECREF(value);
            status = PyErr_Occurred() ? -1 : 0;
            continue;
        }
        PyObject *key = meta_key(value);
        Py_DECREF(value);
        if (key == NULL) {
            status = -1;
        }
        else if (PyUnicode_GET_LENGTH(key) > 0) {
            status = meta_file(meta, key, content);
        }
        Py_XDECREF(key);
    }
    Py_DECREF(content);
    return status;
}

/* _time_facts for one node: (attr datetime or attr content or node_text, marker, pubdate) */
static PyObject *
meta_time_facts(lxb_dom_node_t *node, const MetaAttrs *a)
{
    PyObject *raw = meta_attr(node, "datetime");
    if (raw != NULL && PyUnicode_GET_LENGTH(raw) == 0) {
        Py_SETREF(raw, meta_attr(node, "content"));
    }
    if (raw != NULL && PyUnicode_GET_LENGTH(raw) == 0) {
        Py_SETREF(raw, collapsed_text(node, " "));
    }
    PyObject *cls = meta_attr(node, "class");
    PyObject *itemprop = meta_attr(node, "itemprop");
    PyObject *pubdate = meta_attr(node, "pubdate");
    PyObject *out = NULL;
    if (raw != NULL && cls != NULL && itemprop != NULL && pubdate != NULL) {
        PyObject *marker = PyUnicode_FromFormat("%U %U %U", cls, itemprop, pubdate);
        if (marker != NULL) {
            lxb_dom_attr_t *found = NULL; /* attrs.get: the first of the name, any case */
            for (lxb_dom_attr_t *attr = ((lxb_dom_element_t *)node)->first_attr;
                 attr != NULL && found == NULL; attr = attr->next) {
                size_t length = 0;
                const lxb_char_t *name = attr_qualified_name(attr, &length);
                if (name != NULL && length == 7 && PyOS_strnicmp((const char *)name, "pubdate", 7) == 0) {
                    found = attr;
                }
            }
            size_t length = 0;
            int has = found != NULL && attr_value(found, &length) != NULL;
            out = Py_BuildValue("(NNO)", Py_NewRef(raw), marker, has ? Py_True : Py_False);
        }
    }
    (void)a;
    Py_XDECREF(raw);
    Py_XDECREF(cls);
    Py_XDECREF(itemprop);
    Py_XDECREF(pubdate);
    return out;
}

static int
meta_append(PyObject *list, PyObject *item)
{
    if (item == NULL) {
        return -1;
    }
    int status = PyList_Append(list, item);
    Py_DECREF(item);
    return status;
}

/* [mem_id, hits] appended to list */
static int
meta_append_listing(PyObject *list, lxb_dom_node_t *node, Py_ssize_t hits)
{
    if (meta_append(list, PyLong_FromUnsignedLongLong((uintptr_t)node)) < 0) {
        return -1;
    }
    return meta_append(list, PyLong_FromSsize_t(hits));
}

/* meta_scan(root_id, h1s_read, datelines_read): metadata._read_page's values in one walk,
 * (meta, scripts, h1_texts, title, language, canonical, datelines, times, bylines) with meta
 * as _add_meta files it and bylines as [mem_id, hits, ...]; the text bylines come from
 * meta_byline_texts. */
static PyObject *
speedups_meta_scan(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long root_id;
    Py_ssize_t h1s_read, datelines_read;
    if (!PyArg_ParseTuple(args, "Knn:meta_scan", &root_id, &h1s_read, &datelines_read)) {
        return NULL;
    }
    if (!meta_configured) {
        PyErr_SetString(PyExc_RuntimeError, "meta_configure() was not called");
        return NULL;
    }
    lxb_dom_node_t *root = node_at(root_id);
    const meta_document_t *document = (const meta_document_t *)root->owner_document;
    int quirks = document != NULL && document->compat_mode == META_CMODE_QUIRKS;
    PyObject *metas = PyDict_New(), *scripts = PyList_New(0), *h1s = PyList_New(0),
             *datelines = PyList_New(0), *times = PyList_New(0), *bylines = PyList_New(0);
    PyObject *title = NULL, *language = NULL, *canonical = NULL, *result = NULL;
    int seen_html = 0;
    Py_ssize_t dateline_count = 0;
    if (metas == NULL || scripts == NULL || h1s == NULL || datelines == NULL || times == NULL ||
        bylines == NULL) {
        goto done;
    }
    for (lxb_dom_node_t *node = root; node != NULL;
         node = node == root ? root->first_child : next_in(node, root)) {
        if (node->type != LXB_DOM_NODE_TYPE_ELEMENT) {
            continue;
        }
        MetaAttrs a;
        meta_attrs(node, &a);
        int is_meta = meta_tag(node, MT_META) && meta_has(&a, MA_CONTENT);
        int tag_h1 = meta_tag(node, MT_H1), tag_title = meta_tag(node, MT_TITLE),
            tag_html = meta_tag(node, MT_HTML);
        int line = meta_contains(&a, MA_CLASS, "line"); /* in each dateline class needle */
        int scanned = is_meta || meta_is_jsonld(node, &a) || tag_h1 || tag_title || tag_html ||
                      meta_is_canonical(node, &a) || meta_equals(&a, MA_ITEMPROP, "dateline", 0) ||
                      line;
        if (scanned) {
            /* _scan's body, per tag */
            int jsonld = -1, canonical_link = -1; /* css_matches, asked at most once */
            if (is_meta) {
                if (meta_add(metas, node) < 0) {
                    goto done;
                }
            }
            else if (tag_h1) {
                if (PyList_GET_SIZE(h1s) < h1s_read) {
                    PyObject *text = collapsed_text(node, " ");
                    if (text == NULL) {
                        goto done;
                    }
                    if (PyUnicode_GET_LENGTH(text) > 0 && PyList_Append(h1s, text) < 0) {
                        Py_DECREF(text);
                        goto done;
                    }
                    Py_DECREF(text);
                }
            }
            else if (tag_title) {
                if (title == NULL && (title = collapsed_text(node, " ")) == NULL) {
                    goto done;
                }
            }
            else if (tag_html) {
                if (!seen_html) {
                    seen_html = 1;
                    if ((language = meta_attr(node, "lang")) == NULL) {
                        goto done;
                    }
                }
            }
            else if (meta_tag(node, MT_SCRIPT)) {
                jsonld = meta_matches(node, meta_test_jsonld, 0);
                if (jsonld) {
                    Buffer b = {NULL, 0, 0};
                    if (gather_text(&b, node, "") < 0) {
                        buffer_free(&b);
                        goto done;
                    }
                    PyObject *text =
                        PyUnicode_DecodeUTF8(b.data ? b.data : "", b.size, "replace");
                    buffer_free(&b);
                    if (meta_append(scripts, text) < 0) {
                        goto done;
                    }
                }
            }
            else if (meta_tag(node, MT_LINK) && canonical == NULL) {
                canonical_link = meta_matches(node, meta_test_canonical, 0);
                if (canonical_link && (canonical = meta_attr(node, "href")) == NULL) {
                    goto done;
                }
            }
            /* a dateline candidate, once per dateline selector it (or a descendant) matches;
             * _listed: only nodes a selector of the query as first written lists itself */
            const Value *cls = meta_value(&a, MA_CLASS);
            int maybe = (line && (meta_find(cls->data, cls->length, "ateline") ||
                                  meta_find(cls->data, cls->length, "byline"))) ||
                        meta_has(&a, MA_ITEMPROP);
            if (maybe && dateline_count < datelines_read) {
                int listed = (line && (meta_find(cls->data, cls->length, "dateline") ||
                                       meta_find(cls->data, cls->length, "Dateline") ||
                                       meta_find(cls->data, cls->length, "byline"))) ||
                             meta_equals(&a, MA_ITEMPROP, "dateline", 0) || tag_h1 || tag_title || tag_html || is_meta;
                if (!listed && meta_tag(node, MT_SCRIPT)) {
                    listed = jsonld >= 0 ? jsonld : meta_matches(node, meta_test_jsonld, 0);
                }
                if (!listed && meta_tag(node, MT_LINK)) {
                    listed = canonical_link >= 0 ? canonical_link
                                                 : meta_matches(node, meta_test_canonical, 0);
                }
                for (int part = 0; listed && part < MD_COUNT; part++) {
                    if (dateline_count < datelines_read &&
                        meta_matches(node, meta_test_part, part)) {
                        dateline_count++;
                        if (meta_append(datelines, collapsed_text(node, " ")) < 0) {
                            goto done;
                        }
                    }
                }
            }
        }
        if ((meta_tag(node, MT_TIME) && meta_has(&a, MA_DATETIME)) ||
            meta_equals(&a, MA_ITEMPROP, "datePublished", 0)) {
            if (meta_append(times, meta_time_facts(node, &a)) < 0) {
                goto done;
            }
        }
        Py_ssize_t hits = meta_byline_hits(node, &a, quirks, line);
        if (hits > 0 && meta_append_listing(bylines, node, hits) < 0) {
            goto done;
        }
    }
    result = Py_BuildValue("(OOOOOOOOO)", metas, scripts, h1s, title ? title : str_empty,
                           language ? language : str_empty, canonical ? canonical : str_empty,
                           datelines, times, bylines);
done:
    Py_XDECREF(metas);
    Py_XDECREF(scripts);
    Py_XDECREF(h1s);
    Py_XDECREF(datelines);
    Py_XDECREF(times);
    Py_XDECREF(bylines);
    Py_XDECREF(title);
    Py_XDECREF(language);
    Py_XDECREF(canonical);
    return result;
}

/* meta_byline_texts(root_id): the text bylines (tree.css(_BYLINE_TEXT_SELECTOR)) as
 * [mem_id, hits, ...]. A walk of its own, asked only when the page's other bylines name
 * nobody (about half the pages): it reads every paragraph's text, a third of meta_scan's
 * cost when it was part of it. */
static PyObject *
speedups_meta_byline_texts(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long root_id;
    if (!PyArg_ParseTuple(args, "K:meta_byline_texts", &root_id)) {
        return NULL;
    }
    if (!meta_configured) {
        PyErr_SetString(PyExc_RuntimeError, "meta_configure() was not called");
        return NULL;
    }
    lxb_dom_node_t *root = node_at(root_id);
    PyObject *texts = PyList_New(0);
    if (texts == NULL) {
        return NULL;
    }
    for (lxb_dom_node_t *node = root; node != NULL;
         node = node == root ? root->first_child : next_in(node, root)) {
        if (node->type != LXB_DOM_NODE_TYPE_ELEMENT) {
            continue;
        }
        Py_ssize_t hits = meta_byline_text_hits(node);
        if (hits > 0 && meta_append_listing(texts, node, hits) < 0) {
            Py_DECREF(texts);
            return NULL;
        }
    }
    return texts;
}

/* meta_text(mem_id): node_text(node) */
static PyObject *
speedups_meta_text(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long mem_id;
    if (!PyArg_ParseTuple(args, "K:meta_text", &mem_id)) {
        return NULL;
    }
    return collapsed_text(node_at(mem_id), " ");
}

/* Whether "comment" is in f"{class} {id}".casefold(): bytes when both are ASCII, else str */
static int
meta_comment_marker(lxb_dom_node_t *node)
{
    PyObject *cls = meta_attr(node, "class");
    PyObject *id = cls != NULL ? meta_attr(node, "id") : NULL;
    int found = -1;
    if (id != NULL) {
        PyObject *marker = PyUnicode_FromFormat("%U %U", cls, id);
        PyObject *folded = marker != NULL ? PyObject_CallMethod(marker, "casefold", NULL) : NULL;
        if (folded != NULL) {
            PyObject *needle = PyUnicode_FromString("comment");
            found = needle != NULL ? PySequence_Contains(folded, needle) : -1;
            Py_XDECREF(needle);
        }
        Py_XDECREF(marker);
        Py_XDECREF(folded);
    }
    Py_XDECREF(cls);
    Py_XDECREF(id);
    return found;
}

/* meta_inside_comments(mem_id, levels): metadata._inside_comments */
static PyObject *
speedups_meta_inside_comments(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long mem_id;
    Py_ssize_t levels;
    if (!PyArg_ParseTuple(args, "Kn:meta_inside_comments", &mem_id, &levels)) {
        return NULL;
    }
    lxb_dom_node_t *parent = node_at(mem_id)->parent;
    for (Py_ssize_t hops = 0; parent != NULL && hops < levels; hops++) {
        if (parent->type == LXB_DOM_NODE_TYPE_ELEMENT) {
            if (meta_tag(parent, MT_FOOTER) || meta_tag(parent, MT_ASIDE)) {
                Py_RETURN_TRUE;
            }
            int found = meta_comment_marker(parent);
            if (found < 0) {
                return NULL;
            }
            if (found) {
                Py_RETURN_TRUE;
            }
        }
        parent = parent->parent;
    }
    Py_RETURN_FALSE;
}

/* The words of one kind of str data: runs of characters that are not Py_UNICODE_ISSPACE,
 * the pieces str.split() would make */
#define WORD_COUNT_LOOP(type)                                                                  \
    do {                                                                                       \
        const type *at = (const type *)data;                                                   \
        int inside = 0;                                                                        \
        for (Py_ssize_t k = 0; k < length; k++) {                                              \
            int space = Py_UNICODE_ISSPACE(at[k]);                                             \
            words += !space && !inside;                                                        \
            inside = !space;                                                                   \
        }                                                                                      \
    } while (0)

/* word_count(text): len(text.split()), without making the words (the record's word count;
 * a long story is thousands of them) */
static PyObject *
speedups_word_count(PyObject *module, PyObject *text)
{
    (void)module;
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "word_count() takes a str");
        return NULL;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), words = 0;
    const void *data = PyUnicode_DATA(text);
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        WORD_COUNT_LOOP(Py_UCS1);
        break;
    case PyUnicode_2BYTE_KIND:
        WORD_COUNT_LOOP(Py_UCS2);
        break;
    default:
        WORD_COUNT_LOOP(Py_UCS4);
        break;
    }
    return PyLong_FromSsize_t(words);
}

/* meta_configure(tag_id_of): tag_id_of(name) is lexbor's id of the tag, for each the walk
 * names (the loader reads them off nodes it creates) */
static PyObject *
speedups_meta_configure(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *tag_id_of;
    if (!PyArg_ParseTuple(args, "O:meta_configure", &tag_id_of)) {
        return NULL;
    }
    for (int k = 0; k < MT_COUNT; k++) {
        PyObject *id = PyObject_CallFunction(tag_id_of, "s", META_TAG_NAMES[k]);
        if (id == NULL) {
            return NULL;
        }
        meta_tags[k] = (uintptr_t)PyLong_AsUnsignedLongLong(id);
        Py_DECREF(id);
        if (PyErr_Occurred()) {
            return NULL;
        }
    }
    for (int k = 0; k < MA_COUNT; k++) {
        meta_attr_lengths[k] = strlen(META_ATTR_NAMES[k]);
    }
    meta_configured = 1;
    Py_RETURN_NONE;
}

/* ---- the date elements (_pipeline._date_region) -------------------------------------- */

/* _pipeline._date_region's Python loop is the reference: the nodes node.css(DATE_ELEMENTS)
 * lists in the region (its root included, as lexbor's find lists it), each as often as it matches one of the query's selectors (tags by local name,
 * attribute substrings case-sensitive on the first attribute of that name, as the metadata
 * walk reads them), kept when a <time> or when its stripped text is 1 to max_text
 * characters long, each copy given as its outer HTML (selectolax's .html). lexbor's
 * class-substring selectors cost more than this whole walk. */

/* html/serialize.h: lxb_html_serialize_tree_cb and its callback (lxb_status_t is an unsigned
 * int: core/base.h's LXB_STATUS_OK and LXB_STATUS_ERROR_MEMORY_ALLOCATION below) */
typedef unsigned int dates_status_t;
enum { DATES_STATUS_OK = 0x0000, DATES_STATUS_NO_MEMORY = 0x0002 };
typedef dates_status_t (*dates_serialize_cb_f)(const lxb_char_t *data, size_t length, void *ctx);
typedef dates_status_t (*dates_serialize_tree_cb_f)(lxb_dom_node_t *node,
                                                    dates_serialize_cb_f cb, void *ctx);
static dates_serialize_tree_cb_f serialize_tree_cb = NULL;
static uintptr_t dates_time_id = 0, dates_abbr_id = 0;
static int dates_configured = 0;

/* The DATE_ELEMENTS selectors, in its order, past the two tag selectors */
typedef struct {
    int attribute; /* MA_CLASS, MA_ID or MA_ITEMPROP */
    const char *needle;
} DateSelector;
static const DateSelector DATE_SELECTORS[] = {
    {MA_CLASS, "date"},    {MA_CLASS, "Date"},   {MA_CLASS, "time"},
    {MA_CLASS, "publish"}, {MA_CLASS, "posted"}, {MA_CLASS, "updated"},
    {MA_ID, "date"},       {MA_ITEMPROP, "date"}, {MA_CLASS, "byline"},
    {MA_CLASS, "meta"},
};

/* How many of DATE_ELEMENTS' selectors the element matches */
static Py_ssize_t
dates_hits(lxb_dom_node_t *node)
{
    Py_ssize_t hits = (node->local_name == dates_time_id) + (node->local_name == dates_abbr_id);
    MetaAttrs a;
    meta_attrs(node, &a);
    for (size_t k = 0; k < sizeof(DATE_SELECTORS) / sizeof(DATE_SELECTORS[0]); k++) {
        const DateSelector *s = &DATE_SELECTORS[k];
        hits += meta_contains_n(&a, s->attribute, s->needle, strlen(s->needle));
    }
    return hits;
}

/* len(node.text(deep=True, strip=True)), counted up to just past `limit`; -1 on error */
static Py_ssize_t
dates_text_length(lxb_dom_node_t *node, Py_ssize_t limit)
{
    Py_ssize_t total = 0, commas = 0;
    for (lxb_dom_node_t *at = node->first_child; at != NULL && total <= limit;
         at = next_in(at, node)) {
        const lexbor_str_t *text = text_data(at);
        if (text == NULL) {
            continue;
        }
        Py_ssize_t length = stripped_length(text->data, (Py_ssize_t)text->length, &commas);
        if (length < 0) {
            return -1;
        }
        total += length;
    }
    return total;
}

static dates_status_t
dates_collect(const lxb_char_t *data, size_t length, void *ctx)
{
    return buffer_append((Buffer *)ctx, (const char *)data, (Py_ssize_t)length) < 0
               ? DATES_STATUS_NO_MEMORY
               : DATES_STATUS_OK;
}

/* node.html (new reference): None when lexbor fails, as selectolax gives it */
static PyObject *
dates_outer_html(lxb_dom_node_t *node)
{
    Buffer b = {NULL, 0, 0};
    dates_status_t status = serialize_tree_cb(node, dates_collect, &b);
    PyObject *html;
    if (PyErr_Occurred()) {
        html = NULL;
    }
    else if (status != DATES_STATUS_OK) {
        html = Py_NewRef(Py_None);
    }
    else {
        html = PyUnicode_DecodeUTF8(b.data != NULL ? b.data : "", b.size, "replace");
    }
    buffer_free(&b);
    return html;
}

/* date_elements(root_id, max_parts, max_text) -> list: the region's date parts (see above) */
static PyObject *
speedups_date_elements(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long root_id;
    Py_ssize_t max_parts, max_text;
    if (!PyArg_ParseTuple(args, "Knn:date_elements", &root_id, &max_parts, &max_text)) {
        return NULL;
    }
    if (!dates_configured || !meta_configured) {
        PyErr_SetString(PyExc_RuntimeError, "dates_configure() was not called");
        return NULL;
    }
    lxb_dom_node_t *root = node_at(root_id);
    PyObject *parts = PyList_New(0);
    for (lxb_dom_node_t *node = root;
         parts != NULL && node != NULL && PyList_GET_SIZE(parts) < max_parts;
         node = node == root ? root->first_child : next_in(node, root)) {
        if (node->type != LXB_DOM_NODE_TYPE_ELEMENT) {
            continue;
        }
        Py_ssize_t hits = dates_hits(node);
        if (hits == 0) {
            continue;
        }
        if (node->local_name != dates_time_id) {
            Py_ssize_t length = dates_text_length(node, max_text);
            if (length < 0) {
                Py_CLEAR(parts);
                break;
            }
            if (length == 0 || length > max_text) {
                continue;
            }
        }
        PyObject *html = dates_outer_html(node);
        for (Py_ssize_t k = 0; html != NULL && k < hits && PyList_GET_SIZE(parts) < max_parts;
             k++) {
            if (PyList_Append(parts, html) < 0) {
                Py_CLEAR(html);
            }
        }
        if (html == NULL) {
            Py_CLEAR(parts);
        }
        Py_XDECREF(html);
    }
    return parts;
}

/* dates_configure(serialize_tree_cb, time_id, abbr_id): lexbor's serializer and tag ids */
static PyObject *
speedups_dates_configure(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long serialize_addr, time_id, abbr_id;
    if (!PyArg_ParseTuple(args, "KKK:dates_configure", &serialize_addr, &time_id, &abbr_id)) {
        return NULL;
    }
    if (serialize_addr == 0) {
        PyErr_SetString(PyExc_ValueError, "no serializer address");
        return NULL;
    }
    serialize_tree_cb = (dates_serialize_tree_cb_f)(uintptr_t)serialize_addr;
    dates_time_id = (uintptr_t)time_id;
    dates_abbr_id = (uintptr_t)abbr_id;
    dates_configured = 1;
    Py_RETURN_NONE;
}

static PyMethodDef speedups_methods[] = {
    {"configure", speedups_configure, METH_VARARGS,
     "Set lexbor's function addresses, the text node id and the tag tables."},
    {"measure", speedups_measure, METH_VARARGS,
     "measure(root_id, by_id, scored, pruner[, max_depth]) -> Stat or None: the stats walk "
     "(_Stats.measure); None, the tree untouched, when elements nest deeper than max_depth."},
    {"write", speedups_write, METH_VARARGS,
     "write(chosen, by_id, kept, include_tables, listing, limit, prune_max_share, "
     "story_beside_comments, link_farm_max_text) -> list[RawBlock]: the writer (_Writer)."},
    {"rank", speedups_rank, METH_VARARGS,
     "rank(scored, final, tag_weights, positive, negative, stem, class_weight, marker_weight) "
     "-> list[(float, Stat)]: native._ranked, best first."},
    {"dom_never", speedups_dom_never, METH_VARARGS,
     "dom_never(html_id, root_id, form_max_chars, box_max_chars, max_share) -> (removed, "
     "hidden, chrome, markers, hints) or None: DomScan.of and remove_never_content."},
    {"dom_strip", speedups_dom_strip, METH_VARARGS,
     "dom_strip(root_id, hidden, chrome, markers, max_share) -> (hidden removed, chrome "
     "removed, page_length, content): strip_boilerplate's hidden and chrome passes."},
    {"tag_id", speedups_tag_id, METH_VARARGS, "tag_id(mem_id) -> int: lexbor's tag id."},
    {"describe", speedups_describe, METH_VARARGS,
     "describe(root_id) -> list: the subtree as the self-test compares it."},
    {"meta_configure", speedups_meta_configure, METH_VARARGS,
     "meta_configure(tag_id_of): lexbor's ids of the tags the metadata walk names."},
    {"word_count", speedups_word_count, METH_O, "word_count(text) -> int: len(text.split())."},
    {"meta_byline_texts", speedups_meta_byline_texts, METH_VARARGS,
     "meta_byline_texts(root_id) -> list: the text bylines, [mem_id, hits, ...]."},
    {"meta_scan", speedups_meta_scan, METH_VARARGS,
     "meta_scan(root_id, h1s_read, datelines_read) -> tuple: metadata._read_page's values."},
    {"meta_text", speedups_meta_text, METH_VARARGS, "meta_text(mem_id) -> str: node_text."},
    {"meta_inside_comments", speedups_meta_inside_comments, METH_VARARGS,
     "meta_inside_comments(mem_id, levels) -> bool: metadata._inside_comments."},
    {"dates_configure", speedups_dates_configure, METH_VARARGS,
     "dates_configure(serialize_tree_cb, time_id, abbr_id): what date_elements reads with."},
    {"date_elements", speedups_date_elements, METH_VARARGS,
     "date_elements(root_id, max_parts, max_text) -> list[str]: _date_region's date parts."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT, "newsclean._extract._speedups",
    "C versions of the native extractor's stats walk and writer (see native.py).", -1,
    speedups_methods,
};

static PyObject *
intern(const char *text)
{
    return PyUnicode_InternFromString(text);
}

PyMODINIT_FUNC
PyInit__speedups(void)
{
    if (PyType_Ready(&StatType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&speedups_module);
    if (module == NULL) {
        return NULL;
    }
    for (int k = 0; k < K_COUNT; k++) {
        if ((kind_str[k] = intern(KIND_NAMES[k])) == NULL) {
            goto fail;
        }
    }
    if ((str_space = intern(" ")) == NULL || (str_newline = intern("\n")) == NULL ||
        (str_bar = intern(" | ")) == NULL || (str_empty = intern("")) == NULL ||
        (str_seen = intern("seen")) == NULL || (str_category_of = intern("category_of")) == NULL ||
        (str_removable_at = intern("removable_at")) == NULL ||
        (str_class_words = intern("class_words")) == NULL ||
        (str_words = intern("words")) == NULL || (str_phrases = intern("phrases")) == NULL ||
        (str_categories = intern("categories")) == NULL ||
        (str_lower = intern("lower")) == NULL) {
        goto fail;
    }
    PyObject *roles = PyTuple_New(R_COUNT);
    if (roles == NULL) {
        goto fail;
    }
    for (int k = 0; k < R_COUNT; k++) {
        PyObject *name = PyUnicode_FromString(ROLE_NAMES[k]);
        if (name == NULL) {
            Py_DECREF(roles);
            goto fail;
        }
        PyTuple_SET_ITEM(roles, k, name);
    }
    if (PyModule_AddObject(module, "ROLES", roles) < 0) {
        Py_DECREF(roles);
        goto fail;
    }
    if (PyModule_AddIntConstant(module, "F_INLINE", F_INLINE) < 0 ||
        PyModule_AddIntConstant(module, "F_SKIP", F_SKIP) < 0 ||
        PyModule_AddIntConstant(module, "F_SCORED", F_SCORED) < 0 ||
        PyModule_AddIntConstant(module, "F_TEXT_CONTAINER", F_TEXT_CONTAINER) < 0 ||
        PyModule_AddIntConstant(module, "F_NO_VOCABULARY", F_NO_VOCABULARY) < 0 ||
        PyModule_AddIntConstant(module, "F_NEVER_PRUNED", F_NEVER_PRUNED) < 0 ||
        PyModule_AddIntConstant(module, "F_LINK_FARM", F_LINK_FARM) < 0 ||
        PyModule_AddIntConstant(module, "ROLE_SHIFT", ROLE_SHIFT) < 0 ||
        PyModule_AddIntConstant(module, "F_NEVER_TAG", F_NEVER_TAG) < 0 ||
        PyModule_AddIntConstant(module, "F_SCAN_TAG", F_SCAN_TAG) < 0 ||
        PyModule_AddIntConstant(module, "F_NOSCRIPT", F_NOSCRIPT) < 0 ||
        PyModule_AddIntConstant(module, "F_HEADER", F_HEADER) < 0 ||
        PyModule_AddIntConstant(module, "F_CHROME_TAG", F_CHROME_TAG) < 0 ||
        PyModule_AddIntConstant(module, "F_CONTENT_TAG", F_CONTENT_TAG) < 0 ||
        PyModule_AddIntConstant(module, "F_FORM", F_FORM) < 0 ||
        PyModule_AddIntConstant(module, "F_INPUT", F_INPUT) < 0 ||
        PyModule_AddIntConstant(module, "F_SIGNUP_STOP", F_SIGNUP_STOP) < 0 ||
        PyModule_AddIntConstant(module, "F_TOP", F_TOP) < 0 ||
        PyModule_AddIntConstant(module, "F_BODY", F_BODY) < 0) {
        goto fail;
    }
    Py_INCREF(&StatType);
    if (PyModule_AddObject(module, "Stat", (PyObject *)&StatType) < 0) {
        Py_DECREF(&StatType);
        goto fail;
    }
    return module;
fail:
    Py_DECREF(module);
    return NULL;
}
