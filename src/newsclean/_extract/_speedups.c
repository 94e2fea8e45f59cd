/*
 * newsclean._extract._speedups: the compiled facts reader.
 *
 * One walk that only READS lexbor's tree into a facts table (see facts.py, whose pure-Python
 * reader fills the same table and is the reference): per node in pre-order (elements and
 * text nodes; comments and other nodes are left out), its tag, parent row, subtree end,
 * depth, node identity (mem_id), the text of a text node, the subtree's stripped text
 * length, link text length (text below an <a> inside the subtree), commas and text pieces,
 * and the values of the attributes Python asked for. Nothing here decides anything: no tag
 * set, threshold or word list; every rule is written once, in Python, over the table.
 *
 * Text semantics follow Python's and selectolax's: text is decoded from UTF-8 with
 * "replace" where selectolax decodes it, and lengths are code points after str.strip()
 * (Unicode whitespace, Py_UNICODE_ISSPACE). Removals go back to the tree by node identity
 * (remove()). The walk is iterative: any depth.
 *
 * The struct layouts come from _lexbor.h (selectolax 1.0.x's lexbor); speedups.py loads the
 * module only with a checked selectolax version and after comparing this reader with the
 * Python one on a test page.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "_lexbor.h"

#define TABLE_SIZE 1024 /* lexbor's static tag ids are small; custom ids are pointers */
#define MAX_ATTRS 32

static PyObject *tag_names[TABLE_SIZE]; /* interned tag name by lexbor tag id */
static uintptr_t text_id = 0, a_id = 0;
static int configured = 0;
static lxb_dom_node_remove_f node_remove = NULL;
static lxb_dom_element_qualified_name_f element_qualified_name = NULL;
static lxb_dom_attr_qualified_name_f attr_qualified_name = NULL;
static lxb_dom_attr_value_noi_f attr_value = NULL;
static PyObject *str_text = NULL;  /* "-text" */
static PyObject *str_empty = NULL; /* "": an element's text */
/* the attribute names Python asked for (configure), as bytes */
static Py_ssize_t attr_count = 0;
static char *attr_names[MAX_ATTRS];
static size_t attr_lengths[MAX_ATTRS];

/* ---- text ------------------------------------------------------------------------ */

/* len(text.strip()) and text.count(",") of the decoded text `text`. */
static Py_ssize_t
stripped_length(PyObject *text, Py_ssize_t *commas)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t first = -1, last = -1, count = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, k);
        count += ch == ',';
        if (!Py_UNICODE_ISSPACE(ch)) {
            first = first < 0 ? k : first;
            last = k;
        }
    }
    *commas = count;
    return first < 0 ? 0 : last - first + 1;
}

/* The text as selectolax decodes it (new reference); ASCII and valid UTF-8 fast. */
static PyObject *
decode(const lxb_char_t *data, size_t length)
{
    return PyUnicode_DecodeUTF8((const char *)data, (Py_ssize_t)length, "replace");
}

/* ---- nodes ------------------------------------------------------------------------- */

static inline lxb_dom_node_t *
node_at(unsigned long long mem_id)
{
    return (lxb_dom_node_t *)(uintptr_t)mem_id;
}

/* The element's tag name as LexborNode.tag gives it (new reference); NULL without error
 * for a node that is not an element the table holds (no name, or one starting with "-"). */
static PyObject *
tag_of(lxb_dom_node_t *node)
{
    lxb_dom_element_t *element = (lxb_dom_element_t *)node;
    uintptr_t id = node->local_name;
    int cacheable = element->qualified_name == 0 && id < TABLE_SIZE;
    if (cacheable && tag_names[id] != NULL) {
        return Py_NewRef(tag_names[id]);
    }
    size_t length = 0;
    const lxb_char_t *raw = element_qualified_name(element, &length);
    if (raw == NULL || length == 0 || raw[0] == '-') {
        return NULL;
    }
    PyObject *tag = decode(raw, length);
    if (tag == NULL) {
        return NULL;
    }
    PyUnicode_InternInPlace(&tag);
    if (cacheable) {
        tag_names[id] = Py_NewRef(tag);
    }
    return tag;
}

/* ---- the table -------------------------------------------------------------------- */

typedef struct {
    Py_ssize_t size, capacity;
    lxb_dom_node_t **node;
    Py_ssize_t *parent, *end, *chars, *own, *links, *commas, *pieces;
    int *depth, *is_a, *texts_row;
    PyObject *tags, *texts;   /* lists */
    PyObject *attrs[MAX_ATTRS]; /* lists */
} Table;

static int
table_grow(Table *t)
{
    Py_ssize_t capacity = t->capacity ? t->capacity * 2 : 256;
#define GROW(field, type)                                                                    \
    do {                                                                                     \
        type *grown = PyMem_Realloc(t->field, (size_t)capacity * sizeof(type));              \
        if (grown == NULL) {                                                                 \
            PyErr_NoMemory();                                                                \
            return -1;                                                                       \
        }                                                                                    \
        t->field = grown;                                                                    \
    } while (0)
    GROW(node, lxb_dom_node_t *);
    GROW(parent, Py_ssize_t);
    GROW(end, Py_ssize_t);
    GROW(chars, Py_ssize_t);
    GROW(own, Py_ssize_t);
    GROW(links, Py_ssize_t);
    GROW(commas, Py_ssize_t);
    GROW(pieces, Py_ssize_t);
    GROW(depth, int);
    GROW(is_a, int);
    GROW(texts_row, int);
#undef GROW
    t->capacity = capacity;
    return 0;
}

static void
table_free(Table *t)
{
    PyMem_Free(t->node);
    PyMem_Free(t->parent);
    PyMem_Free(t->end);
    PyMem_Free(t->chars);
    PyMem_Free(t->own);
    PyMem_Free(t->links);
    PyMem_Free(t->commas);
    PyMem_Free(t->pieces);
    PyMem_Free(t->depth);
    PyMem_Free(t->is_a);
    PyMem_Free(t->texts_row);
    Py_XDECREF(t->tags);
    Py_XDECREF(t->texts);
    for (Py_ssize_t k = 0; k < attr_count; k++) {
        Py_XDECREF(t->attrs[k]);
    }
}

/* Fill the requested attributes' columns for one element row (None when absent, "" when
 * valueless; of repeated names the last, as selectolax's attributes dict keeps it). */
static int
add_attributes(Table *t, lxb_dom_node_t *node)
{
    lxb_dom_attr_t *found[MAX_ATTRS];
    for (Py_ssize_t k = 0; k < attr_count; k++) {
        found[k] = NULL;
    }
    if (node != NULL) {
        for (lxb_dom_attr_t *attr = ((lxb_dom_element_t *)node)->first_attr; attr != NULL;
             attr = attr->next) {
            size_t length = 0;
            const lxb_char_t *name = attr_qualified_name(attr, &length);
            if (name == NULL) {
                continue;
            }
            for (Py_ssize_t k = 0; k < attr_count; k++) {
                if (length == attr_lengths[k] && memcmp(name, attr_names[k], length) == 0) {
                    found[k] = attr;
                }
            }
        }
    }
    for (Py_ssize_t k = 0; k < attr_count; k++) {
        PyObject *value;
        if (found[k] == NULL) {
            value = Py_NewRef(Py_None);
        }
        else {
            size_t length = 0;
            const lxb_char_t *raw = attr_value(found[k], &length);
            value = raw == NULL ? PyUnicode_FromStringAndSize("", 0) : decode(raw, length);
            if (value == NULL) {
                return -1;
            }
        }
        int status = PyList_Append(t->attrs[k], value);
        Py_DECREF(value);
        if (status < 0) {
            return -1;
        }
    }
    return 0;
}

/* Append a row; `tag` is stolen, `text` borrowed (NULL for an element). */
static Py_ssize_t
add_row(Table *t, lxb_dom_node_t *node, Py_ssize_t parent, PyObject *tag, PyObject *text)
{
    if (t->size == t->capacity && table_grow(t) < 0) {
        Py_DECREF(tag);
        return -1;
    }
    Py_ssize_t row = t->size;
    int status = PyList_Append(t->tags, tag);
    Py_DECREF(tag);
    if (status < 0 || PyList_Append(t->texts, text != NULL ? text : str_empty) < 0 ||
        add_attributes(t, text == NULL && node->type == LXB_DOM_NODE_TYPE_ELEMENT ? node : NULL) < 0) {
        return -1;
    }
    t->node[row] = node;
    t->parent[row] = parent;
    t->end[row] = row + 1;
    t->depth[row] = parent < 0 ? 0 : t->depth[parent] + 1;
    t->texts_row[row] = text != NULL;
    t->is_a[row] = text == NULL && node->type == LXB_DOM_NODE_TYPE_ELEMENT &&
                   node->local_name == a_id;
    t->chars[row] = t->own[row] = t->links[row] = t->commas[row] = t->pieces[row] = 0;
    if (text != NULL) {
        Py_ssize_t commas = 0;
        t->chars[row] = stripped_length(text, &commas);
        t->commas[row] = commas;
        t->pieces[row] = 1;
    }
    t->size++;
    return row;
}

static PyObject *
int_list(const Py_ssize_t *values, Py_ssize_t n)
{
    PyObject *list = PyList_New(n);
    if (list == NULL) {
        return NULL;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *item = PyLong_FromSsize_t(values[k]);
        if (item == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, k, item);
    }
    return list;
}

/* read(root_id) -> (tags, parent, end, depth, mem, texts, chars, own, links, commas, pieces,
 * attrs): the facts of root's subtree; see facts.py (Facts) for each column. */
static PyObject *
speedups_read(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long root_id;
    if (!PyArg_ParseTuple(args, "K:read", &root_id)) {
        return NULL;
    }
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "_speedups.configure() was not called");
        return NULL;
    }
    lxb_dom_node_t *root = node_at(root_id);
    Table t;
    memset(&t, 0, sizeof(t));
    PyObject *result = NULL, *depth = NULL, *mem = NULL, *attrs = NULL;
    t.tags = PyList_New(0);
    t.texts = PyList_New(0);
    if (t.tags == NULL || t.texts == NULL) {
        goto done;
    }
    for (Py_ssize_t k = 0; k < attr_count; k++) {
        if ((t.attrs[k] = PyList_New(0)) == NULL) {
            goto done;
        }
    }
    PyObject *root_tag = root->type == LXB_DOM_NODE_TYPE_ELEMENT ? tag_of(root) : NULL;
    if (root_tag == NULL) {
        if (PyErr_Occurred()) {
            goto done;
        }
        root_tag = PyUnicode_FromString("");
        if (root_tag == NULL) {
            goto done;
        }
    }
    if (add_row(&t, root, -1, root_tag, NULL) < 0) {
        goto done;
    }
    /* pre-order: `current` is the row whose children are being read */
    Py_ssize_t current = 0;
    lxb_dom_node_t *node = root->first_child;
    for (;;) {
        if (node == NULL) {
            if (current == 0) {
                break;
            }
            t.end[current] = t.size;
            node = t.node[current]->next;
            current = t.parent[current];
            continue;
        }
        if (node->type == LXB_DOM_NODE_TYPE_TEXT && node->local_name == text_id) {
            const lexbor_str_t *str = &((const lxb_dom_character_data_t *)node)->data;
            if (str->data != NULL) {
                PyObject *text = decode(str->data, str->length);
                if (text == NULL) {
                    goto done;
                }
                Py_ssize_t row = add_row(&t, node, current, Py_NewRef(str_text), text);
                Py_DECREF(text);
                if (row < 0) {
                    goto done;
                }
            }
            node = node->next;
            continue;
        }
        if (node->type == LXB_DOM_NODE_TYPE_ELEMENT) {
            PyObject *tag = tag_of(node);
            if (tag != NULL) {
                Py_ssize_t row = add_row(&t, node, current, tag, NULL);
                if (row < 0) {
                    goto done;
                }
                if (node->first_child != NULL) {
                    current = row;
                    node = node->first_child;
                    continue;
                }
            }
            else if (PyErr_Occurred()) {
                goto done;
            }
        }
        node = node->next;
    }
    t.end[0] = t.size;
    /* the subtree sums, children before parents */
    for (Py_ssize_t row = t.size - 1; row > 0; row--) {
        Py_ssize_t up = t.parent[row];
        t.chars[up] += t.chars[row];
        t.links[up] += t.is_a[row] ? t.chars[row] : t.links[row];
        t.commas[up] += t.commas[row];
        t.pieces[up] += t.pieces[row];
        if (t.texts_row[row]) {
            t.own[up] += t.chars[row];
        }
    }
    depth = PyList_New(t.size);
    mem = PyList_New(t.size);
    attrs = PyTuple_New(attr_count);
    if (depth == NULL || mem == NULL || attrs == NULL) {
        goto done;
    }
    for (Py_ssize_t row = 0; row < t.size; row++) {
        PyObject *d = PyLong_FromLong(t.depth[row]);
        PyObject *m = PyLong_FromSize_t((size_t)(uintptr_t)t.node[row]);
        if (d == NULL || m == NULL) {
            Py_XDECREF(d);
            Py_XDECREF(m);
            goto done;
        }
        PyList_SET_ITEM(depth, row, d);
        PyList_SET_ITEM(mem, row, m);
    }
    for (Py_ssize_t k = 0; k < attr_count; k++) {
        PyTuple_SET_ITEM(attrs, k, t.attrs[k]);
        t.attrs[k] = NULL;
    }
    result = Py_BuildValue("(ONNOOONNNNNO)", t.tags, int_list(t.parent, t.size),
                           int_list(t.end, t.size), depth, mem, t.texts,
                           int_list(t.chars, t.size), int_list(t.own, t.size),
                           int_list(t.links, t.size),
                           int_list(t.commas, t.size), int_list(t.pieces, t.size), attrs);
done:
    Py_XDECREF(depth);
    Py_XDECREF(mem);
    Py_XDECREF(attrs);
    table_free(&t);
    return result;
}

/* remove(mem_id): detach the node (selectolax's LexborNode.remove()). */
static PyObject *
speedups_remove(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long mem_id;
    if (!PyArg_ParseTuple(args, "K:remove", &mem_id)) {
        return NULL;
    }
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "_speedups.configure() was not called");
        return NULL;
    }
    node_remove(node_at(mem_id));
    Py_RETURN_NONE;
}

/* tag_id(mem_id): lexbor's tag id of the node (its local_name). */
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

/* configure(remove, element_name, attr_name, attr_value, text_id, a_id, attribute_names) */
static PyObject *
speedups_configure(PyObject *module, PyObject *args)
{
    (void)module;
    unsigned long long remove_addr, element_name_addr, attr_name_addr, attr_value_addr;
    unsigned long long text, a;
    PyObject *names;
    if (!PyArg_ParseTuple(args, "KKKKKKO!:configure", &remove_addr, &element_name_addr,
                          &attr_name_addr, &attr_value_addr, &text, &a, &PyTuple_Type,
                          &names)) {
        return NULL;
    }
    if (!remove_addr || !element_name_addr || !attr_name_addr || !attr_value_addr) {
        PyErr_SetString(PyExc_ValueError, "a lexbor function address is missing");
        return NULL;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(names);
    if (count > MAX_ATTRS) {
        PyErr_SetString(PyExc_ValueError, "too many attribute names");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < attr_count; k++) {
        PyMem_Free(attr_names[k]);
    }
    attr_count = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t length;
        const char *name = PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(names, k), &length);
        if (name == NULL) {
            return NULL;
        }
        attr_names[k] = PyMem_Malloc((size_t)length + 1);
        if (attr_names[k] == NULL) {
            return PyErr_NoMemory();
        }
        memcpy(attr_names[k], name, (size_t)length + 1);
        attr_lengths[k] = (size_t)length;
        attr_count = k + 1;
    }
    for (Py_ssize_t k = 0; k < TABLE_SIZE; k++) {
        Py_CLEAR(tag_names[k]);
    }
    node_remove = (lxb_dom_node_remove_f)(uintptr_t)remove_addr;
    element_qualified_name = (lxb_dom_element_qualified_name_f)(uintptr_t)element_name_addr;
    attr_qualified_name = (lxb_dom_attr_qualified_name_f)(uintptr_t)attr_name_addr;
    attr_value = (lxb_dom_attr_value_noi_f)(uintptr_t)attr_value_addr;
    text_id = (uintptr_t)text;
    a_id = (uintptr_t)a;
    configured = 1;
    Py_RETURN_NONE;
}

static PyMethodDef speedups_methods[] = {
    {"configure", speedups_configure, METH_VARARGS, "Set lexbor's functions and ids."},
    {"read", speedups_read, METH_VARARGS, "The facts table of a subtree."},
    {"remove", speedups_remove, METH_VARARGS, "Detach a node by its mem_id."},
    {"tag_id", speedups_tag_id, METH_VARARGS, "lexbor's tag id of a node."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT, "newsclean._extract._speedups",
    "The compiled facts reader (see newsclean._extract.facts).", -1, speedups_methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    str_text = PyUnicode_InternFromString("-text");
    str_empty = PyUnicode_InternFromString("");
    if (str_text == NULL || str_empty == NULL) {
        return NULL;
    }
    return PyModule_Create(&speedups_module);
}
