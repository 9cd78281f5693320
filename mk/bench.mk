# `make bench` (bench/cpu_bench.c): the CPU kernels against their references at the standard
# sizes, each held against a goal ratio (PASS/MISS). A benchmark, not a test: run it on a quiet machine.
BENCH_BIN := $(BUILD)/bench/cpu_bench

$(BENCH_BIN): bench/cpu_bench.c $(BUILD)/libparbench.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(BUILD)/libparbench.a $(LDFLAGS_ALL) $(LDLIBS)

bench: $(BENCH_BIN)
	./$(BENCH_BIN)

-include $(BENCH_BIN).d
