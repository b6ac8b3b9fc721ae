/* SPDX-License-Identifier: MIT */
/*
 * Replays a fuzz corpus without libFuzzer: every file in the directory, then,
 * for each file, every prefix and a deterministic set of one-byte mutations
 * (all header bytes, then every 5th byte; four values each). Used by ctest so
 * the corpus also runs under the sanitizers and valgrind.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILE (64 * 1024)
#define HEADER_BYTES 96

static unsigned long runs;

static void run(const uint8_t *p, size_t n)
{
	/* a private copy, so an over-read past n is caught by ASan/valgrind */
	uint8_t *c = malloc(n ? n : 1);
	if (!c) {
		perror("malloc");
		exit(2);
	}
	if (n)
		memcpy(c, p, n);
	LLVMFuzzerTestOneInput(c, n);
	free(c);
	runs++;
}

static void mutate(uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i >= HEADER_BYTES && i % 5 != 0)
			continue;
		const uint8_t orig = buf[i];
		const uint8_t vals[4] = { 0x00, 0xff, (uint8_t)(orig ^ 0x01),
					  (uint8_t)(orig ^ 0x80) };
		for (size_t v = 0; v < 4; v++) {
			if (vals[v] == orig)
				continue;
			buf[i] = vals[v];
			run(buf, n);
		}
		buf[i] = orig;
	}
}

static int replay(const char *path)
{
	static uint8_t buf[MAX_FILE];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	run(buf, n);
	for (size_t i = 0; i < n; i++)
		run(buf, i);
	mutate(buf, n);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned files = 0;
	struct dirent *e;
	DIR *d;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	d = opendir(argv[1]);
	if (!d) {
		perror(argv[1]);
		return 2;
	}
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (replay(path) != 0) {
			closedir(d);
			return 1;
		}
		files++;
	}
	closedir(d);
	if (files == 0) {
		fprintf(stderr, "%s: empty corpus\n", argv[1]);
		return 1;
	}
	printf("%s: %u files, %lu inputs, no crash\n", argv[1], files, runs);
	return 0;
}
