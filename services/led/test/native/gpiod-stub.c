/* A stand-in for libgpiod 1.6 (libgpiod.so.2) under the real node-libgpiod addon (issue 22): the
 * chips are fake, the ownership is libgpiod's. Lines belong to their chip; gpiod_chip_close()
 * releases every requested line, and a write to a line that is not requested fails with EPERM,
 * as in libgpiod 1.6 (line_bulk_all_requested). Each request, value, release and close is appended
 * to the file named by GPIOD_STUB_LOG, one line each, so a test sees what the C library saw.
 *
 * The functions the LED board never calls are in gpiod-stub-unused.c.
 * Chips come from GPIOD_STUB_CHIPS, "gpiochip0=gpio-brcmstb@107d508500:32,gpiochip4=pinctrl-rp1:54".
 * A closed chip is never freed: node-libgpiod
 * calls gpiod_line_release() from a Line's destructor even after its chip closed (with the real
 * library that reads freed memory; here it is a logged no-op). */
#include <errno.h>
#include <gpiod.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHIPS 32

struct gpiod_line {
	struct gpiod_chip *chip;
	unsigned int offset;
	int requested;
	int value;
	char consumer[32];
	char name[16];
};

struct gpiod_chip {
	char name[32];
	char label[64];
	unsigned int num_lines;
	int closed;
	struct gpiod_line *lines;
};

struct gpiod_chip_iter {
	struct gpiod_chip *chips[MAX_CHIPS];
	unsigned int count, next;
};

static void stub_log(const char *fmt, ...) {
	const char *path = getenv("GPIOD_STUB_LOG");
	if (!path) return;
	FILE *f = fopen(path, "a");
	if (!f) return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

/* Finds "name=label:lines" in GPIOD_STUB_CHIPS; index < 0 means by name. */
static struct gpiod_chip *chip_new(const char *wanted, int index) {
	const char *spec = getenv("GPIOD_STUB_CHIPS");
	if (!spec) spec = "";
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", spec);
	int i = 0;
	for (char *save, *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save), i++) {
		char *eq = strchr(item, '='), *colon = strrchr(item, ':');
		if (!eq || !colon || colon < eq) continue;
		*eq = *colon = '\0';
		if (index >= 0 ? i != index : strcmp(item, wanted) != 0) continue;
		struct gpiod_chip *chip = calloc(1, sizeof *chip);
		snprintf(chip->name, sizeof chip->name, "%s", item);
		snprintf(chip->label, sizeof chip->label, "%s", eq + 1);
		chip->num_lines = (unsigned int)atoi(colon + 1);
		chip->lines = calloc(chip->num_lines, sizeof *chip->lines);
		for (unsigned int o = 0; o < chip->num_lines; o++) {
			chip->lines[o].chip = chip;
			chip->lines[o].offset = o;
			snprintf(chip->lines[o].name, sizeof chip->lines[o].name, "GPIO%u", o);
		}
		return chip;
	}
	errno = ENOENT;
	return NULL;
}

struct gpiod_chip *gpiod_chip_open_lookup(const char *descr) {
	if (strncmp(descr, "/dev/", 5) == 0) descr += 5;
	struct gpiod_chip *chip = chip_new(descr, -1);
	if (chip) stub_log("open %s", chip->name);
	return chip;
}

struct gpiod_chip *gpiod_chip_open_by_number(unsigned int num) {
	struct gpiod_chip *chip = chip_new(NULL, (int)num);
	if (chip) stub_log("open %s", chip->name);
	return chip;
}

void gpiod_chip_close(struct gpiod_chip *chip) {
	for (unsigned int o = 0; o < chip->num_lines; o++) {
		if (!chip->lines[o].requested) continue;
		chip->lines[o].requested = 0;
		stub_log("release %s %u by chip close", chip->name, o);
	}
	chip->closed = 1;
	stub_log("close %s", chip->name);
}

const char *gpiod_chip_name(struct gpiod_chip *chip) { return chip->name; }
const char *gpiod_chip_label(struct gpiod_chip *chip) { return chip->label; }
unsigned int gpiod_chip_num_lines(struct gpiod_chip *chip) { return chip->num_lines; }

struct gpiod_line *gpiod_chip_get_line(struct gpiod_chip *chip, unsigned int offset) {
	if (chip->closed || offset >= chip->num_lines) {
		errno = EINVAL;
		return NULL;
	}
	return &chip->lines[offset];
}

int gpiod_chip_get_all_lines(struct gpiod_chip *chip, struct gpiod_line_bulk *bulk) {
	bulk->num_lines = 0;
	for (unsigned int o = 0; o < chip->num_lines && o < GPIOD_LINE_BULK_MAX_LINES; o++)
		bulk->lines[bulk->num_lines++] = &chip->lines[o];
	return 0;
}

/* Chips seen by getChipNames(): not logged, they are only read for their names. */
struct gpiod_chip_iter *gpiod_chip_iter_new(void) {
	struct gpiod_chip_iter *iter = calloc(1, sizeof *iter);
	for (struct gpiod_chip *c; iter->count < MAX_CHIPS && (c = chip_new(NULL, (int)iter->count));)
		iter->chips[iter->count++] = c;
	return iter;
}
struct gpiod_chip *gpiod_chip_iter_next_noclose(struct gpiod_chip_iter *iter) {
	return iter->next < iter->count ? iter->chips[iter->next++] : NULL;
}
void gpiod_chip_iter_free(struct gpiod_chip_iter *iter) { free(iter); }

unsigned int gpiod_line_offset(struct gpiod_line *line) { return line->offset; }
const char *gpiod_line_name(struct gpiod_line *line) { return line->name; }
const char *gpiod_line_consumer(struct gpiod_line *line) { return line->requested ? line->consumer : NULL; }
bool gpiod_line_is_used(struct gpiod_line *line) { return line->requested; }
bool gpiod_line_is_free(struct gpiod_line *line) { return !line->requested; }

int gpiod_line_request_output(struct gpiod_line *line, const char *consumer, int default_val) {
	if (line->chip->closed) {
		errno = EBADF;
		return -1;
	}
	if (line->requested) {
		errno = EBUSY;
		return -1;
	}
	line->requested = 1;
	line->value = default_val;
	snprintf(line->consumer, sizeof line->consumer, "%s", consumer ? consumer : "");
	stub_log("request %s %u output %s %d", line->chip->name, line->offset, line->consumer, default_val);
	return 0;
}

int gpiod_line_set_value(struct gpiod_line *line, int value) {
	if (!line->requested) {
		errno = EPERM;
		stub_log("set %s %u %d refused: not requested", line->chip->name, line->offset, value);
		return -1;
	}
	line->value = value;
	stub_log("set %s %u %d", line->chip->name, line->offset, value);
	return 0;
}

int gpiod_line_get_value(struct gpiod_line *line) {
	if (!line->requested) {
		errno = EPERM;
		return -1;
	}
	return line->value;
}

void gpiod_line_release(struct gpiod_line *line) {
	if (!line->requested) return;
	line->requested = 0;
	stub_log("release %s %u", line->chip->name, line->offset);
}

const char *gpiod_version_string(void) { return "1.6.3-kubeblink-stub"; }
