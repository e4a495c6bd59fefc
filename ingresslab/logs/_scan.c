/*
 * ingresslab.logs._scan: fast acceptance checks for the common shapes of access lines.
 *
 * Each function takes one line as read from a file (a trailing "\n" or "\r\n" is allowed) and returns
 * True only when the line is, without any prefix, an access line of that format that the Python parser
 * accepts with the same field boundaries and whose every conversion (numbers, times) succeeds. The
 * checks are deliberately conservative: ASCII only, no quotes inside header values, the current layout
 * only. Anything else returns False and takes the Python path, so a False never loses a line.
 *
 * The checks follow the greedy choices of the regular expressions in nginx.py and envoy.py and never
 * backtrack, so when a check succeeds the expression's first match has the same groups (see the
 * differential tests in tests/test_logs_scan.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

typedef struct {
    const unsigned char *s;
    Py_ssize_t p; /* cursor */
    Py_ssize_t n; /* end of the line, newline excluded */
} Cursor;

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Printable ASCII other than space: what \S matches on an ASCII line, minus control characters. */
static int is_token_char(unsigned char c) { return c > 0x20 && c < 0x7f; }

static int at(const Cursor *c, unsigned char ch) { return c->p < c->n && c->s[c->p] == ch; }

static int expect(Cursor *c, const char *text) {
    Py_ssize_t len = (Py_ssize_t)strlen(text);
    if (c->n - c->p < len || memcmp(c->s + c->p, text, (size_t)len) != 0) {
        return 0;
    }
    c->p += len;
    return 1;
}

/* One or more printable non-space characters, none of them a quote (and not `stop`). */
static int token(Cursor *c, unsigned char stop) {
    Py_ssize_t start = c->p;
    while (c->p < c->n && is_token_char(c->s[c->p]) && c->s[c->p] != '"' && c->s[c->p] != stop) {
        c->p++;
    }
    return c->p > start;
}

/* Zero or more printable characters (space included) up to `close`, which is consumed. */
static int until(Cursor *c, unsigned char close) {
    while (c->p < c->n) {
        unsigned char ch = c->s[c->p++];
        if (ch == close) {
            return 1;
        }
        if (ch < 0x20 || ch >= 0x7f) {
            return 0;
        }
    }
    return 0;
}

static int digits(Cursor *c) {
    Py_ssize_t start = c->p;
    while (c->p < c->n && is_digit(c->s[c->p])) {
        c->p++;
    }
    return c->p > start;
}

/* `-` or digits (the caller checks what follows). */
static int count_or_dash(Cursor *c) {
    if (at(c, '-')) {
        c->p++;
        return 1;
    }
    return digits(c);
}

/* digits, optionally `.digits`: what both Python's float() and the nginx expressions accept. */
static int decimal(Cursor *c) {
    if (!digits(c)) {
        return 0;
    }
    if (at(c, '.')) {
        c->p++;
        return digits(c);
    }
    return 1;
}

static int number(const unsigned char *s, int width) {
    int value = 0;
    for (int i = 0; i < width; i++) {
        if (!is_digit(s[i])) {
            return -1;
        }
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

static int days_in_month(int year, int month) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) {
        return 29;
    }
    return days[month - 1];
}

/* A calendar date and time of day that Python's datetime accepts. */
static int valid_datetime(int year, int month, int day, int hour, int minute, int second) {
    return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month) &&
           hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

/* nginx $time_local: `15/Sep/2024:08:52:37 +0000`, a real date, an offset under 24 hours. */
static int nginx_time(Cursor *c) {
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const unsigned char *t = c->s + c->p;
    if (c->n - c->p < 26 || t[2] != '/' || t[6] != '/' || t[11] != ':' || t[14] != ':' || t[17] != ':' ||
        t[20] != ' ' || (t[21] != '+' && t[21] != '-')) {
        return 0;
    }
    int month = 0;
    for (int i = 0; i < 12; i++) {
        if (memcmp(t + 3, months + 3 * i, 3) == 0) {
            month = i + 1;
            break;
        }
    }
    int oh = number(t + 22, 2), om = number(t + 24, 2);
    if (!month || !valid_datetime(number(t + 7, 4), month, number(t, 2), number(t + 12, 2),
                                  number(t + 15, 2), number(t + 18, 2)) ||
        oh < 0 || oh > 23 || om < 0 || om > 59) {
        return 0;
    }
    c->p += 26;
    return 1;
}

/* Envoy's %START_TIME%: `2024-09-15T08:52:37.471Z`, milliseconds, UTC. */
static int envoy_start_time(Cursor *c) {
    const unsigned char *t = c->s + c->p;
    if (c->n - c->p < 24 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' ||
        t[19] != '.' || t[23] != 'Z' || number(t + 20, 3) < 0) {
        return 0;
    }
    if (!valid_datetime(number(t, 4), number(t + 5, 2), number(t + 8, 2), number(t + 11, 2),
                        number(t + 14, 2), number(t + 17, 2))) {
        return 0;
    }
    c->p += 24;
    return 1;
}

enum entry_kind { ENTRY_ANY, ENTRY_INT, ENTRY_DECIMAL };

/* One `[^ ,]+` entry of an nginx upstream_* list; numeric kinds also accept `-`. */
static int list_entry(Cursor *c, enum entry_kind kind) {
    Py_ssize_t start = c->p;
    if (kind != ENTRY_ANY && at(c, '-')) {
        c->p++;
    } else if (kind == ENTRY_INT) {
        digits(c);
    } else if (kind == ENTRY_DECIMAL) {
        decimal(c);
    } else {
        token(c, ',');
    }
    if (c->p == start) {
        return 0;
    }
    /* The entry must end where `[^ ,]+` ends, or the numeric check accepted less than the expression. */
    return c->p == c->n || c->s[c->p] == ' ' || c->s[c->p] == ',';
}

/* `entry((, | : )entry)*`, greedy like the expression. */
static int upstream_list(Cursor *c, enum entry_kind kind) {
    if (!list_entry(c, kind)) {
        return 0;
    }
    for (;;) {
        Py_ssize_t save = c->p;
        if (expect(c, ", ") || expect(c, " : ")) {
            if (c->p < c->n && c->s[c->p] != ' ' && c->s[c->p] != ',') {
                if (!list_entry(c, kind)) {
                    return 0;
                }
                continue;
            }
        }
        c->p = save;
        return 1;
    }
}

/* The rest of the line is printable ASCII (the `(.*)$` of a trailing field). */
static int printable_rest(Cursor *c) {
    for (; c->p < c->n; c->p++) {
        if (c->s[c->p] < 0x20 || c->s[c->p] >= 0x7f) {
            return 0;
        }
    }
    return 1;
}

/* Set up a cursor over `line` (an ASCII str), its trailing newline excluded. */
static int open_line(PyObject *line, Cursor *c) {
    if (!PyUnicode_Check(line) || !PyUnicode_IS_ASCII(line)) {
        return 0;
    }
    c->s = (const unsigned char *)PyUnicode_DATA(line);
    c->n = PyUnicode_GET_LENGTH(line);
    c->p = 0;
    if (c->n && c->s[c->n - 1] == '\n') {
        c->n--;
        if (c->n && c->s[c->n - 1] == '\r') {
            c->n--;
        }
    }
    return c->n > 0;
}

static int scan_nginx(Cursor *c) {
    unsigned char first = c->s[0];
    /* No prefix that the envelope splitter would look at: IPv4 (not a `2024-` timestamp), IPv6, unix:. */
    if (is_digit(first)) {
        if (c->n > 4 && c->s[4] == '-') {
            return 0;
        }
    } else if (!(first == ':' || (first >= 'a' && first <= 'f') || first == 'u')) {
        return 0;
    }
    if (!token(c, '\0') || !expect(c, " - ")) {
        return 0;
    }
    /* $remote_user: a plain token; `[` would be the 0.25 layout's `[$the_real_ip]`. */
    if (at(c, '[') || !token(c, '\0') || !expect(c, " [") || !nginx_time(c) || !expect(c, "] \"")) {
        return 0;
    }
    if (!until(c, '"') || !expect(c, " ")) { /* $request */
        return 0;
    }
    if (!digits(c) || !expect(c, " ") || !digits(c) || !expect(c, " \"")) { /* status, bytes */
        return 0;
    }
    if (!until(c, '"') || !expect(c, " \"") || !until(c, '"') || !expect(c, " ")) { /* referer, agent */
        return 0;
    }
    if (!digits(c) || !expect(c, " ")) { /* $request_length */
        return 0;
    }
    if (at(c, '-')) {
        c->p++;
    } else if (!decimal(c)) {
        return 0;
    }
    if (!expect(c, " [") || !until(c, ']') || !expect(c, " [") || !until(c, ']') || !expect(c, " ")) {
        return 0;
    }
    if (!upstream_list(c, ENTRY_ANY) || !expect(c, " ") || !upstream_list(c, ENTRY_INT) ||
        !expect(c, " ") || !upstream_list(c, ENTRY_DECIMAL) || !expect(c, " ") ||
        !upstream_list(c, ENTRY_INT) || !expect(c, " ")) {
        return 0;
    }
    return printable_rest(c); /* $req_id */
}

/* `"METHOD PATH PROTOCOL" CODE FLAGS ` — the head that Envoy's and Istio's formats share. */
static int envoy_head(Cursor *c) {
    if (!expect(c, "[") || !envoy_start_time(c) || !expect(c, "] \"")) {
        return 0;
    }
    if (!token(c, '\0') || !expect(c, " ")) { /* method */
        return 0;
    }
    /* Path and protocol: up to the closing quote, split at the last space; a quote must not follow. */
    Py_ssize_t start = c->p, last_space = -1;
    while (c->p < c->n && c->s[c->p] != '"') {
        unsigned char ch = c->s[c->p];
        if (ch < 0x20 || ch >= 0x7f) {
            return 0;
        }
        if (ch == ' ') {
            last_space = c->p;
        }
        c->p++;
    }
    if (c->p >= c->n || last_space < start || last_space + 1 == c->p) {
        return 0;
    }
    if (!expect(c, "\" ") || !digits(c) || !expect(c, " ") || !token(c, '\0') || !expect(c, " ")) {
        return 0;
    }
    return 1;
}

/* BYTES_RECEIVED BYTES_SENT DURATION UPSTREAM_SERVICE_TIME and the five quoted headers. */
static int envoy_counts_and_headers(Cursor *c) {
    if (!count_or_dash(c) || !expect(c, " ") || !count_or_dash(c) || !expect(c, " ") ||
        !count_or_dash(c) || !expect(c, " ") || !token(c, '\0') || !expect(c, " \"")) {
        return 0;
    }
    for (int i = 0; i < 5; i++) {
        if (!until(c, '"')) {
            return 0;
        }
        if (i < 4 && !expect(c, " \"")) {
            return 0;
        }
    }
    return 1;
}

static int scan_istio(Cursor *c) {
    if (!envoy_head(c)) {
        return 0;
    }
    /* RESPONSE_CODE_DETAILS CONNECTION_TERMINATION_DETAILS "UPSTREAM_TRANSPORT_FAILURE_REASON" */
    if (!token(c, '\0') || !expect(c, " ") || !token(c, '\0') || !expect(c, " \"") || !until(c, '"') ||
        !expect(c, " ")) {
        return 0;
    }
    if (!envoy_counts_and_headers(c)) {
        return 0;
    }
    for (int i = 0; i < 6; i++) { /* cluster, three addresses, SNI, route */
        if (!expect(c, " ") || !token(c, '\0')) {
            return 0;
        }
    }
    return c->p == c->n;
}

static int scan_envoy(Cursor *c) {
    return envoy_head(c) && envoy_counts_and_headers(c) && c->p == c->n;
}

typedef int (*accept_fn)(PyObject *);

static int accept_nginx(PyObject *line) {
    Cursor c;
    return open_line(line, &c) && scan_nginx(&c) && c.p == c.n;
}

static int accept_istio(PyObject *line) {
    Cursor c;
    return open_line(line, &c) && scan_istio(&c);
}

static int accept_envoy(PyObject *line) {
    Cursor c;
    return open_line(line, &c) && scan_envoy(&c);
}

static const struct {
    const char *name;
    accept_fn accept;
} KINDS[] = {{"ingress-nginx", accept_nginx}, {"istio", accept_istio}, {"envoy", accept_envoy}};

#define KIND_COUNT ((int)(sizeof(KINDS) / sizeof(KINDS[0])))

static PyObject *py_nginx(PyObject *module, PyObject *line) { return PyBool_FromLong(accept_nginx(line)); }
static PyObject *py_istio(PyObject *module, PyObject *line) { return PyBool_FromLong(accept_istio(line)); }
static PyObject *py_envoy(PyObject *module, PyObject *line) { return PyBool_FromLong(accept_envoy(line)); }

/*
 * Run(lines, format, record_type, slot): an iterator over `lines` that yields a new `record_type`
 * instance, with only `slot` set (to the line), for every line the format's check accepts. It stops at the first
 * line it does not accept, which it keeps in `rejected` (None when `lines` ran out); `count` is the
 * number of records made. The caller parses the rejected line its own way and starts a new run.
 */
typedef struct {
    PyObject_HEAD
    PyObject *lines;
    accept_fn accept;
    PyTypeObject *record_type;
    Py_ssize_t line_offset;
    Py_ssize_t count;
    PyObject *rejected;
} Run;

static PyObject *run_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"lines", "format", "record_type", "slot", NULL};
    PyObject *lines, *record_type, *slot;
    const char *format;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OsO!O", keywords, &lines, &format, &PyType_Type,
                                     &record_type, &slot)) {
        return NULL;
    }
    accept_fn accept = NULL;
    for (int i = 0; i < KIND_COUNT; i++) {
        if (strcmp(format, KINDS[i].name) == 0) {
            accept = KINDS[i].accept;
        }
    }
    if (accept == NULL) {
        return PyErr_Format(PyExc_ValueError, "no fast check for the format %R", PyTuple_GET_ITEM(args, 1));
    }
    /* `slot` is the member descriptor of an object slot of record_type (or a base): the run writes each
       line straight into it. */
    if (!Py_IS_TYPE(slot, &PyMemberDescr_Type) ||
        ((PyMemberDescrObject *)slot)->d_member->type != T_OBJECT_EX ||
        !PyType_IsSubtype((PyTypeObject *)record_type, PyDescr_TYPE(slot))) {
        return PyErr_Format(PyExc_TypeError, "%R is not an object slot of %R", slot, record_type);
    }
    Py_ssize_t offset = ((PyMemberDescrObject *)slot)->d_member->offset;
    PyObject *iterator = PyObject_GetIter(lines);
    if (iterator == NULL) {
        return NULL;
    }
    Run *run = (Run *)type->tp_alloc(type, 0);
    if (run == NULL) {
        Py_DECREF(iterator);
        return NULL;
    }
    run->lines = iterator;
    run->accept = accept;
    run->record_type = (PyTypeObject *)Py_NewRef(record_type);
    run->line_offset = offset;
    return (PyObject *)run;
}

static void run_dealloc(Run *run) {
    Py_XDECREF(run->lines);
    Py_XDECREF(run->record_type);
    Py_XDECREF(run->rejected);
    Py_TYPE(run)->tp_free((PyObject *)run);
}

static PyObject *run_next(Run *run) {
    if (run->rejected != NULL) {
        return NULL; /* a run ends at its first rejected line */
    }
    PyObject *line = PyIter_Next(run->lines);
    if (line == NULL) {
        return NULL; /* exhausted, or the error of the underlying iterator */
    }
    if (!run->accept(line)) {
        run->rejected = line;
        return NULL;
    }
    PyObject *record = run->record_type->tp_alloc(run->record_type, 0);
    if (record == NULL) {
        Py_DECREF(line);
        return NULL;
    }
    *(PyObject **)((char *)record + run->line_offset) = line; /* the new reference moves into the slot */
    run->count++;
    return record;
}

static PyObject *run_get_rejected(Run *run, void *closure) {
    return Py_NewRef(run->rejected != NULL ? run->rejected : Py_None);
}

static PyMemberDef run_members[] = {
    {"count", T_PYSSIZET, offsetof(Run, count), READONLY, "records made so far"},
    {NULL},
};

static PyGetSetDef run_getset[] = {
    {"rejected", (getter)run_get_rejected, NULL, "the line that ended the run, or None", NULL},
    {NULL},
};

static PyTypeObject RunType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "ingresslab.logs._scan.Run",
    .tp_basicsize = sizeof(Run),
    .tp_dealloc = (destructor)run_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Lazy records for a run of accepted lines; stops at the first line not accepted.",
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)run_next,
    .tp_members = run_members,
    .tp_getset = run_getset,
    .tp_new = run_new,
};

static PyMethodDef scan_methods[] = {
    {"nginx", py_nginx, METH_O, "True when the line is a plain ingress-nginx upstreaminfo access line."},
    {"istio", py_istio, METH_O, "True when the line is a plain Istio 1.9+ text access line."},
    {"envoy", py_envoy, METH_O, "True when the line is a plain line in Envoy's default format."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef scan_module = {
    PyModuleDef_HEAD_INIT, "_scan", "Fast acceptance checks for common access-line shapes.", -1,
    scan_methods,
};

PyMODINIT_FUNC PyInit__scan(void) {
    if (PyType_Ready(&RunType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&scan_module);
    if (module == NULL) {
        return NULL;
    }
    PyObject *exported = Py_BuildValue("[ssss]", "Run", "envoy", "istio", "nginx");
    int failed = exported == NULL || PyModule_AddObjectRef(module, "Run", (PyObject *)&RunType) < 0 ||
                 PyModule_AddObjectRef(module, "__all__", exported) < 0;
    Py_XDECREF(exported);
    if (failed) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
