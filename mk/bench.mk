# `make bench`: (1) bench/cpu_bench.c: the CPU kernels against their references at the standard
# sizes, each held against a goal ratio (PASS/MISS); (2) bench/ceiling_bench.c: the ceiling probes
# against a plain FMA-chain program and a STREAM-style triad in the same run (`make bench-ceilings`
# runs it alone). Benchmarks, not tests: run them on a quiet machine.
BENCH_BIN := $(BUILD)/bench/cpu_bench
CEILING_BENCH_BIN := $(BUILD)/bench/ceiling_bench

$(BUILD)/bench/%: bench/%.c $(BUILD)/libparbench.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(BUILD)/libparbench.a $(LDFLAGS_ALL) $(LDLIBS)

.PHONY: bench-ceilings
bench: $(BENCH_BIN) $(CEILING_BENCH_BIN)
	./$(BENCH_BIN)
	./$(CEILING_BENCH_BIN)

bench-ceilings: $(CEILING_BENCH_BIN)
	./$(CEILING_BENCH_BIN)

-include $(BENCH_BIN).d $(CEILING_BENCH_BIN).d
