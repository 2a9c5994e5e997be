/* The rest of libgpiod 1.6's API that node-libgpiod 0.5 links against, for gpiod-stub.c: the LED
 * board never calls these, so each fails with ENOSYS. Kept apart from gpiod.h, whose prototypes
 * they do not match. */
#include <errno.h>

#define UNUSED(name)           \
	int name(void);        \
	int name(void) {       \
		errno = ENOSYS; \
		return -1;      \
	}

UNUSED(gpiod_chip_find_line)
UNUSED(gpiod_chip_find_lines)
UNUSED(gpiod_chip_get_lines)
UNUSED(gpiod_ctxless_get_value)
UNUSED(gpiod_ctxless_set_value)
UNUSED(gpiod_line_active_state)
UNUSED(gpiod_line_bias)
UNUSED(gpiod_line_direction)
UNUSED(gpiod_line_get_value_bulk)
UNUSED(gpiod_line_is_open_drain)
UNUSED(gpiod_line_is_open_source)
UNUSED(gpiod_line_needs_update)
UNUSED(gpiod_line_release_bulk)
UNUSED(gpiod_line_request)
UNUSED(gpiod_line_request_both_edges_events)
UNUSED(gpiod_line_request_both_edges_events_flags)
UNUSED(gpiod_line_request_bulk)
UNUSED(gpiod_line_request_bulk_both_edges_events)
UNUSED(gpiod_line_request_bulk_both_edges_events_flags)
UNUSED(gpiod_line_request_bulk_falling_edge_events)
UNUSED(gpiod_line_request_bulk_falling_edge_events_flags)
UNUSED(gpiod_line_request_bulk_input)
UNUSED(gpiod_line_request_bulk_input_flags)
UNUSED(gpiod_line_request_bulk_output)
UNUSED(gpiod_line_request_bulk_output_flags)
UNUSED(gpiod_line_request_bulk_rising_edge_events)
UNUSED(gpiod_line_request_bulk_rising_edge_events_flags)
UNUSED(gpiod_line_request_falling_edge_events)
UNUSED(gpiod_line_request_falling_edge_events_flags)
UNUSED(gpiod_line_request_input)
UNUSED(gpiod_line_request_input_flags)
UNUSED(gpiod_line_request_output_flags)
UNUSED(gpiod_line_request_rising_edge_events)
UNUSED(gpiod_line_request_rising_edge_events_flags)
UNUSED(gpiod_line_set_config_bulk)
UNUSED(gpiod_line_set_direction_input_bulk)
UNUSED(gpiod_line_set_direction_output_bulk)
UNUSED(gpiod_line_set_flags_bulk)
UNUSED(gpiod_line_set_value_bulk)
UNUSED(gpiod_line_update)
