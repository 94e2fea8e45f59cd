/*
 * The few lexbor struct layouts that newsclean's facts reader (_speedups.c) reads.
 *
 * Copied (trimmed: only leading fields, in their original order) from lexbor 3.1.0 as bundled
 * in selectolax 1.0.2 (selectolax-1.0.2/lexbor/source/lexbor/: dom/interfaces/node.h,
 * event_target.h, element.h, attr.h, character_data.h, core/str.h). lexbor is
 * Copyright (C) 2018-2026 Alexander Borisov and licensed under the Apache License 2.0.
 *
 * Only the prefix of each struct up to the last field read here is declared: the structs are
 * only ever reached through pointers that lexbor allocated, so the trailing fields need not
 * be known. selectolax builds lexbor without LXB_DOM_NODE_USER_VARIABLES.
 *
 * The layouts are version-specific: newsclean uses the reader only with the selectolax versions
 * it lists (speedups.py: 1.0.0, 1.0.1 and 1.0.2, whose sdists carry these headers byte for
 * byte) and after an import-time self-test against the Python reader (facts.read_python).
 */

#ifndef NEWSCLEAN_LEXBOR_H
#define NEWSCLEAN_LEXBOR_H

#include <stddef.h>
#include <stdint.h>

typedef unsigned char lxb_char_t;
typedef uintptr_t lxb_tag_id_t;
typedef uintptr_t lxb_dom_attr_id_t;

/* core/str.h */
typedef struct {
    lxb_char_t *data;
    size_t length;
} lexbor_str_t;

/* dom/interfaces/node.h: lxb_dom_node_type_t (the values used here) */
enum {
    LXB_DOM_NODE_TYPE_ELEMENT = 0x01,
    LXB_DOM_NODE_TYPE_TEXT = 0x03,
};

typedef struct lxb_dom_node lxb_dom_node_t;
typedef struct lxb_dom_attr lxb_dom_attr_t;

/* dom/interfaces/node.h (event_target.h: lxb_dom_event_target_t is one pointer) */
struct lxb_dom_node {
    void *events; /* lxb_dom_event_target_t event_target */
    uintptr_t local_name;
    uintptr_t prefix;
    uintptr_t ns;
    void *owner_document;
    lxb_dom_node_t *next;
    lxb_dom_node_t *prev;
    lxb_dom_node_t *parent;
    lxb_dom_node_t *first_child;
    lxb_dom_node_t *last_child;
    void *user;
    int type; /* lxb_dom_node_type_t */
};

/* dom/interfaces/element.h (leading fields) */
typedef struct {
    lxb_dom_node_t node;
    lxb_dom_attr_id_t upper_name;
    lxb_dom_attr_id_t qualified_name;
    lexbor_str_t *is_value;
    lxb_dom_attr_t *first_attr;
    lxb_dom_attr_t *last_attr;
} lxb_dom_element_t;

/* dom/interfaces/attr.h (leading fields) */
struct lxb_dom_attr {
    lxb_dom_node_t node;
    lxb_dom_attr_id_t upper_name;
    lxb_dom_attr_id_t qualified_name;
    lexbor_str_t *value;
    lxb_dom_element_t *owner;
    lxb_dom_attr_t *next;
    lxb_dom_attr_t *prev;
};

/* dom/interfaces/character_data.h */
typedef struct {
    lxb_dom_node_t node;
    lexbor_str_t data;
} lxb_dom_character_data_t;

/* Exported lexbor functions, called through addresses taken from selectolax's library. */
typedef void (*lxb_dom_node_remove_f)(lxb_dom_node_t *node);
typedef const lxb_char_t *(*lxb_dom_element_qualified_name_f)(
    const lxb_dom_element_t *element, size_t *len);
typedef const lxb_char_t *(*lxb_dom_attr_qualified_name_f)(const lxb_dom_attr_t *attr,
                                                           size_t *len);
typedef const lxb_char_t *(*lxb_dom_attr_value_noi_f)(lxb_dom_attr_t *attr, size_t *len);

#endif /* NEWSCLEAN_LEXBOR_H */
