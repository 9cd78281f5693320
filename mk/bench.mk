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

# `make bench-learn`: bench/learn_steps.c, the CPU steps of docs/LEARN.md measured here (triad and
# sgemm from the plain loop to the thread pool, SIMD, parbench's own kernels and the BLAS library).
# Its plain loops live in bench/learn_loops.c, compiled with the vectoriser off so that step 1 is
# really one element at a time: a separate file rather than a pragma, because clang and gcc spell
# the pragma differently and gcc's (optimize) is documented as not for production code, while both
# take a flag. Clang's flags are -fno-vectorize -fno-slp-vectorize, gcc's -fno-tree-vectorize
# -fno-tree-slp-vectorize; gcc rejects clang's, which is the probe. The probe is a recursive
# variable, so it runs only when the object is built. `make test` builds the program too
# (tests/cli_learn.sh runs it with --tiny).
LEARN_BIN := $(BUILD)/bench/learn_steps
LEARN_LOOPS_OBJ := $(BUILD)/bench/learn_loops.o
LEARN_NO_VECTORIZE = $(shell if $(CC) -fno-vectorize -fno-slp-vectorize -E -x c /dev/null >/dev/null 2>&1; \
                       then echo -fno-vectorize -fno-slp-vectorize; \
                       else echo -fno-tree-vectorize -fno-tree-slp-vectorize; fi)
$(LEARN_LOOPS_OBJ): ALL_CFLAGS += $(LEARN_NO_VECTORIZE)

$(LEARN_BIN): bench/learn_steps.c $(LEARN_LOOPS_OBJ) $(BUILD)/libparbench.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(LEARN_LOOPS_OBJ) $(BUILD)/libparbench.a $(LDFLAGS_ALL) $(LDLIBS)

TEST_EXTRA += $(LEARN_BIN)

.PHONY: bench-learn
bench-learn: $(LEARN_BIN)
	./$(LEARN_BIN)

-include $(LEARN_BIN).d $(LEARN_LOOPS_OBJ:.o=.d)
