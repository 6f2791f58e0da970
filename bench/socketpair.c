/* socketpair: the transport floor cuvm is measured against, two processes
 * over a Unix socketpair: 64-byte ping-pong round trip (median of 20000) and
 * 64 MiB bulk writes one way. Output: "name value unit" lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void full(int fd, char *p, size_t n, int rd) {
    while (n) {
        ssize_t k = rd ? read(fd, p, n) : write(fd, p, n);
        if (k <= 0) exit(1);
        p += k;
        n -= (size_t)k;
    }
}

int main(void) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) return 1;
    const int rounds = 20000;
    const size_t bulk = 64u << 20, total = 8 * bulk;
    pid_t child = fork();
    if (child == 0) {
        char m[64];
        for (int i = 0; i < rounds; i++) {
            full(sv[1], m, 64, 1);
            full(sv[1], m, 64, 0);
        }
        char *b = malloc(bulk);
        for (size_t got = 0; got < total; got += bulk) full(sv[1], b, bulk, 1);
        full(sv[1], m, 1, 0);
        _exit(0);
    }
    char m[64] = {0};
    double *t = malloc(sizeof(double) * rounds);
    for (int i = 0; i < rounds; i++) {
        double a = now();
        full(sv[0], m, 64, 0);
        full(sv[0], m, 64, 1);
        t[i] = now() - a;
    }
    qsort(t, rounds, sizeof(double), cmp);
    printf("socketpair_roundtrip_64B %.2f us\n", t[rounds / 2] * 1e6);
    char *b = malloc(bulk);
    for (size_t i = 0; i < bulk; i++) b[i] = (char)(i * 2654435761u >> 24);
    double a = now();
    for (size_t sent = 0; sent < total; sent += bulk) full(sv[0], b, bulk, 0);
    full(sv[0], m, 1, 1);
    printf("socketpair_bulk_64MiB_writes %.2f GB/s\n", total / (now() - a) / 1e9);
    waitpid(child, NULL, 0);
    return 0;
}
